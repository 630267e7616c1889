"""Screens that read right (issue 16, section 3), as the roles that resolve
disputes: a factored item is charged back to its client under that name, the
figures window has a title, the recourse entry shows its lines."""
from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import DisputesCommon


@tagged("post_install", "-at_install")
class TestDisputeScreens(DisputesCommon):

    def wizard(self, dispute, user=None, **vals):
        user = user or self.users["supervisor"]
        action = dispute.with_user(user).action_open_resolve_wizard()
        return self.env["factoring.dispute.resolve"].with_user(user).with_context(
            **action["context"]).create(vals)

    def test_factored_item_is_resolved_as_recourse(self):
        dispute = self.open_dispute([(self.item1, 500.0)])
        wizard = self.wizard(dispute)
        self.assertEqual(wizard.kind, "recourse", "a factored item: recourse by default")
        self.assertTrue(wizard.has_factored)
        self.assertFalse(wizard.has_own)
        wizard.action_confirm()
        resolution = dispute.resolution_ids
        self.assertEqual(resolution.kind, "recourse")
        self.assertEqual(resolution.move_id.journal_id, self.company.factoring_journal_id)
        body = dispute.message_ids[:1].body
        self.assertIn("recourse to client", body)
        self.assertNotIn("credit note", body.lower())
        self.assertEqual(dispute.state, "resolved")

    def test_own_invoice_gets_a_credit_note_whatever_is_chosen(self):
        dispute = self.open_dispute([(self.own, 300.0)])
        wizard = self.wizard(dispute)
        self.assertEqual(wizard.kind, "credit_note")
        self.assertFalse(wizard.has_factored)
        wizard.kind = "recourse"
        wizard.action_confirm()
        self.assertEqual(dispute.resolution_ids.kind, "credit_note")
        self.assertEqual(dispute.resolution_ids.move_id.move_type, "out_refund")

    def test_recourse_entry_shows_its_lines_to_billing(self):
        billing = new_test_user(
            self.env, login="fact_dsp_billing", groups="account.group_account_invoice",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        dispute = self.open_dispute([(self.item1, 100.0)])
        self.wizard(dispute).action_confirm()
        move = dispute.resolution_ids.move_id
        values = move.with_user(billing).web_read(
            {"factoring_show_lines": {}, "line_ids": {"fields": {"debit": {}, "credit": {}}}})[0]
        self.assertTrue(values["factoring_show_lines"])
        self.assertEqual(len(values["line_ids"]), len(move.line_ids))

    def test_figures_window_has_a_title(self):
        for role in ("supervisor", "collector", "credit_manager"):
            with self.subTest(role=role):
                Figures = self.env["factoring.dispute.figures"].with_user(self.users[role])
                values = Figures.onchange({}, [], {"display_name": {}, "dispute_count": {}})
                title = values["value"]["display_name"]
                self.assertEqual(title, "Dispute Figures")
                self.assertNotIn("NewId", Figures.new({}).display_name)
