"""Screens that read right (issue 16, section 3): where operations land, the
Clients kanban's figures, the currency of the client's figures for every role,
the journal items of the entries we post, the receivable item's own form."""
from lxml import etree

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

from .test_cash_application import FUNDING_DATE, CashCommon

DEMO_MARKER = "factoring_base.client_valmont"
MOVE_LINE_FIELDS = ("account_id", "partner_id", "name", "debit", "credit", "tax_ids",
                    "tax_tag_ids")


@tagged("post_install", "-at_install")
class TestEntryLines(CashCommon):
    """The entries of the factoring journal open with their journal items for
    the accounting roles (Odoo's Invoicing and its Administrator, as the demo
    admin) and the factoring roles; other entries stay as in Odoo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = [Command.set(cls.company.ids)]
        cls.billing = new_test_user(
            cls.env, login="fact_billing", name="Test billing",
            groups="account.group_account_invoice", company_id=cls.company.id,
            company_ids=company)
        cls.billing_admin = new_test_user(
            cls.env, login="fact_billing_admin", name="Test billing admin",
            groups="account.group_account_manager,factoring_base.group_factoring_manager",
            company_id=cls.company.id, company_ids=company)
        misc = cls.env["account.journal"].search([
            ("type", "=", "general"), ("company_id", "=", cls.company.id),
            ("id", "!=", cls.company.factoring_journal_id.id)], limit=1)
        accounts = cls.env["account.account"].search(
            [("company_ids", "in", cls.company.ids), ("account_type", "=", "expense")], limit=2)
        cls.other_entry = cls.env["account.move"].create({
            "move_type": "entry", "journal_id": misc.id, "date": FUNDING_DATE,
            "line_ids": [
                Command.create({"account_id": accounts[0].id, "name": "x", "balance": 10.0}),
                Command.create({"account_id": accounts[1].id, "name": "x", "balance": -10.0}),
            ]})
        cls.other_entry.action_post()

    def _cash_application(self):
        remittance = self.env["factoring.remittance"].with_user(self.accountant).create({
            "debtor_id": self.debtor_a.id, "journal_id": self.bank_journal.id,
            "date": self.pay_date, "amount": 10000.0,
            "line_ids": [Command.create({"invoice_ref": "TN-1001", "amount": 10000.0})]})
        remittance.action_post()
        return remittance.transfer_move_id

    def _form(self, user):
        arch = self.env["account.move"].with_user(user).get_views(
            [(False, "form")])["views"]["form"]["arch"]
        return etree.fromstring(arch)

    def _read_lines(self, move, user):
        spec = {"factoring_show_lines": {},
                "line_ids": {"fields": {name: {} for name in MOVE_LINE_FIELDS}}}
        return move.with_user(user).web_read(spec)[0]

    def test_factoring_entries_show_their_lines(self):
        funding = self.schedule.move_id
        transfer = self._cash_application()
        fee = self.lines["TN-1001"].fee_move_id
        self.assertTrue(fee, "the payment posted the discount fee")
        users = {"billing": self.billing, "billing admin": self.billing_admin,
                 "accountant": self.accountant, "operations": self.users["operations"]}
        for label, user in users.items():
            page = self._form(user).xpath("//page[@name='aml_tab']")
            self.assertEqual(len(page), 1, f"{label}: the Journal Items tab is in the form")
            self.assertIn("factoring_show_lines", page[0].get("invisible"))
            for move in (funding, transfer, fee):
                with self.subTest(user=label, entry=move.name):
                    values = self._read_lines(move, user)
                    self.assertTrue(values["factoring_show_lines"])
                    self.assertEqual(len(values["line_ids"]), len(move.line_ids))
                    self.assertEqual(sorted(line["id"] for line in values["line_ids"]),
                                     sorted(move.line_ids.ids))

    def test_other_entries_stay_as_in_odoo(self):
        """Invoicing alone sees no journal items on other entries (Odoo's rule);
        accounting readers see them all."""
        self.assertFalse(self.other_entry.with_user(self.billing).factoring_show_lines)
        self.assertTrue(self.other_entry.with_user(self.accountant).factoring_show_lines)
        self.assertTrue(self.schedule.move_id.with_user(self.billing).factoring_show_lines)


@tagged("post_install", "-at_install")
class TestClientScreens(CashCommon):
    """The Clients kanban and the client's form, as the roles that read them."""

    def test_clients_kanban_has_the_figures_and_slots(self):
        action = self.env.ref("factoring_base.action_factoring_clients")
        kanban = self.env.ref("factoring_base.view_partner_kanban_factoring_clients")
        self.assertEqual(action.view_ids.filtered(lambda v: v.view_mode == "kanban").view_id,
                         kanban)
        for role in ("client_manager", "credit_analyst", "operations", "collector"):
            with self.subTest(role=role):
                Partner = self.env["res.partner"].with_user(self.users[role])
                arch = etree.fromstring(Partner.get_views([(kanban.id, "kanban")])[
                    "views"]["kanban"]["arch"])
                for slot in ("base", "limits", "collections", "disputes", "reports"):
                    self.assertEqual(
                        len(arch.xpath(f"//div[@name='factoring_kanban_figures_{slot}']")), 1)
                for name in ("factoring_overdue_amount", "factoring_funds_in_use",
                             "factoring_availability"):
                    self.assertTrue(arch.xpath(
                        "//div[@name='factoring_kanban_figures_base']"
                        f"//field[@name='{name}']"), name)
                self.assertTrue(arch.xpath("//field[@name='currency_id']"),
                                "the amounts carry their currency")
                values = Partner.browse(self.client.id).web_read(
                    {"factoring_overdue_amount": {}, "currency_id": {},
                     "factoring_funds_in_use": {}, "factoring_availability": {}})[0]
                # the card reads the same figures as the client's Factoring tab
                for name in ("factoring_overdue_amount", "factoring_funds_in_use",
                             "factoring_availability"):
                    self.assertEqual(values[name], self.client[name], name)
                self.assertEqual(values["currency_id"], self.eur.id)

    def test_client_form_loads_the_currency_for_every_role(self):
        """The figures' amounts carry the currency for every role, not only for
        those Odoo's accounting parts of the form are shown to."""
        for role, user in self.users.items():
            with self.subTest(role=role):
                arch = etree.fromstring(self.env["res.partner"].with_user(user).get_views(
                    [(False, "form")])["views"]["form"]["arch"])
                self.assertTrue(arch.xpath(
                    "//page[@name='factoring']//field[@name='currency_id']"))

    def test_item_lists_open_the_item(self):
        """The open-items list opens the receivable item in its own form, which
        reads for every role that sees the list."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_base.action_factoring_open_items")
        form = self.env.ref("factoring_base.factoring_open_item_view_form")
        self.assertIn((form.id, "form"), [tuple(view) for view in action["views"]])
        item = self.items["TN-1001"]
        for role in ("collector", "client_manager", "operations", "credit_analyst"):
            with self.subTest(role=role):
                Line = self.env["account.move.line"].with_user(self.users[role])
                views = Line.get_views([(form.id, "form")])
                fields = views["models"]["account.move.line"]["fields"]
                values = Line.browse(item.id).web_read({name: {} for name in fields})[0]
                self.assertEqual(values["factoring_invoice_number"], "TN-1001")
                self.assertEqual(values["amount_residual"], 10000.0)


@tagged("post_install", "-at_install")
class TestDemoLanding(TransactionCase):
    """Operations open on the schedules to verify and fund; the demo admin
    reads the lines of a demo funding entry."""

    def setUp(self):
        super().setUp()
        if not self.env.ref(DEMO_MARKER, raise_if_not_found=False):
            self.fail("The factoring_base demo data is not installed (make test installs it).")

    def test_operations_land_on_schedules_to_fund(self):
        operations = self.env.ref("factoring_base.user_operations")
        action = self.env.ref("factoring_base.action_factoring_schedule_to_fund")
        self.assertEqual(operations.action_id.id, action.id)
        values = self.env["ir.actions.act_window"].with_user(operations)._for_xml_id(
            "factoring_base.action_factoring_schedule_to_fund")
        self.assertIn("search_default_verified", values["context"])
        self.assertIn("search_default_draft", values["context"])
        # the demo has a verified schedule waiting and a draft: both are listed
        states = set(self.env["factoring.schedule"].with_user(operations).search(
            [("state", "in", ("draft", "verified"))]).mapped("state"))
        self.assertEqual(states, {"draft", "verified"})

    def test_demo_admin_reads_the_funding_lines(self):
        admin = self.env.ref("base.user_admin")
        self.assertFalse(admin.has_group("account.group_account_readonly"),
                         "the demo admin has Odoo's Invoicing rights only")
        move = self.env["factoring.schedule"].search(
            [("state", "=", "funded")], limit=1).move_id
        values = move.with_user(admin).web_read(
            {"factoring_show_lines": {}, "line_ids": {"fields": {"debit": {}}}})[0]
        self.assertTrue(values["factoring_show_lines"])
        self.assertEqual(len(values["line_ids"]), len(move.line_ids))
        self.assertGreater(len(move.line_ids), 1)
