from datetime import date

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..models.factoring_kpi import COUNTBACK_MONTHS, KPI_GROUP_BY
from ..tools import kpi_formulas as kpi
from .common import ReportsCommon

SEPT = (date(2026, 9, 1), date(2026, 9, 30))


def reference_inputs(env, date_from, date_to, group_by, domain):
    """The KPI inputs as the first version computed them, over every item of
    the portfolio and all their reconciliations (kept here as the reference the
    candidate-reading query must equal)."""
    Item = env["factoring.item.report"]
    query = Item._search(domain)
    alias = query.table

    def col(name):
        return SQL.identifier(alias, name)

    group_sql = SQL("COALESCE(%s, 0)", col(group_by)) if group_by else SQL("0")
    items_sql = query.select(SQL(
        "%s AS id, %s AS grp, %s AS balance, %s AS date, %s AS due_date, "
        "%s AS invoice_date, %s AS reconciled",
        col("id"), group_sql, col("balance"), col("date"), col("due_date"),
        col("invoice_date"), col("reconciled")))
    begin = fields.Date.subtract(date_from, days=1)
    countback_start = kpi.countback_months(date_to, COUNTBACK_MONTHS)[-1][0]
    rows = env.execute_query_dict(SQL(
        """
        WITH it AS MATERIALIZED (%(items)s),
        part AS (
            SELECT it.id, it.grp, it.due_date, apr.amount AS amt, apr.max_date
              FROM it JOIN account_partial_reconcile apr ON apr.debit_move_id = it.id
             UNION ALL
            SELECT it.id, it.grp, it.due_date, -apr.amount AS amt, apr.max_date
              FROM it JOIN account_partial_reconcile apr ON apr.credit_move_id = it.id
        ),
        bal AS (
            SELECT grp,
                   SUM(balance) FILTER (WHERE date <= %(end)s) AS ending,
                   SUM(balance) FILTER (WHERE date <= %(end)s AND due_date >= %(end)s)
                       AS ending_current,
                   SUM(balance) FILTER (WHERE date <= %(begin)s) AS beginning,
                   SUM(balance) FILTER (WHERE balance > 0
                                          AND date BETWEEN %(start)s AND %(end)s) AS sales
              FROM it GROUP BY grp
        ),
        adj AS (
            SELECT grp,
                   SUM(amt) FILTER (WHERE max_date <= %(end)s) AS ending,
                   SUM(amt) FILTER (WHERE max_date <= %(end)s AND due_date >= %(end)s)
                       AS ending_current,
                   SUM(amt) FILTER (WHERE max_date <= %(begin)s) AS beginning
              FROM part GROUP BY grp
        ),
        last_match AS (SELECT id, MAX(max_date) AS paid_date FROM part GROUP BY id),
        paid AS (
            SELECT it.grp,
                   SUM(it.balance) AS amount,
                   COUNT(*) AS count,
                   SUM(it.balance * (lm.paid_date - it.due_date)) AS dbt,
                   SUM(it.balance * (lm.paid_date - it.invoice_date)) AS adp
              FROM it JOIN last_match lm ON lm.id = it.id
             WHERE it.reconciled AND it.balance > 0
               AND lm.paid_date BETWEEN %(start)s AND %(end)s
             GROUP BY it.grp
        ),
        months AS (
            SELECT grp, date_trunc('month', date)::date AS month, SUM(balance) AS sales
              FROM it
             WHERE balance > 0 AND date BETWEEN %(countback_start)s AND %(end)s
             GROUP BY grp, date_trunc('month', date)
        ),
        monthly AS (
            SELECT grp, json_object_agg(month, sales) AS sales FROM months GROUP BY grp
        )
        SELECT bal.grp,
               COALESCE(bal.ending, 0) - COALESCE(adj.ending, 0) AS ending_ar,
               COALESCE(bal.ending_current, 0) - COALESCE(adj.ending_current, 0)
                   AS ending_current_ar,
               COALESCE(bal.beginning, 0) - COALESCE(adj.beginning, 0) AS beginning_ar,
               COALESCE(bal.sales, 0) AS sales,
               COALESCE(paid.amount, 0) AS paid_amount,
               COALESCE(paid.count, 0) AS paid_count,
               COALESCE(paid.dbt, 0) AS paid_dbt,
               COALESCE(paid.adp, 0) AS paid_adp,
               monthly.sales AS monthly_sales
          FROM bal
          LEFT JOIN adj ON adj.grp = bal.grp
          LEFT JOIN paid ON paid.grp = bal.grp
          LEFT JOIN monthly ON monthly.grp = bal.grp
         -- the portfolio: when it has an item by the period's end; a group: when
         -- it has AR at either date, sales in the period or items paid in it
         WHERE %(keep)s
        """,
        items=items_sql, begin=begin, start=date_from, end=date_to,
        countback_start=countback_start,
        keep=SQL("""COALESCE(bal.ending, 0) - COALESCE(adj.ending, 0) <> 0
                    OR COALESCE(bal.beginning, 0) - COALESCE(adj.beginning, 0) <> 0
                    OR COALESCE(bal.sales, 0) <> 0 OR paid.amount IS NOT NULL""")
        if group_by else SQL("bal.ending IS NOT NULL OR paid.amount IS NOT NULL"),
    ))
    return {row["grp"]: (
        float(row["ending_ar"]), float(row["ending_current_ar"]), float(row["beginning_ar"]),
        float(row["sales"]), float(row["paid_amount"]), row["paid_count"],
        float(row["paid_dbt"]), float(row["paid_adp"]),
        {m: float(v) for m, v in (row["monthly_sales"] or {}).items()}) for row in rows}


@tagged("post_install", "-at_install")
class TestKpiApi(ReportsCommon):
    """get_kpis on real posted invoices and payments (Odoo's own invoice and
    payment wizard), checked against figures computed by hand.

    September 2026 (30 days), own invoices in euros:
      A1  debtor A  invoiced 1 Aug, due 31 Aug, 6,000; 1,000 paid 15 Sep
      S1  debtor A  invoiced 5 Sep, due 5 Oct, 4,000 (current on 30 Sep)
      S2  debtor B  invoiced 10 Sep, due 20 Sep, 6,000; 2,000 paid 10 Oct (after the period)
      P1..P5 debtor B invoiced 20 Aug, due 15 Sep, 100/200/300/400/500, paid in full
          on 5, 10, 15, 20 and 25 Sep (10 and 5 days early, on time, 5 and 10 late)
    Portfolio: beginning AR (31 Aug) 6,000 + 1,500 = 7,500; sales 4,000 + 6,000 =
    10,000; ending AR 5,000 + 4,000 + 6,000 = 15,000; current 4,000.
      DSO 15,000 / 10,000 x 30 = 45; BPDSO 4,000 / 10,000 x 30 = 12; ADD 33
      DBT (-1,000 - 1,000 + 0 + 2,000 + 5,000) / 1,500 = 3.33
      ADP (100x16 + 200x21 + 300x26 + 400x31 + 500x36) / 1,500 = 44,000 / 1,500 = 29.33
      CEI (7,500 + 10,000 - 15,000) / (7,500 + 10,000 - 4,000) = 2,500 / 13,500 = 18.52 %
      count-back: September 10,000 (30 days) leaves 5,000; August 7,500 (31 days):
          30 + 5,000 / 7,500 x 31 = 50.67
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.debtor_b.factoring_sector_id = cls.sector
        cls.a1 = cls.make_invoice(cls.debtor_a, 6000, date(2026, 8, 1), date(2026, 8, 31), "A1")
        cls.s1 = cls.make_invoice(cls.debtor_a, 4000, date(2026, 9, 5), date(2026, 10, 5), "S1")
        cls.s2 = cls.make_invoice(cls.debtor_b, 6000, date(2026, 9, 10), date(2026, 9, 20), "S2")
        cls.paid_items = []
        for index, amount in enumerate([100, 200, 300, 400, 500]):
            item = cls.make_invoice(
                cls.debtor_b, amount, date(2026, 8, 20), date(2026, 9, 15), f"P{index + 1}")
            cls.pay(item, amount, date(2026, 9, 5 + 5 * index))
            cls.paid_items.append(item)
        cls.pay(cls.a1, 1000, date(2026, 9, 15))
        cls.pay(cls.s2, 2000, date(2026, 10, 10))

    def kpis(self, user=None, **kwargs):
        model = self.env["factoring.kpi"].with_user(user or self.manager)
        return model.get_kpis(*SEPT, **kwargs)

    def test_items_are_as_designed(self):
        self.assertTrue(all(item.reconciled for item in self.paid_items))
        self.assertEqual(self.a1.amount_residual, 5000)
        self.assertEqual(self.s2.amount_residual, 4000)

    def test_inputs_equal_the_whole_history_query(self):
        # the KPIs read only candidates (items open at a date, dated in a range,
        # paid in the period): the same inputs as summing every item's history
        Kpi = self.env["factoring.kpi"].with_user(self.manager)
        # (the count-back reads older months only when the first twelve's sales
        # do not cover the AR: compared by the figure they give; July 2027 is
        # covered by Aug-Sep 2026, Aug and Dec 2027 are not)
        periods = [SEPT, (date(2026, 8, 1), date(2026, 10, 31)),
                   (date(2026, 9, 12), date(2026, 9, 12)), (date(2026, 10, 1), date(2026, 12, 31)),
                   (date(2023, 1, 1), date(2026, 9, 30)), (date(2026, 1, 1), date(2026, 7, 31)),
                   (date(2027, 7, 1), date(2027, 7, 31)), (date(2027, 8, 15), date(2027, 8, 31)),
                   (date(2027, 12, 1), date(2027, 12, 31))]

        def countback(date_to, ending_ar, monthly):
            return kpi.dso_countback(ending_ar, [
                (monthly.get(start.isoformat(), 0.0), days)
                for start, _end, days in kpi.countback_months(date_to, COUNTBACK_MONTHS)])

        for date_from, date_to in periods:
            for group_by in (None, *KPI_GROUP_BY):
                for domain in ([], [("is_factored", "=", False)]):
                    with self.subTest(period=(date_from, date_to), group_by=group_by,
                                      domain=domain):
                        got = {row["grp"]: (
                            row["ending_ar"], row["ending_current_ar"], row["beginning_ar"],
                            row["sales"], row["paid_amount"], row["paid_count"],
                            row["paid_dbt"], row["paid_adp"],
                            countback(date_to, row["ending_ar"], row["monthly_sales"]))
                            for row in Kpi._kpi_inputs(date_from, date_to, group_by,
                                                       Domain(domain))}
                        expected = {
                            grp: (*values[:8], countback(date_to, values[0], values[8]))
                            for grp, values in reference_inputs(
                                Kpi.env, date_from, date_to, group_by, Domain(domain)).items()}
                        self.assertEqual(got, expected)

    def test_month_end_ar_equals_the_whole_history_query(self):
        """The monthly CEIs' inputs (AR and current AR at each month end inside
        the period, the month's sales) equal the reference query run on each
        month of the period alone."""
        Kpi = self.env["factoring.kpi"].with_user(self.manager)
        periods = [(date(2026, 8, 1), date(2026, 10, 31)), (date(2026, 8, 10), date(2026, 9, 12)),
                   (date(2026, 7, 15), date(2026, 12, 31)), SEPT]
        for date_from, date_to in periods:
            for group_by in (None, "debtor_id", "collector_id", "client_id"):
                with self.subTest(period=(date_from, date_to), group_by=group_by):
                    rows = Kpi._kpi_inputs(date_from, date_to, group_by, Domain([]))
                    got = {row["grp"]: [
                        (*month_end, row["period_monthly_sales"].get(
                            start.replace(day=1).isoformat(), 0.0))
                        for (start, _end), month_end in zip(
                            kpi.period_month_slices(date_from, date_to), row["month_end_ar"],
                            strict=True)] for row in rows}
                    slices = kpi.period_month_slices(date_from, date_to)
                    references = [reference_inputs(Kpi.env, start, end, group_by, Domain([]))
                                  for start, end in slices]
                    for grp, months in got.items():
                        expected = [
                            (ref[grp][0], ref[grp][1], ref[grp][3]) if grp in ref
                            else (0.0, 0.0, 0.0) for ref in references]
                        self.assertEqual(months, expected, grp)
                        # and each month begins with the previous month's end
                        self.assertEqual(
                            [ref[grp][2] if grp in ref else 0.0 for ref in references][1:],
                            [month[0] for month in months][:-1])

    def test_countback_reads_older_months_when_needed(self):
        """December 2027: AR 13,000 (nothing paid or sold since October 2026).
        The last twelve months have no sales, so the count-back goes on: Dec 2027
        back to Oct 2026 without sales (365 + 31 + 30 + 31 = 457 days), September
        2026 10,000 leaves 3,000 (30 days), August 7,500: 3,000 / 7,500 x 31."""
        Kpi = self.env["factoring.kpi"].with_user(self.manager)
        [result] = Kpi.get_kpis("2027-12-01", "2027-12-31")
        self.assertAlmostEqual(result["ending_ar"], 13000)
        self.assertAlmostEqual(result["dso_countback"], 457 + 30 + 3000 / 7500 * 31)
        # July 2027: Aug 2026 - Jul 2027 cover it: Jul 2027 back to Oct 2026
        # (31 + 30 + 31 + 31 + 28 + 31 + 30 + 31 + 30 + 31 = 304 days), then Sep
        # 2026 and 3,000 of August's 7,500 as above
        [result] = Kpi.get_kpis("2027-07-01", "2027-07-31")
        self.assertAlmostEqual(result["dso_countback"], 304 + 30 + 3000 / 7500 * 31)

    def test_portfolio_kpis(self):
        [result] = self.kpis()
        self.assertIs(result["group"], False)
        self.assertEqual((result["days"], result["months"]), (30, 1))
        self.assertAlmostEqual(result["beginning_ar"], 7500)
        self.assertAlmostEqual(result["ending_ar"], 15000)
        self.assertAlmostEqual(result["ending_current_ar"], 4000)
        self.assertAlmostEqual(result["sales"], 10000)
        self.assertAlmostEqual(result["paid_amount"], 1500)
        self.assertEqual(result["paid_count"], 5)
        self.assertAlmostEqual(result["dso"], 45.0)
        self.assertAlmostEqual(result["bpdso"], 12.0)
        self.assertAlmostEqual(result["add"], 33.0)
        self.assertAlmostEqual(result["dbt"], 5000 / 1500)
        self.assertAlmostEqual(result["adp"], 44000 / 1500)
        self.assertAlmostEqual(result["cei"], 2500 / 13500 * 100)
        self.assertAlmostEqual(result["dso_countback"], 30 + 5000 / 7500 * 31)

    def test_kpis_per_debtor(self):
        """Debtor A: beginning 6,000, sales 4,000, ending 9,000, current 4,000:
        DSO 9,000 / 4,000 x 30 = 67.5, BPDSO 30, ADD 37.5, nothing paid (DBT and ADP
        undefined), CEI (6,000 + 4,000 - 9,000) / (10,000 - 4,000) = 16.67 %,
        count-back 30 + 5,000 / 6,000 x 31 = 55.83.
        Debtor B: beginning 1,500, sales 6,000, ending 6,000, current 0: DSO 30,
        BPDSO 0, ADD 30, DBT 3.33, ADP 29.33, CEI (1,500 + 6,000 - 6,000) / 7,500 = 20 %,
        count-back: September's 6,000 consumed exactly, 30."""
        results = {r["group"][0]: r for r in self.kpis(group_by="debtor_id")}
        self.assertEqual(set(results), {self.debtor_a.id, self.debtor_b.id})
        a, b = results[self.debtor_a.id], results[self.debtor_b.id]
        self.assertEqual(a["group"][1], self.debtor_a.display_name)
        self.assertAlmostEqual(a["dso"], 67.5)
        self.assertAlmostEqual(a["bpdso"], 30.0)
        self.assertAlmostEqual(a["add"], 37.5)
        self.assertIs(a["dbt"], False)
        self.assertIs(a["adp"], False)
        self.assertAlmostEqual(a["cei"], 1000 / 6000 * 100)
        self.assertAlmostEqual(a["dso_countback"], 30 + 5000 / 6000 * 31)
        self.assertAlmostEqual(b["dso"], 30.0)
        self.assertAlmostEqual(b["bpdso"], 0.0)
        self.assertAlmostEqual(b["add"], 30.0)
        self.assertAlmostEqual(b["dbt"], 5000 / 1500)
        self.assertAlmostEqual(b["adp"], 44000 / 1500)
        self.assertAlmostEqual(b["cei"], 20.0)
        self.assertAlmostEqual(b["dso_countback"], 30.0)
        # per sector: debtor B's sector, and debtor A without one
        by_sector = {r["group"] and r["group"][0]: r for r in self.kpis(group_by="sector_id")}
        self.assertEqual(set(by_sector), {self.sector.id, False})
        self.assertAlmostEqual(by_sector[self.sector.id]["dso"], 30.0)
        self.assertAlmostEqual(by_sector[False]["dso"], 67.5)

    def test_kpis_per_collector_and_domain(self):
        # only debtor A has a collector; the others are grouped under False
        results = {r["group"] and r["group"][0]: r for r in self.kpis(group_by="collector_id")}
        self.assertEqual(set(results), {self.users["collector"].id, False})
        self.assertAlmostEqual(results[self.users["collector"].id]["dso"], 67.5)
        # a domain restricts the items
        [result] = self.kpis(domain=[("debtor_id", "=", self.debtor_b.id)])
        self.assertAlmostEqual(result["dso"], 30.0)
        # own invoices only here: nothing factored
        self.assertEqual(self.kpis(domain=[("is_factored", "=", True)]), [])

    def test_payment_after_the_period_is_ignored_and_later_periods_see_it(self):
        """October: S2's 2,000 paid on 10 Oct counts. Ending AR 31 Oct = 5,000 +
        4,000 + 4,000 = 13,000, beginning 15,000, no sales: DSO undefined, CEI
        (15,000 - 13,000) / (15,000 - 0) = 13.33 % (nothing is current on 31 Oct)."""
        [result] = self.env["factoring.kpi"].with_user(self.manager).get_kpis(
            "2026-10-01", "2026-10-31")
        self.assertAlmostEqual(result["beginning_ar"], 15000)
        self.assertAlmostEqual(result["ending_ar"], 13000)
        self.assertAlmostEqual(result["ending_current_ar"], 0)
        self.assertAlmostEqual(result["sales"], 0)
        self.assertIs(result["dso"], False)
        self.assertIs(result["bpdso"], False)
        self.assertIs(result["add"], False)
        self.assertAlmostEqual(result["cei"], 2000 / 15000 * 100)
        # count-back at 31 Oct: October no sales (31 days), September 10,000 leaves 3,000,
        # August 7,500: 31 + 30 + 3,000 / 7,500 x 31 = 73.4
        self.assertAlmostEqual(result["dso_countback"], 31 + 30 + 3000 / 7500 * 31)

    def test_kpis_match_the_aging_total(self):
        aging = self.env["factoring.aging.report"].with_user(self.manager).with_context(
            factoring_aging_date="2026-09-30")
        [(total,)] = aging._read_group([], aggregates=["residual:sum"])
        [result] = self.kpis()
        self.assertAlmostEqual(total, result["ending_ar"])

    def test_collector_gets_own_portfolio(self):
        """The collector collects debtor A only: the portfolio is debtor A's."""
        [result] = self.kpis(user=self.users["collector"])
        self.assertAlmostEqual(result["ending_ar"], 9000)
        self.assertAlmostEqual(result["dso"], 67.5)
        # a client manager has no own invoices of their clients here: nothing
        self.assertEqual(self.kpis(user=self.users["client_manager"]), [])
        # credit analysts read everything
        [result] = self.kpis(user=self.users["credit_analyst"])
        self.assertAlmostEqual(result["dso"], 45.0)

    def test_refused_calls(self):
        outsider = new_test_user(self.env, login="kpi_outsider", groups="base.group_user",
                                 company_id=self.company.id)
        with self.assertRaises(AccessError):
            self.kpis(user=outsider)
        with self.assertRaisesRegex(UserError, "cannot be grouped by partner_id"):
            self.kpis(group_by="partner_id")
        # the CEI reads each month end: ten years at most
        Kpi = self.env["factoring.kpi"].with_user(self.manager)
        with self.assertRaisesRegex(UserError, "at most 120 months.*has 121"):
            Kpi.get_kpis("2016-09-01", "2026-09-30")
        [result] = Kpi.get_kpis("2016-10-01", "2026-09-30")
        self.assertEqual(len(result["cei_months"]), 120)
        with self.assertRaisesRegex(UserError, "on or before its end"):
            self.env["factoring.kpi"].with_user(self.manager).get_kpis(
                "2026-10-01", "2026-09-01")

    def test_kpi_wizard_shows_the_api_figures(self):
        wizard = self.env["factoring.kpi.wizard"].with_user(self.manager).create({
            "date_from": SEPT[0], "date_to": SEPT[1], "group_by": "debtor_id"})
        action = wizard.action_compute()
        lines = self.env["factoring.kpi.line"].with_user(self.manager).search(action["domain"])
        self.assertEqual(len(lines), 2)
        line_a = lines.filtered(lambda line: line.res_id == self.debtor_a.id)
        self.assertEqual(line_a.name, self.debtor_a.display_name)
        self.assertAlmostEqual(line_a.dso, 67.5, places=2)
        self.assertFalse(line_a.dbt_defined)
        self.assertTrue(line_a.cei_defined)
