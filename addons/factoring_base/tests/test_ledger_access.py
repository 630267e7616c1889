"""Factoring roles read receivable items and factoring entries, not the ledger."""
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ROLE_GROUPS, FactoringCommon


@tagged("post_install", "-at_install")
class TestLedgerAccess(FactoringCommon):
    """Factoring roles read the receivable items and factoring entries, not the
    whole ledger; Odoo's accounting groups keep their full access."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.funded = cls.make_schedule([{"invoice_number": "LED-1"}])
        cls.funded.action_verify()
        cls.funded.action_fund()
        Account = cls.env["account.account"]
        cls.expense = Account.search([
            ("company_ids", "in", cls.company.id), ("account_type", "=", "expense")], limit=1)
        cls.vendor_bill = cls.env["account.move"].create({
            "move_type": "in_invoice", "partner_id": cls.not_debtor.id,
            "invoice_date": date(2026, 10, 1),
            "invoice_line_ids": [Command.create({
                "name": "Office rent", "price_unit": 900.0, "tax_ids": [],
                "account_id": cls.expense.id})],
        })
        cls.vendor_bill.action_post()
        bank = cls.env["account.journal"].search([
            ("company_id", "=", cls.company.id), ("type", "=", "bank")], limit=1)
        cls.bank_entry = cls.env["account.move"].create({
            "move_type": "entry", "journal_id": bank.id, "date": date(2026, 10, 2),
            "line_ids": [
                Command.create({"name": "Salaries", "account_id": cls.expense.id,
                                "debit": 5000.0}),
                Command.create({"name": "Salaries", "account_id": bank.default_account_id.id,
                                "credit": 5000.0}),
            ],
        })
        cls.bank_entry.action_post()
        cls.own_invoice = cls.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": cls.debtor_a.id,
            "invoice_date": date(2026, 10, 1),
            "invoice_line_ids": [Command.create({
                "name": "Consulting", "price_unit": 300.0, "tax_ids": []})],
        })
        cls.own_invoice.action_post()
        cls.factored_items = cls.funded.move_id.line_ids.filtered(
            lambda line: line.account_id == cls.company.factoring_receivable_account_id)
        cls.accountant_collector = new_test_user(
            cls.env, login="fact_ledger_acc",
            groups=f"{ROLE_GROUPS['collector']},account.group_account_readonly",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])

    def test_roles_no_longer_get_the_readonly_ledger_group(self):
        for role, user in self.users.items():
            with self.subTest(role=role):
                self.assertFalse(user.has_group("account.group_account_readonly"))

    def test_collector_reads_receivables_not_the_ledger(self):
        for role, user in self.users.items():
            with self.subTest(role=role):
                Line = self.env["account.move.line"].with_user(user)
                Move = self.env["account.move"].with_user(user)
                self.assertFalse(Line.search([("move_id", "=", self.vendor_bill.id)]))
                self.assertFalse(Line.search([("move_id", "=", self.bank_entry.id)]))
                self.assertFalse(Move.search(
                    [("id", "in", (self.vendor_bill | self.bank_entry).ids)]))
                with self.assertRaises(AccessError):
                    self.vendor_bill.line_ids.with_user(user).read(["balance"])
                with self.assertRaises(AccessError):
                    self.bank_entry.with_user(user).read(["name"])
                with self.assertRaises(AccessError):
                    self.bank_entry.line_ids.with_user(user).read(["balance"])
                # factored items and their funding entry
                self.assertEqual(
                    Line.search([("id", "in", self.factored_items.ids)]), self.factored_items)
                self.assertEqual(self.factored_items.with_user(user).read(
                    ["amount_residual"])[0]["amount_residual"], 1000.0)
                self.assertTrue(self.funded.move_id.with_user(user).read(["name"])[0]["name"])
                self.assertEqual(
                    Line.search([("move_id", "=", self.funded.move_id.id)]),
                    self.funded.move_id.line_ids, "every line of the factoring entry")
                # own customer invoice: the receivable line, not the income line
                receivable = self.own_invoice.line_ids.filtered(
                    lambda line: line.account_id.account_type == "asset_receivable")
                self.assertEqual(Line.search([("move_id", "=", self.own_invoice.id)]), receivable)
                self.assertEqual(receivable.with_user(user).read(["amount_residual"])[0]
                                 ["amount_residual"], 300.0)
                self.assertEqual(self.own_invoice.with_user(user).read(["name"])[0]["name"],
                                 self.own_invoice.name)

    def test_accounting_group_keeps_full_access(self):
        user = self.accountant_collector
        Line = self.env["account.move.line"].with_user(user)
        self.assertEqual(Line.search([("move_id", "=", self.vendor_bill.id)]),
                         self.vendor_bill.line_ids)
        self.assertEqual(Line.search([("move_id", "=", self.bank_entry.id)]),
                         self.bank_entry.line_ids)
        self.assertEqual(len(self.bank_entry.line_ids.with_user(user).read(["balance"])), 2)
        self.assertEqual(
            self.env["account.move"].with_user(user).search(
                [("id", "in", (self.vendor_bill | self.bank_entry).ids)]),
            self.vendor_bill | self.bank_entry)

    def test_partner_figures_for_every_role(self):
        expected = {
            self.debtor_a: (2, 1300.0),   # the factored item and the own invoice
            self.client: (1, 1000.0),     # the factored item, as client
        }
        for partner, (count, amount) in expected.items():
            self.assertEqual(
                (partner.factoring_open_item_count, partner.factoring_open_amount),
                (count, amount), "premise, as superuser")
        for role, user in self.users.items():
            for partner, (count, amount) in expected.items():
                with self.subTest(role=role, partner=partner.name):
                    partner_as = partner.with_user(user)
                    self.assertEqual(partner_as.factoring_open_item_count, count)
                    self.assertAlmostEqual(partner_as.factoring_open_amount, amount)
                    action = partner_as.action_view_factoring_open_items()
                    self.assertEqual(
                        self.env["account.move.line"].with_user(user).search_count(
                            action["domain"]), count)
            with self.subTest(role=role, figure="reserve"):
                self.assertAlmostEqual(
                    self.client.with_user(user).factoring_reserve_balance,
                    self.client.factoring_reserve_balance)

    def test_screens_load_for_every_role(self):
        """The open-items lists (ours and Odoo's journal items) and the client's form
        read without access errors for each role."""
        list_views = (self.env.ref("factoring_base.factoring_open_items_view_list"),
                      self.env.ref("account.view_move_line_tree"))
        for role, user in self.users.items():
            for list_view in list_views:
                with self.subTest(role=role, view=list_view.name):
                    Line = self.env["account.move.line"].with_user(user)
                    views = Line.get_views([(list_view.id, "list")])
                    fields = list(views["models"]["account.move.line"]["fields"])
                    action = self.client.with_user(user).action_view_factoring_open_items()
                    rows = Line.search_read(action["domain"], fields)
                    self.assertEqual([row["id"] for row in rows], self.factored_items.ids)
            with self.subTest(role=role, view="client form"):
                Partner = self.env["res.partner"].with_user(user)
                views = Partner.get_views([(False, "form")])
                fields = list(views["models"]["res.partner"]["fields"])
                self.assertEqual(self.client.with_user(user).read(fields)[0]["id"],
                                 self.client.id)

    def test_operations_still_fund(self):
        schedule = self.make_schedule([{"invoice_number": "LED-OPS"}])
        schedule.with_user(self.users["operations"]).action_verify()
        schedule.with_user(self.users["operations"]).action_fund()
        self.assertEqual(schedule.state, "funded")
        self.assertEqual(schedule.move_id.state, "posted")
        self.assertTrue(schedule.move_id.with_user(self.users["operations"]).read(["name"]))
