from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import FactoringCommon

FUNDING_DATE = date(2026, 10, 1)


@tagged("post_install", "-at_install")
class CashCommon(FactoringCommon):
    """A funded schedule (docs/domain.md: 10,000 at 90 %, 1.5 % per 30 days) and an
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
        # 60 days after the funds were released: docs/domain.md's fee of 300 on 10,000
        cls.pay_date = cls.schedule.funded_date + timedelta(days=60)

    def fee(self, amount, days=60):
        return round(amount * 1.5 / 100 * days / 30, 2)

    def assert_fee_posted(self, number, amount, days=60):
        line = self.lines[number]
        self.assertEqual(line.payment_state, "paid")
        self.assertAlmostEqual(line.fee_amount, self.fee(amount, days))
        self.assertEqual(line.fee_move_id.state, "posted")
        fee_lines = line.fee_move_id.line_ids.filtered(lambda rec: rec.account_id == self.fee_account)
        charged = self.schedule.line_ids.filtered(lambda rec: rec.fee_move_id == line.fee_move_id)
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
        # docs/domain.md: 10,000 paid 60 days after funding at 1.5 % per 30 days: fee 300
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
        view = self.env.ref("factoring_base.factoring_open_items_view_list")
        Line = self.env["account.move.line"]
        arch = Line.with_user(self.accountant).get_views([(view.id, "list")])["views"]["list"]["arch"]
        self.assertIn("action_factoring_register_payment", arch)
        for role in ("collector", "operations"):
            arch = Line.with_user(self.users[role]).get_views(
                [(view.id, "list")])["views"]["list"]["arch"]
            self.assertNotIn("action_factoring_register_payment", arch, role)
        action = self.env.ref("factoring_base.action_factoring_open_items")
        self.assertEqual(action.view_id, view, "the button is on the action's list")


@tagged("post_install", "-at_install")
class TestRemittance(CashCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_invoice = cls.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": cls.debtor_a.id,
            "invoice_date": FUNDING_DATE,
            "invoice_line_ids": [Command.create({
                "name": "Own sale", "quantity": 1, "price_unit": 1200.0, "tax_ids": []})],
        })
        cls.own_invoice.action_post()
        cls.own_item = cls.own_invoice.line_ids.filtered(
            lambda rec: rec.account_id.account_type == "asset_receivable")
        cls.ordinary_receivable = cls.debtor_a.property_account_receivable_id

    def remittance(self, lines, amount, user=None, **vals):
        Remittance = self.env["factoring.remittance"].with_user(user or self.accountant)
        return Remittance.create({
            "debtor_id": self.debtor_a.id,
            "journal_id": self.bank_journal.id,
            "date": self.pay_date,
            "amount": amount,
            "memo": "DEBTOR-ADVICE-77",
            "line_ids": [Command.create({"invoice_ref": ref, "amount": paid})
                         for ref, paid in lines],
            **vals,
        })

    def by_ref(self, remittance):
        return {line.invoice_ref: line for line in remittance.line_ids}

    def test_remittance_factored_and_own(self):
        """16,000 received: TN-1001 paid in full (fee 300), TN-1002 3,000 of 4,000,
        the own invoice in full; 1,800 stays as an open credit on the debtor."""
        own_number = self.own_invoice.name
        remittance = self.remittance(
            [("TN-1001", 10000.0), ("tn 1002", 3000.0), (own_number.lower(), 1200.0)], 16000.0)
        lines = self.by_ref(remittance)
        # preview, before anything is posted
        self.assertEqual(lines["TN-1001"].move_line_id, self.items["TN-1001"])
        self.assertEqual(lines["tn 1002"].move_line_id, self.items["TN-1002"],
                         "numbers match whatever their case and separators")
        self.assertEqual(lines[own_number.lower()].move_line_id, self.own_item)
        self.assertEqual(
            [(rec.status, rec.kind, rec.amount_left) for rec in remittance.line_ids],
            [("full", "factored", 0.0), ("partial", "factored", 1000.0), ("full", "own", 0.0)])
        self.assertAlmostEqual(remittance.amount_applied, 14200.0)
        self.assertAlmostEqual(remittance.amount_unapplied, 1800.0)
        self.assertFalse(remittance.check_message)
        self.assertFalse(self.env["account.payment"].search([("partner_id", "=", self.debtor_a.id)]))

        remittance.action_post()
        self.assertEqual(remittance.state, "posted")
        self.assertEqual(remittance.posted_by_id, self.accountant)
        self.assertEqual(set(remittance.line_ids.mapped("status")), {"applied"})
        payment = remittance.payment_id
        self.assertIn(payment.state, ("in_process", "paid"), "posted")
        self.assertEqual(payment.partner_id, self.debtor_a)
        self.assertAlmostEqual(payment.amount, 16000.0)
        self.assertEqual(payment.date, self.pay_date)
        self.assertEqual(payment.memo, "DEBTOR-ADVICE-77")
        self.assertEqual(payment.destination_account_id, self.ordinary_receivable)

        transfer = remittance.transfer_move_id
        self.assertTrue(transfer.factoring_cash_application)
        self.assertEqual(transfer.state, "posted")
        self.assertEqual(transfer.date, self.pay_date)
        debit = transfer.line_ids.filtered(lambda rec: rec.balance > 0)
        self.assertEqual(debit.account_id, self.ordinary_receivable)
        self.assertAlmostEqual(debit.balance, 13000.0, msg="the factored part moves to 121900")
        self.assertTrue(debit.reconciled, "taken from the payment")
        credit_lines = transfer.line_ids.filtered(lambda rec: rec.balance < 0)
        self.assertEqual(credit_lines.account_id, self.receivable)
        self.assertEqual(sorted(credit_lines.mapped("balance")), [-10000.0, -3000.0])
        self.assertTrue(all(credit_lines.mapped("reconciled")))

        # factored items: paid in full with the fee, or partly with the residual open
        self.assertTrue(self.items["TN-1001"].reconciled)
        self.assert_fee_posted("TN-1001", 10000.0)
        self.assertAlmostEqual(self.lines["TN-1001"].fee_amount, 300.0)
        self.assertEqual(self.lines["TN-1001"].paid_date, self.pay_date)
        self.assertAlmostEqual(self.items["TN-1002"].amount_residual, 1000.0)
        self.assertEqual(self.lines["TN-1002"].payment_state, "partial")
        self.assertFalse(self.lines["TN-1002"].fee_move_id)
        # the own invoice is paid by the payment itself, natively
        self.assertTrue(self.own_item.reconciled)
        self.assertIn(self.own_invoice.payment_state, ("paid", "in_payment"))
        self.assertIn(payment.move_id, self.own_item.matched_credit_ids.credit_move_id.move_id)
        # the rest is an open credit of the debtor, among its open items
        counterpart = payment.move_id.line_ids.filtered(
            lambda rec: rec.account_id == self.ordinary_receivable)
        self.assertAlmostEqual(counterpart.amount_residual, -1800.0)
        open_items = self.env["account.move.line"].search(
            self.debtor_a._factoring_open_items_domain())
        self.assertIn(counterpart, open_items)
        self.assertNotIn(self.items["TN-1001"], open_items)
        self.assertIn(self.items["TN-1002"], open_items)

    def test_form_previews_while_typing(self):
        """The screen: the lines match and show their status before saving."""
        form = Form(self.env["factoring.remittance"].with_user(self.accountant))
        form.debtor_id = self.debtor_a
        form.journal_id = self.bank_journal
        form.date = self.pay_date
        form.amount = 12000.0
        with form.line_ids.new() as line:
            line.invoice_ref = "TN-1001"
            self.assertEqual(line.move_line_id, self.items["TN-1001"])
            line.amount = 10000.0
            self.assertEqual(line.status, "full")
        with form.line_ids.new() as line:
            line.invoice_ref = "TN-1002"
            line.amount = 4500.0
            self.assertEqual(line.status, "over")
        self.assertAlmostEqual(form.amount_unapplied, -2500.0)
        self.assertIn("more than", form.check_message)
        remittance = form.save()
        self.assertEqual(remittance.line_ids.move_line_id,
                         self.items["TN-1001"] | self.items["TN-1002"])
        with Form(remittance) as edit, edit.line_ids.edit(1) as line:
            line.amount = 2000.0
        self.assertEqual(remittance.line_ids.mapped("status"), ["full", "partial"])
        self.assertFalse(remittance.check_message)
        remittance.action_post()
        self.assertEqual(self.lines["TN-1001"].payment_state, "paid")

    def test_preview_shows_unmatched_and_overpayment(self):
        remittance = self.remittance(
            [("NOPE-1", 100.0), ("TN-1002", 5000.0), ("TN-1003", 100.0), ("TN-1001", 500.0)],
            6000.0)
        lines = self.by_ref(remittance)
        self.assertEqual(lines["NOPE-1"].status, "error")
        self.assertIn("no invoice NOPE-1", lines["NOPE-1"].status_message)
        self.assertEqual(lines["TN-1002"].status, "over")
        self.assertIn("4,000.00", lines["TN-1002"].status_message)
        self.assertEqual(lines["TN-1003"].status, "error", "TN-1003 is another debtor's")
        self.assertEqual(lines["TN-1001"].status, "partial")
        self.assertEqual(remittance.error_count, 3)
        self.assertIn("Line 1 (NOPE-1)", remittance.check_message)
        with self.assertRaisesRegex(UserError, "(?s)not posted.*Line 1 .NOPE-1.*Line 2 .TN-1002"):
            remittance.action_post()
        self.assertEqual(remittance.state, "draft")
        self.assertFalse(remittance.payment_id)
        self.assertFalse(self.env["account.payment"].search([("partner_id", "=", self.debtor_a.id)]))
        self.assertFalse(self.items["TN-1001"].matched_credit_ids, "nothing was applied")

    def test_lines_above_amount_refused(self):
        remittance = self.remittance([("TN-1002", 4000.0)], 3000.0)
        self.assertIn("more than", remittance.check_message)
        with self.assertRaisesRegex(UserError, "more than"):
            remittance.action_post()

    def test_already_paid_invoice(self):
        self.remittance([("TN-1002", 4000.0)], 4000.0).action_post()
        again = self.remittance([("TN-1002", 4000.0)], 4000.0)
        self.assertEqual(again.line_ids.status, "error")
        self.assertIn("already paid", again.line_ids.status_message)

    def test_same_invoice_twice_adds_up(self):
        remittance = self.remittance([("TN-1002", 3000.0), ("TN-1002", 2000.0)], 5000.0)
        self.assertEqual(set(remittance.line_ids.mapped("status")), {"over"})

    def test_read_pasted_advice(self):
        remittance = self.remittance([], 15000.0)
        remittance.advice_text = (
            "Invoice    Amount\n"
            "TN-1001\t10.000,00\n"
            "\n"
            "TN 1002; 3,000.00 EUR\n"
            f"{self.own_invoice.name} | 1 200,00\n"
        )
        remittance.action_read_advice()
        self.assertEqual(
            [(rec.invoice_ref, rec.amount, rec.status) for rec in remittance.line_ids],
            [("TN-1001", 10000.0, "full"), ("TN 1002", 3000.0, "partial"),
             (self.own_invoice.name, 1200.0, "full")])
        self.assertAlmostEqual(remittance.amount_unapplied, 800.0)

    def test_pasted_advice_all_or_nothing(self):
        remittance = self.remittance([("TN-1001", 10000.0)], 15000.0)
        remittance.advice_text = "TN-1002 4000\nTN-1003 abc\n2500\n"
        with self.assertRaisesRegex(UserError, "(?s)Line 2.*Line 3"):
            remittance.action_read_advice()
        self.assertEqual(remittance.line_ids.mapped("invoice_ref"), ["TN-1001"], "unchanged")

    def _xlsx(self, rows):
        import base64
        import io

        import openpyxl
        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return base64.b64encode(buffer.getvalue())

    def test_excel_import(self):
        remittance = self.remittance([], 14000.0)
        Import = self.env["factoring.remittance.import"].with_user(self.accountant)
        bad = Import.create({
            "remittance_id": remittance.id, "filename": "advice.xlsx",
            "file": self._xlsx([["Our ref", "Invoice No", "Amount Paid"],
                                ["x", "TN-1001", 10000], ["y", "", 5], ["z", "TN-1002", "abc"]]),
        })
        with self.assertRaisesRegex(UserError, "(?s)Nothing was imported.*Row 3.*Row 4"):
            bad.action_import()
        self.assertFalse(remittance.line_ids)
        good = Import.create({
            "remittance_id": remittance.id, "filename": "advice.xlsx",
            "file": self._xlsx([["Invoice No", "Amount Paid"],
                                ["TN-1001", 10000], ["TN-1002", "4.000,00"]]),
        })
        good.action_import()
        self.assertEqual([(rec.sequence, rec.move_line_id, rec.status) for rec in remittance.line_ids],
                         [(2, self.items["TN-1001"], "full"), (3, self.items["TN-1002"], "full")])
        remittance.action_post()
        self.assert_fee_posted("TN-1001", 10000.0)
        self.assert_fee_posted("TN-1002", 4000.0)

    def test_apply_payment_entered_the_usual_way(self):
        """Invoicing > Customers > Payments: the money waits on the ordinary
        receivable, In Process; applied from the open items to a factored item."""
        payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer",
            "partner_id": self.debtor_a.id, "amount": 5000.0, "date": self.pay_date,
            "journal_id": self.bank_journal.id,
        })
        payment.action_post()
        credit = payment.move_id.line_ids.filtered(
            lambda rec: rec.account_id == self.ordinary_receivable)
        self.assertFalse(credit.reconciled)
        action = (credit | self.items["TN-1002"]).with_user(
            self.accountant).action_factoring_apply_credit()
        remittance = self.env["factoring.remittance"].browse(action["res_id"])
        self.assertEqual(remittance.credit_line_id, credit)
        self.assertAlmostEqual(remittance.amount, 5000.0)
        self.assertEqual(remittance.line_ids.move_line_id, self.items["TN-1002"])
        self.assertAlmostEqual(remittance.line_ids.amount, 4000.0)
        remittance.with_user(self.accountant).action_post()
        self.assertFalse(remittance.payment_id, "no second payment")
        self.assertTrue(remittance.transfer_move_id.factoring_cash_application)
        self.assertTrue(self.items["TN-1002"].reconciled)
        self.assert_fee_posted("TN-1002", 4000.0)
        self.assertAlmostEqual(credit.amount_residual, -1000.0, msg="the rest stays open")

    def test_apply_credit_needs_one_credit_one_debtor(self):
        with self.assertRaisesRegex(UserError, "one open credit"):
            self.items["TN-1002"].with_user(self.accountant).action_factoring_apply_credit()
        with self.assertRaisesRegex(UserError, "own debtor"):
            (self.items["TN-1002"] | self.items["TN-1003"]).with_user(
                self.accountant).action_factoring_apply_credit()

    def test_credit_note_is_not_money(self):
        """A credit note is not a payment: applied to a factored item it would
        charge the client a discount fee."""
        refund = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": self.debtor_a.id,
            "invoice_date": FUNDING_DATE,
            "invoice_line_ids": [Command.create({
                "name": "Return", "quantity": 1, "price_unit": 500.0, "tax_ids": []})],
        })
        refund.action_post()
        credit = refund.line_ids.filtered(lambda rec: rec.account_id == self.ordinary_receivable)
        with self.assertRaisesRegex(UserError, "not a payment"):
            (credit | self.items["TN-1002"]).with_user(
                self.accountant).action_factoring_apply_credit()
        remittance = self.remittance([("TN-1002", 500.0)], 0.0, journal_id=False,
                                     credit_line_id=credit.id)
        self.assertIn("not a payment", remittance.check_message)
        with self.assertRaisesRegex(UserError, "not a payment"):
            remittance.action_post()

    def test_billing_user_posts(self):
        """Odoo's billing group alone (no factoring role) applies cash to factored items."""
        billing = new_test_user(
            self.env, login="fact_billing", groups="account.group_account_invoice",
            company_id=self.company.id, company_ids=[(6, 0, self.company.ids)])
        remittance = self.remittance([("TN-1001", 10000.0)], 10000.0, user=billing)
        remittance.action_post()
        self.assert_fee_posted("TN-1001", 10000.0)


@tagged("post_install", "-at_install")
class TestRemittanceSecurity(CashCommon):

    def _draft(self):
        return self.env["factoring.remittance"].with_user(self.accountant).create({
            "debtor_id": self.debtor_a.id, "journal_id": self.bank_journal.id,
            "date": self.pay_date, "amount": 4000.0,
            "line_ids": [Command.create({"invoice_ref": "TN-1002", "amount": 4000.0})],
        })

    def test_factoring_roles_cannot_create_or_post(self):
        remittance = self._draft()
        for role in ("client_manager", "collector", "operations", "credit_manager", "manager"):
            user = self.users[role]
            with self.subTest(role=role):
                self.assertEqual(remittance.with_user(user).name, remittance.name, "may read")
                with self.assertRaises(AccessError):
                    remittance.with_user(user).action_post()
                with self.assertRaises(AccessError):
                    remittance.with_user(user).write({"amount": 1.0})
                with self.assertRaises(AccessError):
                    self.env["factoring.remittance"].with_user(user).create({
                        "debtor_id": self.debtor_a.id, "journal_id": self.bank_journal.id})
                with self.assertRaises(AccessError):
                    remittance.with_user(user).action_read_advice()
        self.assertEqual(remittance.state, "draft")
        self.assertFalse(self.items["TN-1002"].matched_credit_ids)

    def test_buttons_shown_to_accounting_only(self):
        Remittance = self.env["factoring.remittance"]
        arch = Remittance.with_user(self.accountant).get_views([(False, "form")])
        self.assertIn('name="action_post"', arch["views"]["form"]["arch"])
        for role in ("collector", "client_manager", "operations"):
            arch = Remittance.with_user(self.users[role]).get_views([(False, "form")])
            self.assertNotIn('name="action_post"', arch["views"]["form"]["arch"], role)
            self.assertNotIn('name="action_read_advice"', arch["views"]["form"]["arch"], role)

    def test_state_and_links_only_through_methods(self):
        remittance = self._draft().with_user(self.accountant)
        payment = self.env["account.payment"].search([], limit=1)
        for vals in ({"state": "posted"}, {"payment_id": payment.id},
                     {"transfer_move_id": self.schedule.move_id.id}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                remittance.write(vals)
        with self.assertRaises(UserError):
            self.env["factoring.remittance"].with_user(self.accountant).create({
                "debtor_id": self.debtor_a.id, "journal_id": self.bank_journal.id,
                "state": "posted"})
        self.assertEqual(remittance.state, "draft")

    def test_posted_remittance_is_frozen(self):
        remittance = self._draft().with_user(self.accountant)
        remittance.action_post()
        line = remittance.line_ids
        for vals in ({"amount": 1.0}, {"debtor_id": self.debtor_b.id}, {"date": FUNDING_DATE},
                     {"state": "draft"}, {"journal_id": False}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                remittance.write(vals)
        with self.assertRaises(UserError):
            line.write({"amount": 1.0})
        with self.assertRaises(UserError):
            line.write({"move_line_id": self.items["TN-1001"].id})
        with self.assertRaises(UserError):
            self.env["factoring.remittance.line"].with_user(self.accountant).create({
                "remittance_id": remittance.id, "invoice_ref": "TN-1001", "amount": 1.0})
        with self.assertRaises(UserError):
            line.unlink()
        with self.assertRaises(UserError):
            remittance.unlink()
        for method in ("action_post", "action_cancel", "action_read_advice", "action_check"):
            with self.subTest(method=method), self.assertRaises(UserError):
                getattr(remittance, method)()
        remittance.write({"note": "<p>Checked with the debtor</p>"})
        self.assertEqual(remittance.state, "posted")
        self.assertAlmostEqual(remittance.line_ids.amount, 4000.0)

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other Factor"})
        foreign = self.env["factoring.remittance"].sudo().create({
            "company_id": other.id, "debtor_id": self.debtor_a.id, "amount": 1.0})
        Remittance = self.env["factoring.remittance"].with_user(self.accountant)
        self.assertFalse(Remittance.search([("id", "=", foreign.id)]))
        with self.assertRaises(AccessError):
            foreign.with_user(self.accountant).read(["name"])
