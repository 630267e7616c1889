from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.misc import formatLang

from ..models.factoring_kpi import KPI_DIGITS, KPI_FIGURES
from ..tools import kpi_formulas as kpi
from .common import ReportsCommon


@tagged("post_install", "-at_install")
class TestCeiWorkedExample(ReportsCommon):
    """The CEI's worked example through the database: own invoices of debtor A
    and payments with Odoo's own wizards.

      X1  invoiced 1 Dec 2025, due 31 Dec, 4,000; 3,490 paid 20 Jan, 510 on 20 Feb
      X2  invoiced 15 Dec 2025, due 15 Feb, 2,200; 590 paid 20 Feb
      J1  invoiced 10 Jan, due 10 Mar, 1,390
      J2  invoiced 12 Jan, due 25 Jan, 2,240; paid 20 Feb
      F1  invoiced 10 Feb, due 31 Mar, 1,610
      F2  invoiced 12 Feb, due 20 Feb, 390
    January: AR at its start 4,000 + 2,200 = 6,200, sales 1,390 + 2,240 = 3,630,
    AR at its end 510 + 2,200 + 1,390 + 2,240 = 6,340, current 2,200 + 1,390 =
    3,590: 3,490 / 6,240 = 55.9 %. February: sales 2,000, AR at its end 1,610 +
    1,390 + 1,610 + 390 = 5,000, current 1,390 + 1,610 = 3,000: 3,340 / 5,340 =
    62.5 %. The two months: 6,830 / 11,580 = 59.0 %."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        invoice = cls.make_invoice
        a = cls.debtor_a
        cls.x1 = invoice(a, 4000, date(2025, 12, 1), date(2025, 12, 31), "X1")
        cls.x2 = invoice(a, 2200, date(2025, 12, 15), date(2026, 2, 15), "X2")
        cls.j1 = invoice(a, 1390, date(2026, 1, 10), date(2026, 3, 10), "J1")
        cls.j2 = invoice(a, 2240, date(2026, 1, 12), date(2026, 1, 25), "J2")
        cls.f1 = invoice(a, 1610, date(2026, 2, 10), date(2026, 3, 31), "F1")
        cls.f2 = invoice(a, 390, date(2026, 2, 12), date(2026, 2, 20), "F2")
        cls.pay(cls.x1, 3490, date(2026, 1, 20))
        cls.pay(cls.x1, 510, date(2026, 2, 20))
        cls.pay(cls.j2, 2240, date(2026, 2, 20))
        cls.pay(cls.x2, 590, date(2026, 2, 20))

    def kpis(self, date_from, date_to, **kwargs):
        return self.env["factoring.kpi"].with_user(self.manager).get_kpis(
            date_from, date_to, **kwargs)

    def test_one_month_each(self):
        [january] = self.kpis("2026-01-01", "2026-01-31")
        self.assertEqual(round(january["cei"], 1), 55.9)
        self.assertAlmostEqual(january["cei"], 3490 / 6240 * 100)
        [month] = january["cei_months"]
        self.assertEqual(
            {key: month[key] for key in ("date_from", "date_to", "beginning_ar", "sales",
                                         "ending_ar", "ending_current_ar", "collected",
                                         "collectible")},
            {"date_from": "2026-01-01", "date_to": "2026-01-31", "beginning_ar": 6200,
             "sales": 3630, "ending_ar": 6340, "ending_current_ar": 3590,
             "collected": 3490, "collectible": 6240})
        [february] = self.kpis("2026-02-01", "2026-02-28")
        self.assertEqual(round(february["cei"], 1), 62.5)
        self.assertAlmostEqual(february["cei"], 3340 / 5340 * 100)
        self.assertEqual(
            (february["beginning_ar"], february["sales"], february["ending_ar"],
             february["ending_current_ar"]), (6340, 2000, 5000, 3000))

    def test_two_months_weighted_by_what_was_collectible(self):
        [result] = self.kpis("2026-01-01", "2026-02-28")
        self.assertAlmostEqual(result["cei"], 6830 / 11580 * 100)
        self.assertEqual(round(result["cei"], 1), 59.0)
        self.assertEqual((result["cei_collected"], result["cei_collectible"]), (6830, 11580))
        january, february = result["cei_months"]
        # each month starts with the AR the previous one ended with; the last
        # month ends with the period's ending AR; the months' sales are the period's
        self.assertEqual(january["beginning_ar"], result["beginning_ar"])
        self.assertEqual(february["beginning_ar"], january["ending_ar"])
        self.assertEqual((february["ending_ar"], february["ending_current_ar"]),
                         (result["ending_ar"], result["ending_current_ar"]))
        self.assertEqual(january["sales"] + february["sales"], result["sales"])
        self.assertEqual((january["collected"], january["collectible"]), (3490, 6240))
        self.assertEqual((february["collected"], february["collectible"]), (3340, 5340))
        self.assertEqual(round(january["cei"], 1), 55.9)
        self.assertEqual(round(february["cei"], 1), 62.5)
        # a period cut inside months: 15 January to 20 February, its first and
        # last months cut at its ends (the AR at 14 January and 20 February)
        [cut] = self.kpis("2026-01-15", "2026-02-20")
        self.assertEqual([(m["date_from"], m["date_to"]) for m in cut["cei_months"]],
                         [("2026-01-15", "2026-01-31"), ("2026-02-01", "2026-02-20")])
        # 14 Jan: X1 4,000, X2 2,200, J1 1,390, J2 2,240; sales 15-31 Jan: none
        self.assertEqual(cut["cei_months"][0]["beginning_ar"], 9830)
        self.assertEqual(cut["cei_months"][0]["sales"], 0)
        self.assertEqual(cut["cei_months"][1]["sales"], 2000)

    def test_wizard_line_shows_each_formula_and_its_inputs(self):
        wizard = self.env["factoring.kpi.wizard"].with_user(self.manager).create({
            "date_from": date(2026, 1, 1), "date_to": date(2026, 2, 28)})
        action = wizard.action_compute()
        self.assertIn("form", action["view_mode"])
        [line] = self.env["factoring.kpi.line"].with_user(self.manager).search(action["domain"])
        [result] = self.kpis("2026-01-01", "2026-02-28")
        formulas = self.env["factoring.kpi"]._kpi_formulas()

        def shown(value, digits=2):
            return formatLang(self.env, value, digits=digits)

        for key in KPI_FIGURES:
            field = {"add": "add_days"}.get(key, key)
            detail = line[f"{field}_detail"]
            with self.subTest(figure=key):
                # the formula, then the inputs and the figure as the line shows it
                self.assertTrue(detail.startswith(formulas[key]), detail)
                if result[key] is not False:
                    self.assertIn(shown(line[field], KPI_DIGITS[key]), detail)
                    # (the line keeps the figure with the decimals it shows)
                    self.assertAlmostEqual(line[field], result[key], places=KPI_DIGITS[key])
        self.assertIn(f"{shown(line.ending_ar)} ÷ {shown(line.sales)} × {line.days}",
                      line.dso_detail)
        self.assertIn(f"{shown(line.ending_current_ar)} ÷ {shown(line.sales)}",
                      line.bpdso_detail)
        # the CEI: the sums, then one line per month with its four inputs
        self.assertIn(f"{shown(6830)} ÷ {shown(11580)} × 100 = {shown(line.cei, 1)} %",
                      line.cei_detail)
        for month in line.cei_month_ids:
            self.assertIn(
                f"{shown(month.beginning_ar)} + {shown(month.sales)} − "
                f"{shown(month.ending_ar)} = {shown(month.collected)}", line.cei_detail)
            self.assertIn(f"− {shown(month.ending_current_ar)} = {shown(month.collectible)}",
                          line.cei_detail)
        # the drill-down lists the months with the API's inputs
        self.assertEqual(
            [(m.date_from, m.beginning_ar, m.sales, m.ending_ar, m.ending_current_ar,
              m.collected, m.collectible, round(m.cei, 1)) for m in line.cei_month_ids],
            [(date(2026, 1, 1), 6200, 3630, 6340, 3590, 3490, 6240, 55.9),
             (date(2026, 2, 1), 6340, 2000, 5000, 3000, 3340, 5340, 62.5)])
        self.assertAlmostEqual(sum(line.cei_month_ids.mapped("collected"))
                               / sum(line.cei_month_ids.mapped("collectible")) * 100, line.cei,
                               places=1)
        # the count-back: the ending AR consumed month by month, newest first;
        # February's 2,000 whole (28 days), then 3,000 of January's 3,630
        self.assertIn(f"{shown(5000)}:", line.dso_countback_detail)
        self.assertIn(f"{shown(3000)} of {shown(3630)}", line.dso_countback_detail)
        self.assertAlmostEqual(result["dso_countback"], 28 + 3000 / 3630 * 31)
        # DBT and ADP: the paid items' sums (X1 and J2 paid in full on 20 Feb)
        self.assertEqual(line.paid_count, 2)
        self.assertIn(f"{shown(result['paid_dbt_days'])} ÷ {shown(line.paid_amount)}",
                      line.dbt_detail)
        self.assertAlmostEqual(result["paid_dbt_days"],
                               4000 * (date(2026, 2, 20) - date(2025, 12, 31)).days
                               + 2240 * (date(2026, 2, 20) - date(2026, 1, 25)).days)
        # the columns' tooltips are the formulas
        fields_info = self.env["factoring.kpi.line"].with_user(self.manager).fields_get(
            ["dso", "cei", "add_days"], ["string", "help"])
        self.assertEqual(fields_info["cei"]["help"], formulas["cei"])
        self.assertEqual(fields_info["add_days"]["help"], formulas["add"])
        # another user reads neither the manager's line nor its months
        collector_lines = self.env["factoring.kpi.line"].with_user(self.users["collector"])
        with self.assertRaises(AccessError):
            collector_lines.browse(line.id).read(["cei_detail"])
        with self.assertRaises(AccessError):
            line.cei_month_ids[0].with_user(self.users["collector"]).read(["collected"])
        # the line opens on a form holding every explanation and the months
        arch = self.env["factoring.kpi.line"].with_user(self.manager).get_views(
            [(False, "form")])["views"]["form"]["arch"]
        for name in ("cei_detail", "dso_detail", "cei_month_ids", "dso_countback_detail"):
            self.assertIn(f'name="{name}"', arch)


# Debtor -> (first month's sales, monthly growth factor, payment terms in days)
GROWING = {"debtor_a": (1000, 2, 20), "debtor_b": (1500, 1.5, 20),
           "debtor_unapproved": (700, 1, 60)}
MONTHS = (1, 2, 3, 4)  # January to April 2026
PERIOD = (date(2026, 1, 1), date(2026, 4, 30))


@tagged("post_install", "-at_install")
class TestCeiGrowingPortfolio(ReportsCommon):
    """A portfolio growing faster than a month's sales, January to April 2026:
    per debtor, an opening invoice of 5 December paid in full on 20 January,
    then an invoice on the 5th of every month (the first month's sales times
    the growth factor each month, due after the debtor's terms), 90 % of each
    paid 40 days after its date when that is by 30 April, the rest left open.
    Debtor A (the collector's) doubles its sales every month, debtor B (the
    supervisor's) grows by half, the third (no collector) stays flat."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.debtor_b.factoring_collector_id = cls.users["supervisor"]
        cls.items = []  # (debtor, amount, invoice date, due date, [(paid on, amount)])
        for name, (base, growth, terms) in GROWING.items():
            debtor = getattr(cls, name)
            item = cls.make_invoice(debtor, base, date(2025, 12, 5), date(2025, 12, 25))
            cls.pay(item, base, date(2026, 1, 20))
            cls.items.append((debtor, base, date(2025, 12, 5), date(2025, 12, 25),
                              [(date(2026, 1, 20), base)]))
            for index, month in enumerate(MONTHS):
                amount = round(base * growth ** index)
                invoiced = date(2026, month, 5)
                due = invoiced + timedelta(days=terms)
                item = cls.make_invoice(debtor, amount, invoiced, due)
                paid_on = invoiced + timedelta(days=40)
                payments = []
                if paid_on <= PERIOD[1]:
                    payments = [(paid_on, round(amount * 0.9))]
                    cls.pay(item, payments[0][1], paid_on)
                cls.items.append((debtor, amount, invoiced, due, payments))

    def expected_months(self, debtors):
        """The monthly CEI inputs of ``debtors`` computed here from the items'
        amounts and payment dates (the oracle)."""
        def ar_at(day, current=False):
            return sum(
                amount - sum(paid for paid_on, paid in payments if paid_on <= day)
                for debtor, amount, invoiced, due, payments in self.items
                if debtor in debtors and invoiced <= day and (not current or due >= day))

        months = []
        for start, end in kpi.period_month_slices(*PERIOD):
            months.append((
                ar_at(start - timedelta(days=1)),
                sum(amount for debtor, amount, invoiced, _due, _payments in self.items
                    if debtor in debtors and start <= invoiced <= end),
                ar_at(end), ar_at(end, current=True)))
        return months

    @staticmethod
    def withdrawn_cei(result):
        """The withdrawn formula: the period's sales / N with the period's
        start and end balances."""
        base = result["beginning_ar"] + result["sales"] / result["months"]
        return (base - result["ending_ar"]) / (base - result["ending_current_ar"]) * 100

    def test_portfolio_cei_is_the_monthly_one_within_0_and_100(self):
        Kpi = self.env["factoring.kpi"].with_user(self.manager)
        [result] = Kpi.get_kpis(*PERIOD)
        debtors = self.debtor_a | self.debtor_b | self.debtor_unapproved
        expected = self.expected_months(debtors)
        self.assertEqual(
            [(m["beginning_ar"], m["sales"], m["ending_ar"], m["ending_current_ar"])
             for m in result["cei_months"]], expected)
        self.assertAlmostEqual(result["cei"], kpi.collection_effectiveness_index(expected))
        self.assertTrue(0 <= result["cei"] <= 100, result["cei"])
        # the receivables grew faster than a month's sales: the withdrawn
        # formula gave a negative CEI on the same inputs
        self.assertGreater(result["ending_ar"], result["beginning_ar"] + result["sales"] / 4)
        self.assertLess(self.withdrawn_cei(result), 0)
        # each month on its own is within 0 and 100 too
        for month in result["cei_months"]:
            self.assertTrue(0 <= month["cei"] <= 100, month)

    def test_cei_per_collector_within_0_and_100(self):
        Kpi = self.env["factoring.kpi"].with_user(self.manager)
        results = {r["group"] and r["group"][0]: r
                   for r in Kpi.get_kpis(*PERIOD, group_by="collector_id")}
        owners = {self.users["collector"].id: self.debtor_a,
                  self.users["supervisor"].id: self.debtor_b,
                  False: self.debtor_unapproved}
        self.assertEqual(set(results), set(owners))
        negative_before = 0
        for group, debtors in owners.items():
            result = results[group]
            with self.subTest(collector=group):
                expected = self.expected_months(debtors)
                self.assertEqual(
                    [(m["beginning_ar"], m["sales"], m["ending_ar"], m["ending_current_ar"])
                     for m in result["cei_months"]], expected)
                self.assertAlmostEqual(result["cei"],
                                       kpi.collection_effectiveness_index(expected))
                self.assertTrue(0 <= result["cei"] <= 100, result["cei"])
                negative_before += self.withdrawn_cei(result) < 0
        # the two growing portfolios read negative with the withdrawn formula
        self.assertEqual(negative_before, 2)
        # per debtor too, and a collector sees their own portfolio's figure
        for result in Kpi.get_kpis(*PERIOD, group_by="debtor_id"):
            self.assertTrue(0 <= result["cei"] <= 100, result)
        [own] = self.env["factoring.kpi"].with_user(self.users["collector"]).get_kpis(*PERIOD)
        self.assertAlmostEqual(own["cei"], results[self.users["collector"].id]["cei"])
