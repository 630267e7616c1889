from datetime import date, timedelta

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..models.factoring_guard import guarded
from .common import FactoringCommon

FUNDING_DATE = date(2026, 10, 1)


@tagged("post_install", "-at_install")
class TestScheduleFunding(FactoringCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement.invoice_fee = 25.0
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)
        cls.receivable = cls.company.factoring_receivable_account_id
        cls.client_account = cls.company.factoring_client_account_id
        cls.advance_account = cls.company.factoring_advance_account_id
        cls.fee_account = cls.company.factoring_fee_account_id

    def _funded(self, lines, agreement=None):
        schedule = self.make_schedule(lines, agreement=agreement, schedule_date=FUNDING_DATE)
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified", schedule.verification_note)
        schedule.action_fund()
        return schedule

    def _pay(self, items, amount, pay_date):
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=items.ids,
        ).create({
            "payment_date": pay_date,
            "amount": amount,
            "journal_id": self.bank_journal.id,
        })
        return wizard._create_payments()

    def _lines_on(self, move, account):
        return move.line_ids.filtered(lambda rec: rec.account_id == account)

    def test_funding_entry(self):
        schedule = self._funded([
            {"amount": 1000.0, "due_date": date(2026, 11, 14)},
            {"amount": 2500.0, "debtor_id": self.debtor_b.id, "due_date": date(2026, 12, 31)},
        ])
        move = schedule.move_id
        self.assertEqual(schedule.state, "funded")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.company.factoring_journal_id)
        self.assertEqual(move.date, FUNDING_DATE)
        self.assertAlmostEqual(sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit")))

        items = self._lines_on(move, self.receivable).sorted("balance")
        self.assertEqual(len(items), 2, "one receivable item per invoice")
        for item, line in zip(items, schedule.line_ids.sorted("amount"), strict=True):
            self.assertEqual(item.partner_id, line.debtor_id, "the debtor owes the item")
            self.assertEqual(item.date_maturity, line.due_date)
            self.assertEqual(item.name, line.invoice_number)
            self.assertAlmostEqual(item.balance, line.amount)
            self.assertEqual(item.factoring_client_id, self.client)
            self.assertEqual(item.factoring_schedule_line_id, line)
            self.assertEqual(line.move_line_id, item)
            self.assertEqual(line.payment_state, "open")

        total = 3500.0
        advance = total * 0.9
        fees = 2 * 25.0
        advance_line = self._lines_on(move, self.advance_account)
        self.assertEqual(advance_line.partner_id, self.client)
        self.assertAlmostEqual(advance_line.balance, -advance, msg="the advance is owed to the client")
        self.assertAlmostEqual(sum(self._lines_on(move, self.fee_account).mapped("balance")), -fees)
        client_lines = self._lines_on(move, self.client_account)
        self.assertEqual(client_lines.partner_id, self.client)
        self.assertAlmostEqual(
            sum(client_lines.mapped("balance")), -(total - advance - fees),
            msg="the client's current account holds the reserve net of invoice fees")
        self.assertAlmostEqual(schedule.advance_amount, advance)
        self.assertAlmostEqual(schedule.reserve_amount, total - advance)
        self.assertAlmostEqual(self.client.factoring_reserve_balance, total - advance - fees)

    def test_fund_requires_verification(self):
        schedule = self.make_schedule([{}])
        with self.assertRaises(UserError):
            schedule.action_fund()
        self.assertFalse(schedule.move_id)

    def test_fund_rechecks_duplicates(self):
        """Verification already refuses an invoice held by another schedule; two
        verified schedules with one invoice only arise from concurrent
        transactions. Funding checks again, so only the first one funds."""
        first = self.make_schedule([{"invoice_number": "TWICE-1"}])
        second = self.make_schedule([{"invoice_number": "TWICE-1"}])
        first.action_verify()
        self.assertEqual(first.state, "verified")
        second.action_verify()
        self.assertEqual(second.state, "draft", "verification sees the other schedule")
        # as a concurrent transaction would have left it
        guarded(second).write({"state": "verified"})
        first.action_fund()
        with self.assertRaisesRegex(UserError, "already assigned"):
            second.action_fund()
        self.assertEqual(second.state, "verified")
        self.assertFalse(second.move_id)

    def test_payment_closes_item_and_posts_fee(self):
        schedule = self._funded([{"amount": 1000.0}])
        item = schedule.line_ids.move_line_id
        paid_on = schedule.funded_date + timedelta(days=45)
        self._pay(item, 1000.0, paid_on)
        self.assertTrue(item.reconciled)
        self.assertAlmostEqual(item.amount_residual, 0.0)
        line = schedule.line_ids
        self.assertEqual(line.payment_state, "paid")
        self.assertEqual(line.paid_date, paid_on)
        expected_fee = round(1000.0 * 1.5 / 100 * 45 / 30, 2)  # 22.50
        self.assertAlmostEqual(line.fee_amount, expected_fee)
        fee_move = line.fee_move_id
        self.assertEqual(fee_move.state, "posted")
        self.assertAlmostEqual(sum(self._lines_on(fee_move, self.fee_account).mapped("balance")), -expected_fee)
        client_debit = self._lines_on(fee_move, self.client_account)
        self.assertEqual(client_debit.partner_id, self.client)
        self.assertAlmostEqual(client_debit.balance, expected_fee)

    def test_partial_payment_then_full(self):
        schedule = self._funded([{"amount": 2500.0}])
        item = schedule.line_ids.move_line_id
        self._pay(item, 1000.0, schedule.funded_date + timedelta(days=20))
        line = schedule.line_ids
        self.assertEqual(line.payment_state, "partial")
        self.assertAlmostEqual(item.amount_residual, 1500.0)
        self.assertFalse(line.fee_move_id, "no fee before the item is fully paid")
        self._pay(item, 1500.0, schedule.funded_date + timedelta(days=60))
        self.assertEqual(line.payment_state, "paid")
        self.assertEqual(line.paid_date, schedule.funded_date + timedelta(days=60))
        self.assertAlmostEqual(line.fee_amount, round(2500.0 * 0.015 * 60 / 30, 2))

    def test_factoring_arithmetic(self):
        """docs/domain.md, Factoring arithmetic: 10,000 at 90 %, fee 300: reserve released 700,
        the client received 9,700 in all."""
        self.agreement.invoice_fee = 0.0
        schedule = self._funded([{"amount": 10000.0, "invoice_number": "BIG-1"}])
        self.assertAlmostEqual(schedule.advance_amount, 9000.0)
        self.assertAlmostEqual(self.client.factoring_reserve_balance, 1000.0)
        # 1.5 % per 30 days, paid after 60 days: 300
        self._pay(schedule.line_ids.move_line_id, 10000.0,
                  schedule.funded_date + timedelta(days=60))
        self.assertAlmostEqual(schedule.line_ids.fee_amount, 300.0)
        self.client.invalidate_recordset(["factoring_reserve_balance"])
        self.assertAlmostEqual(self.client.factoring_reserve_balance, 700.0)
        self.assertAlmostEqual(schedule.advance_amount + self.client.factoring_reserve_balance, 9700.0)

    def test_cancel_funded_reverses(self):
        schedule = self._funded([{}, {"debtor_id": self.debtor_b.id}])
        items = schedule.line_ids.move_line_id
        schedule.action_cancel()
        self.assertEqual(schedule.state, "cancelled")
        reversal = schedule.reversal_move_id
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(reversal.reversed_entry_id, schedule.move_id)
        self.assertTrue(all(items.mapped("reconciled")), "items are closed by the reversal")
        self.assertFalse(schedule.line_ids.fee_move_id, "a reversal is not a payment: no fee")
        self.assertEqual(set(schedule.line_ids.mapped("payment_state")), {"cancelled"})
        self.assertAlmostEqual(self.client.factoring_reserve_balance, 0.0)

    def test_cancel_refused_once_paid(self):
        schedule = self._funded([{"amount": 800.0}, {"debtor_id": self.debtor_b.id}])
        self._pay(schedule.line_ids[0].move_line_id, 100.0, FUNDING_DATE + timedelta(days=5))
        with self.assertRaisesRegex(UserError, "already been paid"):
            schedule.action_cancel()
        self.assertEqual(schedule.state, "funded")
        self.assertFalse(schedule.reversal_move_id)

    def test_funded_schedule_is_frozen(self):
        schedule = self._funded([{}])
        with self.assertRaises(UserError):
            schedule.write({"line_ids": [(0, 0, {
                "debtor_id": self.debtor_a.id, "invoice_number": "LATE",
                "invoice_date": date(2026, 9, 1), "due_date": date(2026, 10, 1), "amount": 5.0})]})
        with self.assertRaises(UserError):
            schedule.unlink()

    def test_foreign_currency_funding(self):
        self.env["res.currency.rate"].create({
            "name": date(2026, 1, 1), "rate": 1.25, "currency_id": self.usd.id,
            "company_id": self.company.id})
        usd_agreement = self.env["factoring.agreement"].create({
            "client_id": self.client.id, "company_id": self.company.id,
            "currency_id": self.usd.id, "advance_rate": 80.0,
            "approved_debtor_ids": [(6, 0, self.debtor_a.ids)],
            "date_start": date(2026, 1, 1)})
        usd_agreement.action_activate()
        schedule = self._funded(
            [{"amount": 1250.0, "currency_id": self.usd.id, "invoice_number": "USD-1"}],
            agreement=usd_agreement)
        item = schedule.line_ids.move_line_id
        self.assertEqual(item.currency_id, self.usd)
        self.assertAlmostEqual(item.amount_currency, 1250.0)
        self.assertAlmostEqual(item.balance, 1000.0, msg="1,250 USD at 1.25 per EUR")
        advance_line = self._lines_on(schedule.move_id, self.advance_account)
        self.assertAlmostEqual(advance_line.amount_currency, -1000.0)
        self.assertAlmostEqual(sum(schedule.move_id.line_ids.mapped("balance")), 0.0)

    def test_amounts_follow_the_form_and_the_saved_lines(self):
        """Totals are computed live while the schedule is edited in a form and
        from the saved lines afterwards."""
        form = Form(self.env["factoring.schedule"])
        form.client_id = self.client
        self.assertEqual(form.agreement_id, self.agreement, "the active agreement is proposed")
        for number, amount in (("F-1", 1000.0), ("F-2", 3000.0)):
            with form.line_ids.new() as line:
                line.debtor_id = self.debtor_a
                line.invoice_number = number
                line.invoice_date = date(2026, 9, 1)
                line.due_date = date(2026, 10, 31)
                line.amount = amount
        self.assertEqual(form.line_count, 2)
        self.assertAlmostEqual(form.amount_total, 4000.0)
        self.assertAlmostEqual(form.advance_amount, 3600.0)
        self.assertAlmostEqual(form.invoice_fee_total, 50.0)
        schedule = form.save()
        schedule.invalidate_recordset()
        self.assertEqual(schedule.line_count, 2)
        self.assertAlmostEqual(schedule.amount_total, 4000.0)
        self.assertAlmostEqual(schedule.reserve_amount, 400.0)
