from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import FactoringCommon

FUNDING_DATE = date(2026, 10, 1)


@tagged("post_install", "-at_install")
class CashCommon(FactoringCommon):
    """A funded schedule (DESIGN.md's 10,000 at 90 %, 1.5 % per 30 days) and an
    accountant who applies the debtors' money."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env, login="fact_accountant", name="Test accountant",
            groups="account.group_account_user,factoring_base.group_factoring_user",
            company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)])
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)
        cls.receivable = cls.company.factoring_receivable_account_id
        cls.fee_account = cls.company.factoring_fee_account_id
        cls.schedule = cls.make_schedule([
            {"invoice_number": "TN-1001", "amount": 10000.0},
            {"invoice_number": "TN-1002", "amount": 4000.0},
            {"invoice_number": "TN-1003", "amount": 2500.0, "debtor_id": cls.debtor_b.id},
        ], schedule_date=FUNDING_DATE)
        cls.schedule.action_verify()
        cls.schedule.action_fund()
        cls.lines = {line.invoice_number: line for line in cls.schedule.line_ids}
        cls.items = {number: line.move_line_id for number, line in cls.lines.items()}
        # 60 days after the funds were released: DESIGN.md's fee of 300 on 10,000
        cls.pay_date = cls.schedule.funded_date + timedelta(days=60)

    def fee(self, amount, days=60):
        return round(amount * 1.5 / 100 * days / 30, 2)

    def assert_fee_posted(self, number, amount, days=60):
        line = self.lines[number]
        self.assertEqual(line.payment_state, "paid")
        self.assertAlmostEqual(line.fee_amount, self.fee(amount, days))
        self.assertEqual(line.fee_move_id.state, "posted")
        fee_lines = line.fee_move_id.line_ids.filtered(lambda l: l.account_id == self.fee_account)
        charged = self.schedule.line_ids.filtered(lambda l: l.fee_move_id == line.fee_move_id)
        self.assertAlmostEqual(-sum(fee_lines.mapped("balance")),
                               sum(charged.mapped("fee_amount")))


@tagged("post_install", "-at_install")
class TestRegisterPayment(CashCommon):

    def _register(self, items, amount, user=None):
        action = items.with_user(user or self.accountant).action_factoring_register_payment()
        self.assertEqual(action["res_model"], "account.payment.register")
        wizard = Form.from_action(self.env(user=user or self.accountant), action)
        wizard.journal_id = self.bank_journal
        wizard.payment_date = self.pay_date
        wizard.amount = amount
        return wizard.save()._create_payments()

    def test_register_payment_on_factored_items(self):
        items = self.items["TN-1001"] | self.items["TN-1002"]
        payments = self._register(items, 14000.0)
        self.assertEqual(len(payments), 1, "one payment for the debtor's items")
        self.assertIn(payments.state, ("in_process", "paid"))
        self.assertEqual(payments.partner_id, self.debtor_a)
        self.assertAlmostEqual(payments.amount, 14000.0)
        self.assertTrue(all(items.mapped("reconciled")))
        self.assertEqual(items.matched_credit_ids.credit_move_id.move_id, payments.move_id)
        # DESIGN.md: 10,000 paid 60 days after funding at 1.5 % per 30 days: fee 300
        self.assert_fee_posted("TN-1001", 10000.0)
        self.assertAlmostEqual(self.lines["TN-1001"].fee_amount, 300.0)
        self.assert_fee_posted("TN-1002", 4000.0)
        self.assertEqual(self.lines["TN-1003"].payment_state, "open")

    def test_partial_payment_leaves_residual(self):
        item = self.items["TN-1002"]
        self._register(item, 1500.0)
        self.assertAlmostEqual(item.amount_residual, 2500.0)
        self.assertEqual(self.lines["TN-1002"].payment_state, "partial")
        self.assertFalse(self.lines["TN-1002"].fee_move_id, "no fee before the item is paid")

    def test_several_debtors_refused(self):
        items = self.items["TN-1001"] | self.items["TN-1003"]
        with self.assertRaisesRegex(UserError, "one debtor"):
            items.with_user(self.accountant).action_factoring_register_payment()

    def test_paid_item_refused(self):
        item = self.items["TN-1002"]
        self._register(item, 4000.0)
        with self.assertRaisesRegex(UserError, "open receivable items"):
            item.with_user(self.accountant).action_factoring_register_payment()

    def test_factoring_roles_cannot_register(self):
        item = self.items["TN-1001"]
        for role in ("client_manager", "collector", "operations", "credit_manager"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                item.with_user(self.users[role]).action_factoring_register_payment()

    def test_button_shown_to_accounting_only(self):
        view = self.env.ref("factoring_base.view_factoring_open_items_list")
        Line = self.env["account.move.line"]
        arch = Line.with_user(self.accountant).get_views([(view.id, "list")])["views"]["list"]["arch"]
        self.assertIn("action_factoring_register_payment", arch)
        for role in ("collector", "operations"):
            arch = Line.with_user(self.users[role]).get_views(
                [(view.id, "list")])["views"]["list"]["arch"]
            self.assertNotIn("action_factoring_register_payment", arch, role)
        action = self.env.ref("factoring_base.action_factoring_open_items")
        self.assertEqual(action.view_id, view)
