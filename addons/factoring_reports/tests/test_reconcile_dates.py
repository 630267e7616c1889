from datetime import date

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..hooks import uninstall_hook
from ..models.account_move_line import (
    RECONCILED_AFTER_FUNCTION,
    RECONCILED_SPAN_INDEX,
    fill_reconcile_dates,
)
from .common import ReportsCommon


@tagged("post_install", "-at_install")
class TestReconcileDates(ReportsCommon):
    """The lines' stored first and last reconciliation dates, and what the aging
    and the KPIs read from them: instalments on both sides of D, and a credit
    dated before D reconciled after it.

      I1  debtor A  invoiced 1 Sep 2026, due 1 Oct, 9,000: 2,000 paid 10 Sep,
          3,000 paid 20 Sep, 4,000 paid 5 Oct (then paid in full)
      C1  debtor B  a payment of 1,500 received 5 Sep before any invoice (a
          credit item, open), matched on 12 Sep with
      I2  debtor B  invoiced 12 Sep 2026, due 12 Oct, 1,500
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.i1 = cls.make_invoice(cls.debtor_a, 9000, date(2026, 9, 1), date(2026, 10, 1), "I1")
        cls.pay(cls.i1, 2000, date(2026, 9, 10))
        cls.pay(cls.i1, 3000, date(2026, 9, 20))
        cls.pay(cls.i1, 4000, date(2026, 10, 5))
        payment = cls.env["account.payment"].create({
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": cls.debtor_b.id,
            "amount": 1500,
            "date": date(2026, 9, 5),
            "journal_id": cls.bank_journal.id,
        })
        payment.action_post()
        cls.c1 = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable")
        assert cls.c1.balance == -1500, cls.c1.balance
        cls.i2 = cls.make_invoice(cls.debtor_b, 1500, date(2026, 9, 12), date(2026, 10, 12), "I2")

    def reconcile_c1(self):
        (self.c1 | self.i2).reconcile()

    def rows(self, as_of):
        """{move_line_id: residual} of the aging as of a date, debtors A and B."""
        return {
            r.move_line_id.id: r.residual
            for r in self.env["factoring.aging.report"].with_user(self.manager).with_context(
                factoring_aging_date=as_of).search(
                    [("debtor_id", "in", (self.debtor_a | self.debtor_b).ids)])
        }

    def test_dates_follow_the_reconciliations(self):
        self.assertEqual(self.i1.factoring_first_reconcile_date, date(2026, 9, 10))
        self.assertEqual(self.i1.factoring_last_reconcile_date, date(2026, 10, 5))
        self.assertTrue(self.i1.reconciled)
        # never reconciled: no dates
        self.assertFalse(self.i2.factoring_first_reconcile_date)
        self.assertFalse(self.c1.factoring_last_reconcile_date)
        # a reconciliation counts from the later line's date: 12 Sep for both
        self.reconcile_c1()
        self.assertEqual(
            (self.c1.factoring_first_reconcile_date, self.c1.factoring_last_reconcile_date),
            (date(2026, 9, 12), date(2026, 9, 12)))
        self.assertEqual(self.i2.factoring_last_reconcile_date, date(2026, 9, 12))
        # the 4,000 of 5 Oct unreconciled: I1 is open again, last reconciled 20 Sep
        self.i1.matched_credit_ids.filtered(
            lambda partial: partial.max_date == date(2026, 10, 5)).unlink()
        self.assertFalse(self.i1.reconciled)
        self.assertEqual(self.i1.factoring_first_reconcile_date, date(2026, 9, 10))
        self.assertEqual(self.i1.factoring_last_reconcile_date, date(2026, 9, 20))

    def test_sql_fill_equals_the_computed_dates(self):
        """The install fill (one UPDATE) gives what the ORM computes."""
        self.reconcile_c1()
        self.env.flush_all()
        lines = self.i1 | self.i2 | self.c1
        computed = [(line.factoring_first_reconcile_date, line.factoring_last_reconcile_date)
                    for line in lines]
        self.env.cr.execute(
            "UPDATE account_move_line SET factoring_first_reconcile_date = NULL,"
            " factoring_last_reconcile_date = NULL WHERE id IN %s", [tuple(lines.ids)])
        fill_reconcile_dates(self.env.cr)
        lines.invalidate_recordset()
        self.assertEqual(
            [(line.factoring_first_reconcile_date, line.factoring_last_reconcile_date)
             for line in lines], computed)
        self.assertEqual(computed[0], (date(2026, 9, 10), date(2026, 10, 5)))

    def test_aging_of_instalments_on_both_sides_of_the_date(self):
        # 9 Sep: nothing paid yet, 9,000; 15 Sep: 9,000 - 2,000 (the 3,000 and
        # 4,000 come later); 25 Sep: 9,000 - 2,000 - 3,000; 5 Oct: paid
        self.assertEqual(self.rows("2026-09-09")[self.i1.id], 9000)
        self.assertEqual(self.rows("2026-09-15")[self.i1.id], 7000)
        self.assertEqual(self.rows("2026-09-25")[self.i1.id], 4000)
        self.assertNotIn(self.i1.id, self.rows("2026-10-05"))
        # the same in the item's currency (EUR, the company's)
        row = self.env["factoring.aging.report"].with_context(
            factoring_aging_date="2026-09-15").search([("move_line_id", "=", self.i1.id)])
        self.assertEqual(row.residual_currency, 7000)

    def test_credit_before_the_date_reconciled_after_it(self):
        self.reconcile_c1()
        # 10 Sep: the 1,500 received on 5 Sep is open, a credit; I2 not yet posted
        self.assertEqual(self.rows("2026-09-10").get(self.c1.id), -1500)
        self.assertNotIn(self.i2.id, self.rows("2026-09-10"))
        # 12 Sep: both matched, neither is open
        rows = self.rows("2026-09-12")
        self.assertNotIn(self.c1.id, rows)
        self.assertNotIn(self.i2.id, rows)

    def test_kpis_read_the_same_dates(self):
        self.reconcile_c1()
        domain = [("debtor_id", "in", (self.debtor_a | self.debtor_b).ids)]
        kpis = self.env["factoring.kpi"].with_user(self.manager)
        # AR at 15 Sep (the period's end): I1's 7,000; C1 and I2 matched on 12 Sep.
        # At 10 Sep (the day before the period): I1 7,000 and C1 -1,500.
        [row] = kpis.get_kpis("2026-09-11", "2026-09-15", domain=domain)
        self.assertEqual(row["ending_ar"], 7000)
        self.assertEqual(row["beginning_ar"], 7000 - 1500)
        # paid in full from 1 Sep to 10 Oct: I1 (last on 5 Oct, 4 days after its
        # due date, 34 after its invoice) and I2 (12 Sep, 30 days before its due
        # date, the day of its invoice); the payments' credit lines do not count
        [row] = kpis.get_kpis("2026-09-01", "2026-10-10", domain=domain)
        self.assertEqual(row["paid_count"], 2)
        self.assertEqual(row["paid_amount"], 10500)
        self.assertAlmostEqual(row["dbt"], (9000 * 4 + 1500 * -30) / 10500)
        self.assertAlmostEqual(row["adp"], (9000 * 34 + 1500 * 0) / 10500)
        # I1 paid in full after the period: not a paid item of September
        [row] = kpis.get_kpis("2026-09-01", "2026-09-30", domain=domain)
        self.assertEqual((row["paid_count"], row["paid_amount"]), (1, 1500))

    def test_span_index_function_and_uninstall(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'account_move_line'"
            " AND indexname = %s", [RECONCILED_SPAN_INDEX])
        [(definition,)] = self.env.cr.fetchall()
        self.assertIn("(factoring_last_reconcile_date, date)", definition)
        self.assertIn("WHERE reconciled", definition)
        # the function the residual at D reads instalments with: parallel safe
        self.env.cr.execute("SELECT proparallel FROM pg_proc WHERE proname = %s",
                            [RECONCILED_AFTER_FUNCTION])
        self.assertEqual(self.env.cr.fetchall(), [("s",)])
        # uninstalling the addon drops both (rolled back with the test)
        uninstall_hook(self.env)
        self.env.cr.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s",
                            [RECONCILED_SPAN_INDEX])
        self.assertFalse(self.env.cr.fetchall())
        self.env.cr.execute("SELECT 1 FROM pg_proc WHERE proname = %s",
                            [RECONCILED_AFTER_FUNCTION])
        self.assertFalse(self.env.cr.fetchall())

    def test_instalments_in_a_foreign_currency(self):
        """U1: 1,000 USD invoiced 1 Sep 2026 at 2 USD per EUR (500 EUR); 300 USD
        paid 10 Sep and 700 USD 20 Sep at the same rate. As of 15 Sep: 700 USD
        open, 350 EUR; the function reads the currency side of the instalment
        after the date."""
        self.env["res.currency.rate"].create({
            "name": date(2026, 1, 1), "rate": 2.0, "currency_id": self.usd.id,
            "company_id": self.company.id})
        u1 = self.make_invoice(self.debtor_a, 1000, date(2026, 9, 1), date(2026, 10, 1), "U1",
                               currency=self.usd)
        self.assertEqual((u1.amount_currency, u1.balance), (1000, 500))
        for amount, day in ((300, date(2026, 9, 10)), (700, date(2026, 9, 20))):
            self.env["account.payment.register"].with_context(
                active_model="account.move.line", active_ids=u1.ids,
            ).create({"payment_date": day, "amount": amount, "currency_id": self.usd.id,
                      "journal_id": self.bank_journal.id})._create_payments()
        self.assertTrue(u1.reconciled)
        row = self.env["factoring.aging.report"].with_context(
            factoring_aging_date="2026-09-15").search([("move_line_id", "=", u1.id)])
        self.assertEqual((row.residual_currency, row.residual), (700, 350))
        self.assertEqual(row.currency_id, self.usd)

    def test_grouped_kpis_leave_out_groups_without_activity(self):
        """October 2026: debtor A's I1 is paid in full on 5 Oct (a paid item of
        the period; 4,000 open on 30 Sep, the day before); debtor
        B's I2 and C1 were matched on 12 Sep, so B has no AR at either date, no
        sales and nothing paid in October: B is not a row. In December neither
        has anything; the portfolio is still one row (it has items by then)."""
        self.reconcile_c1()
        domain = [("debtor_id", "in", (self.debtor_a | self.debtor_b).ids)]
        kpis = self.env["factoring.kpi"].with_user(self.manager)
        rows = kpis.get_kpis("2026-10-01", "2026-10-31", group_by="debtor_id", domain=domain)
        self.assertEqual([row["group"][0] for row in rows], [self.debtor_a.id])
        self.assertEqual((rows[0]["beginning_ar"], rows[0]["paid_count"]), (4000, 1))
        self.assertEqual(
            kpis.get_kpis("2026-12-01", "2026-12-31", group_by="debtor_id", domain=domain), [])
        [portfolio] = kpis.get_kpis("2026-12-01", "2026-12-31", domain=domain)
        self.assertEqual((portfolio["ending_ar"], portfolio["paid_count"]), (0, 0))

    def test_dates_cannot_be_written(self):
        """The dates are the reconciliations': a direct write or create over
        RPC is refused, for an accountant and for the superuser alike."""
        accountant = new_test_user(
            self.env, login="fact_reports_accountant", groups="account.group_account_manager",
            company_id=self.company.id, company_ids=self.company.ids)
        for env in (self.env(user=accountant), self.env):
            with self.subTest(user=env.user.login), self.assertRaises(UserError):
                self.i1.with_env(env).write({"factoring_last_reconcile_date": "2020-01-01"})
        with self.assertRaises(UserError):
            self.i2.write({"factoring_first_reconcile_date": "2020-01-01"})
        with self.assertRaises(UserError):
            self.env["account.move.line"].create({
                "move_id": self.i2.move_id.id, "account_id": self.i2.account_id.id,
                "name": "forged", "balance": 0,
                "factoring_last_reconcile_date": "2020-01-01"})
        self.assertEqual(self.i1.factoring_last_reconcile_date, date(2026, 10, 5))
        # what the ORM computes still lands (a reconciliation is not a write)
        (self.c1 | self.i2).reconcile()
        self.assertEqual(self.i2.factoring_last_reconcile_date, date(2026, 9, 12))
