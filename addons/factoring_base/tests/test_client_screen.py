from ast import literal_eval
from datetime import datetime, timedelta

from lxml import etree

from odoo import Command
from odoo.fields import Domain
from odoo.tests import tagged

from .common import FactoringCommon


@tagged("post_install", "-at_install")
class TestClientScreen(FactoringCommon):
    """The client's one screen (Factoring tab) and the open items lists: the
    figures, their hook, the smart button's total against its list, the
    assigned invoices' residual totals and filters."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = cls.company._factoring_today()
        cls.today = today
        # Four invoices funded 60 days ago: A owes 3,000 (1,000 overdue by 20
        # days, 2,000 due in 10 days), B owes 1,500 overdue by 35 days and 500
        # not yet due.
        cls.schedule = cls.make_schedule([
            {"invoice_number": "S-1", "amount": 1000.0, "invoice_date": today - timedelta(days=70),
             "due_date": today - timedelta(days=20)},
            {"invoice_number": "S-2", "amount": 2000.0, "invoice_date": today - timedelta(days=60),
             "due_date": today + timedelta(days=10)},
            {"invoice_number": "S-3", "amount": 1500.0, "debtor_id": cls.debtor_b.id,
             "invoice_date": today - timedelta(days=80), "due_date": today - timedelta(days=35)},
            {"invoice_number": "S-4", "amount": 500.0, "debtor_id": cls.debtor_b.id,
             "invoice_date": today - timedelta(days=60), "due_date": today + timedelta(days=5)},
        ], schedule_date=today - timedelta(days=60))
        cls.schedule.action_verify()
        cls.schedule.action_fund()
        cls.items = {
            line.name: line for line in
            cls.schedule.move_id.line_ids.filtered("factoring_schedule_line_id")}

    def _pay(self, item, amount):
        """A partial payment of a factored item (no fee: not fully paid)."""
        move = self.env["account.move"].create({
            "move_type": "entry",
            "journal_id": self.company.factoring_journal_id.id,
            "line_ids": [
                Command.create({"account_id": item.account_id.id, "partner_id": item.partner_id.id,
                                "balance": -amount}),
                Command.create({"account_id": self.company.factoring_client_account_id.id,
                                "partner_id": item.partner_id.id, "balance": amount}),
            ],
        })
        move.action_post()
        (item | move.line_ids.filtered(lambda rec: rec.account_id == item.account_id)).reconcile()

    def test_open_and_overdue_figures(self):
        client = self.client
        self.assertEqual(client.factoring_open_amount, 5000.0)
        self.assertEqual(client.factoring_open_item_count, 4)
        self.assertEqual(client.factoring_overdue_amount, 2500.0)
        self.assertEqual(client.factoring_oldest_overdue_date, self.today - timedelta(days=35))
        self.assertEqual(client.factoring_oldest_overdue_days, 35)
        # residuals, not face values: 400 paid on S-3
        self._pay(self.items["S-3"], 400.0)
        client.invalidate_recordset()
        self.assertEqual(client.factoring_open_amount, 4600.0)
        self.assertEqual(client.factoring_overdue_amount, 2100.0)
        # the debtors' own figures, computed for both at once
        debtors = self.debtor_a | self.debtor_b
        debtors.invalidate_recordset()
        self.assertEqual(debtors.mapped("factoring_open_amount"), [3000.0, 1600.0])
        self.assertEqual(debtors.mapped("factoring_overdue_amount"), [1000.0, 1100.0])
        self.assertEqual(debtors.mapped("factoring_oldest_overdue_days"), [20, 35])
        # nothing overdue
        self.assertEqual(self.debtor_unapproved.factoring_oldest_overdue_days, 0)
        self.assertFalse(self.debtor_unapproved.factoring_oldest_overdue_date)

    def test_top_debtor_shares(self):
        shares = self.client._factoring_debtor_shares()
        self.assertEqual(
            [(debtor, amount, round(share, 2)) for debtor, amount, share in shares[self.client.id]],
            [(self.debtor_a, 3000.0, 60.0), (self.debtor_b, 2000.0, 40.0)])
        self.assertIn("Grand Magasin SA: 60.0 %", self.client.factoring_top_debtors)
        self.assertIn("Mode Express BV: 40.0 %", self.client.factoring_top_debtors)
        first, second = self.client.factoring_top_debtors.split("\n")
        self.assertTrue(first.startswith("Grand Magasin SA"), "largest first")
        self._pay(self.items["S-2"], 2000.0 - 1.0)  # A now owes 1,001 of 3,001 open
        self.client.invalidate_recordset()
        shares = self.client._factoring_debtor_shares(limit=1)[self.client.id]
        self.assertEqual(len(shares), 1)
        self.assertEqual(shares[0][0], self.debtor_b)
        self.assertAlmostEqual(shares[0][2], 2000.0 / 3001.0 * 100.0, places=6)
        self.assertFalse(self.debtor_a.factoring_top_debtors, "a debtor has no debtors")

    def test_meetings_count_meeting_notes(self):
        Interaction = self.env["factoring.interaction"]
        older = Interaction.create({
            "partner_id": self.client.id, "interaction_type": "meeting",
            "user_id": self.users["client_manager"].id, "summary": "<p>Kick-off</p>",
            "date": datetime(2026, 9, 1, 10, 0)})
        last = Interaction.create({
            "partner_id": self.client.id, "interaction_type": "meeting",
            "user_id": self.users["credit_analyst"].id, "summary": "<p>Review</p>",
            "date": datetime(2026, 10, 15, 9, 30)})
        Interaction.create({
            "partner_id": self.client.id, "interaction_type": "call",
            "user_id": self.users["collector"].id, "summary": "<p>Called</p>",
            "date": datetime(2026, 11, 1, 9, 30)})
        self.env["calendar.event"].create({
            "name": "Planned visit", "partner_ids": [Command.link(self.client.id)],
            "start": datetime(2026, 12, 1, 9, 0), "stop": datetime(2026, 12, 1, 10, 0)})
        self.assertTrue(older)
        self.assertEqual(self.client.factoring_meeting_count, 2)
        self.assertEqual(self.client.factoring_last_meeting_id, last)
        self.assertEqual(self.client.factoring_last_meeting_date, datetime(2026, 10, 15, 9, 30))
        self.assertEqual(self.client.factoring_last_meeting_user_id, self.users["credit_analyst"])
        action = self.client.action_view_factoring_meetings()
        self.assertEqual(action["context"].get("search_default_meetings"), 1)
        meetings = Interaction.search(action["domain"] + [("interaction_type", "=", "meeting")])
        self.assertEqual(len(meetings), self.client.factoring_meeting_count)

    def test_every_role_reads_the_figures(self):
        expected = self.client._factoring_figure_values()[self.client.id]
        self.assertEqual(expected["factoring_open_amount"], 5000.0)
        for role, user in self.users.items():
            with self.subTest(role=role):
                values = self.client.with_user(user)._factoring_figure_values()[self.client.id]
                self.assertEqual(values, expected)

    def test_figure_hook_matches_the_form(self):
        """Every figure of the hook exists and is shown in its named group."""
        Partner = self.env["res.partner"]
        figures = Partner._factoring_figure_fields()
        self.assertIn(("factoring_figures_base", "factoring_overdue_amount"), figures)
        arch = etree.fromstring(Partner.get_view(view_type="form")["arch"])
        for group in ("factoring_figures_base", "factoring_figures_limits",
                      "factoring_figures_collections", "factoring_figures_disputes",
                      "factoring_figures_reports"):
            self.assertEqual(len(arch.xpath(f"//group[@name='{group}']")), 1, group)
        for group, field_name in figures:
            with self.subTest(field=field_name):
                self.assertIn(field_name, Partner._fields)
                self.assertTrue(
                    arch.xpath(f"//group[@name='{group}']//field[@name='{field_name}']"),
                    f"{field_name} is not shown in group {group}")

    def test_open_items_button_and_list_show_the_same_total(self):
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.debtor_a.id,
            "invoice_date": self.today, "invoice_date_due": self.today,
            "invoice_line_ids": [Command.create({"name": "Own sale", "quantity": 1,
                                                 "price_unit": 700.0, "tax_ids": []})]})
        invoice.action_post()
        for partner in (self.client, self.debtor_a):
            with self.subTest(partner=partner.name):
                partner.invalidate_recordset()
                action = partner.action_view_factoring_open_items()
                narrowing = [key for key in action["context"]
                             if key.startswith("search_default_") and "group" not in key]
                self.assertFalse(narrowing, "the list opens without a filter that hides items")
                lines = self.env["account.move.line"].search(action["domain"])
                self.assertEqual(len(lines), partner.factoring_open_item_count)
                self.assertAlmostEqual(sum(lines.mapped("amount_residual")),
                                       partner.factoring_open_amount)
        self.assertEqual(self.debtor_a.factoring_open_amount, 3700.0)

    def test_open_items_filters(self):
        """Overdue narrows the factored (or own) items; group totals are residuals."""
        action = self.env.ref("factoring_base.action_factoring_open_items")
        search = etree.fromstring(self.env["account.move.line"].get_view(
            action.search_view_id.id, "search")["arch"])
        nodes = [node.get("name") or node.tag for node in search
                 if node.tag in ("filter", "separator")]
        # Factored and Own share a group (OR); Overdue is in a group of its own (AND)
        self.assertEqual(nodes[nodes.index("factored") + 1], "own")
        self.assertIn("separator", nodes[nodes.index("own"):nodes.index("overdue")])
        self.assertIn("'search_default_factored': 1", action.context)
        Line = self.env["account.move.line"]
        factored = Domain.AND([
            Domain(literal_eval(action.domain)),
            Domain(literal_eval(search.xpath("//filter[@name='factored']")[0].get("domain"))),
            Domain("factoring_client_id", "=", self.client.id),
        ])
        overdue = Line.search(factored & Domain("date_maturity", "<", self.today))
        self.assertEqual(sorted(overdue.mapped("name")), ["S-1", "S-3"])
        self._pay(self.items["S-1"], 250.0)
        [[total]] = Line._read_group(factored, [], ["amount_residual:sum"])
        self.assertEqual(total, 4750.0)

    def test_assigned_invoices_sum_what_is_still_due(self):
        self._pay(self.items["S-1"], 250.0)
        self._pay(self.items["S-3"], 1500.0)
        Line = self.env["factoring.schedule.line"]
        rows = dict(Line._read_group(
            [("schedule_id", "=", self.schedule.id)], ["debtor_id"], ["amount_residual:sum"]))
        self.assertEqual(rows, {self.debtor_a: 2750.0, self.debtor_b: 500.0})
        # the Overdue filter narrows: only funded, unpaid, past due
        search = etree.fromstring(Line.get_view(view_type="search")["arch"])
        overdue = search.xpath("//filter[@name='overdue']")[0]
        funded_position = list(search).index(search.xpath("//filter[@name='funded']")[0])
        overdue_position = list(search).index(overdue)
        self.assertTrue(
            any(node.tag == "separator" for node in list(search)[funded_position:overdue_position]),
            "Funded and Overdue are in different groups (AND), not OR-ed")
        overdue_lines = Line.search([
            ("schedule_id", "=", self.schedule.id), ("schedule_state", "=", "funded"),
            ("amount_residual", ">", 0), ("due_date", "<", self.today)])
        self.assertEqual(overdue_lines.mapped("invoice_number"), ["S-1"])

    def test_debtor_picker_offers_approved_debtors(self):
        schedule = self.make_schedule([{}])
        line = schedule.line_ids
        self.assertEqual(line.agreement_debtor_ids, self.debtor_a | self.debtor_b)
        arch = etree.fromstring(self.env["factoring.schedule"].get_view(
            view_type="form")["arch"])
        debtor = arch.xpath("//field[@name='line_ids']//field[@name='debtor_id']")[0]
        self.assertIn("agreement_debtor_ids", debtor.get("domain"))
        self.assertIn("'no_create': True", debtor.get("options"))
