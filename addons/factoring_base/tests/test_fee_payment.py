import inspect
from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from odoo.addons.account.models.account_move_line import AccountMoveLine as CoreLine

from .common import FactoringCommon


@tagged("post_install", "-at_install")
class TestFeePayment(FactoringCommon):
    """What settles a factored item decides whether a discount fee is charged:
    the debtor's money (a payment, a bank statement line, a cash application
    entry) does; a reversal, credit note, write-off or manual matching does not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)
        cls.misc_journal = cls.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", cls.company.id),
             ("id", "!=", cls.company.factoring_journal_id.id)], limit=1)
        cls.receivable = cls.company.factoring_receivable_account_id
        cls.fee_account = cls.company.factoring_fee_account_id
        cls.expense = cls.env["account.account"].search([
            ("account_type", "=", "expense"),
            ("company_ids", "in", cls.company.id)], limit=1)
        cls.suspense = cls.bank_journal.suspense_account_id

    def _funded(self, amount=1000.0):
        schedule = self.make_schedule([{"amount": amount}])
        schedule.action_verify()
        schedule.action_fund()
        return schedule

    def _pay(self, item, amount, pay_date):
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=item.ids,
        ).create({"payment_date": pay_date, "amount": amount,
                  "journal_id": self.bank_journal.id,
                  "payment_difference_handling": "open"})
        return wizard._create_payments()

    def _entry(self, item, amount, entry_date, counter_account, **move_vals):
        """A manual entry crediting the debtor's factored receivable, matched
        with the item (a credit note, a write-off or a cash application)."""
        move = self.env["account.move"].create({
            "move_type": "entry", "journal_id": self.misc_journal.id, "date": entry_date,
            "line_ids": [
                Command.create({"account_id": counter_account.id, "balance": amount,
                                "partner_id": item.partner_id.id, "name": "counterpart"}),
                Command.create({"account_id": self.receivable.id, "balance": -amount,
                                "partner_id": item.partner_id.id, "name": item.name}),
            ],
            **move_vals,
        })
        move.action_post()
        (move.line_ids.filtered(lambda rec: rec.account_id == self.receivable) + item).reconcile()
        return move

    def test_cash_application_flag(self):
        """The contract field the cash-application wizard sets on its transfer
        entries: a Boolean on account.move, not copied with the entry."""
        field = self.env["account.move"]._fields["factoring_cash_application"]
        self.assertEqual(field.type, "boolean")
        self.assertFalse(field.copy)
        move = self.env["account.move"].create({
            "move_type": "entry", "journal_id": self.misc_journal.id,
            "factoring_cash_application": True,
        })
        self.assertTrue(move.factoring_cash_application)
        self.assertFalse(move.copy().factoring_cash_application)

    def test_payment_charges_fee(self):
        schedule = self._funded()
        line = schedule.line_ids
        paid_on = schedule.funded_date + timedelta(days=30)
        self._pay(line.move_line_id, 1000.0, paid_on)
        self.assertEqual(line.payment_state, "paid")
        self.assertEqual(line.paid_date, paid_on)
        self.assertAlmostEqual(line.fee_amount, 15.0)  # 1.5 % for 30 days
        self.assertEqual(line.fee_move_id.state, "posted")

    def test_cash_application_entry_charges_fee(self):
        """The debtor's money, received earlier as an open credit, applied to
        the item by a cash application entry, pays it."""
        schedule = self._funded()
        line = schedule.line_ids
        applied_on = schedule.funded_date + timedelta(days=60)
        self._entry(line.move_line_id, 1000.0, applied_on, self.suspense,
                    factoring_cash_application=True)
        self.assertEqual(line.payment_state, "paid")
        self.assertEqual(line.paid_date, applied_on)
        self.assertAlmostEqual(line.fee_amount, 30.0)
        self.assertTrue(line.fee_move_id)

    def test_bank_statement_line_charges_fee(self):
        schedule = self._funded()
        line = schedule.line_ids
        item = line.move_line_id
        paid_on = schedule.funded_date + timedelta(days=15)
        st_line = self.env["account.bank.statement.line"].create({
            "journal_id": self.bank_journal.id, "date": paid_on, "amount": 1000.0,
            "payment_ref": item.name, "partner_id": item.partner_id.id,
            "counterpart_account_id": self.receivable.id,
        })
        counterpart = st_line.move_id.line_ids.filtered(lambda rec: rec.account_id == self.receivable)
        (counterpart + item).reconcile()
        self.assertTrue(item.reconciled)
        self.assertEqual(line.payment_state, "paid")
        self.assertEqual(line.paid_date, paid_on)
        self.assertAlmostEqual(line.fee_amount, 7.5)

    def test_credit_note_or_write_off_charges_no_fee(self):
        """An item closed by a credit note, a write-off or any manual entry was
        not paid by the debtor: no fee, no paid date, shown as closed."""
        schedule = self._funded()
        line = schedule.line_ids
        self._entry(line.move_line_id, 1000.0, schedule.funded_date + timedelta(days=40),
                    self.expense)
        self.assertTrue(line.move_line_id.reconciled)
        self.assertEqual(line.payment_state, "closed")
        self.assertFalse(line.paid_date)
        self.assertFalse(line.fee_amount)
        self.assertFalse(line.fee_move_id)
        self.assertFalse(self.env["account.move.line"].search_count([
            ("account_id", "=", self.fee_account.id), ("partner_id", "=", self.client.id)]))

    def test_partial_payments_then_credit_note(self):
        """Fee only on what the debtor paid, counted to its last payment; the
        rest closed by a credit note carries none."""
        schedule = self._funded()
        line = schedule.line_ids
        item = line.move_line_id
        self._pay(item, 300.0, schedule.funded_date + timedelta(days=10))
        self._pay(item, 100.0, schedule.funded_date + timedelta(days=30))
        self.assertEqual(line.payment_state, "partial")
        self.assertFalse(line.fee_move_id, "no fee before the item is settled")
        self._entry(item, 600.0, schedule.funded_date + timedelta(days=50), self.expense)
        self.assertTrue(item.reconciled)
        self.assertEqual(line.payment_state, "closed")
        self.assertEqual(line.paid_date, schedule.funded_date + timedelta(days=30))
        self.assertAlmostEqual(line.fee_amount, 6.0)  # 400 x 1.5 % x 30 / 30

    def test_partial_payments_then_full(self):
        schedule = self._funded(2000.0)
        line = schedule.line_ids
        item = line.move_line_id
        self._pay(item, 500.0, schedule.funded_date + timedelta(days=10))
        self.assertEqual(line.payment_state, "partial")
        self.assertFalse(line.paid_date)
        self._pay(item, 1500.0, schedule.funded_date + timedelta(days=90))
        self.assertEqual(line.payment_state, "paid")
        self.assertEqual(line.paid_date, schedule.funded_date + timedelta(days=90))
        self.assertAlmostEqual(line.fee_amount, 90.0)  # 2,000 x 1.5 % x 3

    def test_fee_days_from_funding_not_schedule_date(self):
        """A schedule back-dated by 40 days and funded today: the funding entry
        keeps the assignment date, fee days count from today, the day the funds
        were released."""
        today = self.company._factoring_today()
        schedule = self.make_schedule([{"amount": 1000.0, "invoice_date": today - timedelta(days=50),
                                        "due_date": today + timedelta(days=30)}],
                                      schedule_date=today - timedelta(days=40))
        schedule.action_verify()
        schedule.action_fund()
        self.assertEqual(schedule.move_id.date, today - timedelta(days=40))
        self.assertEqual(schedule.funded_date, today)
        self._pay(schedule.line_ids.move_line_id, 1000.0, today + timedelta(days=30))
        self.assertAlmostEqual(schedule.line_ids.fee_amount, 15.0, msg="30 days, not 70")

    def test_factored_items_are_followed_up(self):
        schedule = self._funded()
        item = schedule.line_ids.move_line_id
        self.assertEqual(item.move_id.state, "posted")
        self.assertFalse(item.no_followup, "collections must see factored items")
        item.invalidate_recordset(["no_followup"])
        self.assertFalse(item.no_followup)
        others = schedule.move_id.line_ids - item
        self.assertTrue(all(others.mapped("no_followup")), "the rest of the entry keeps "
                        "the general journal's default")

    def test_pin_post_hook(self):
        """Pin: the fee hangs on account.move.line._reconcile_post_hook(data),
        which every reconciliation path of Odoo 19 runs once its partials exist.
        Fails when Odoo renames it or stops calling it."""
        self.assertEqual(list(inspect.signature(CoreLine._reconcile_post_hook).parameters),
                         ["self", "data"])
        self.assertIn("_reconcile_post_hook(", inspect.getsource(
            CoreLine._reconcile_plan_with_sync))
        self.assertIn("_reconcile_plan(", inspect.getsource(CoreLine.reconcile))

    def test_payment_undone_takes_fee_back(self):
        """A cancelled payment no longer pays the item: the fee is taken back,
        and the next payment charges it afresh."""
        schedule = self._funded()
        line = schedule.line_ids
        payment = self._pay(line.move_line_id, 1000.0, schedule.funded_date + timedelta(days=30))
        self.assertAlmostEqual(line.fee_amount, 15.0)
        payment.action_cancel()
        self.assertEqual(line.payment_state, "open")
        self.assertFalse(line.paid_date)
        self.assertFalse(line.fee_amount)
        fee_lines = self.env["account.move.line"].search([
            ("account_id", "=", self.fee_account.id), ("partner_id", "=", self.client.id),
            ("parent_state", "=", "posted")])
        self.assertEqual(len(fee_lines), 2, "the fee and its taking back")
        self.assertAlmostEqual(sum(fee_lines.mapped("balance")), 0.0)
        self._pay(line.move_line_id, 1000.0, schedule.funded_date + timedelta(days=60))
        self.assertEqual(line.payment_state, "paid")
        self.assertAlmostEqual(line.fee_amount, 30.0)
