from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import DisputesCommon


@tagged("post_install", "-at_install")
class TestDispute(DisputesCommon):

    def test_open_puts_items_on_hold_with_deadline_owner_client(self):
        dispute = self.open_dispute([(self.item1, 300.0), (self.item2, 2000.0)])
        self.assertEqual(dispute.state, "open")
        self.assertEqual(dispute.stage_id, self.env.ref("factoring_disputes.stage_new"))
        self.assertEqual(dispute.debtor_id, self.debtor_a)
        self.assertEqual(dispute.client_id, self.client)
        self.assertEqual(dispute.user_id, self.users["collector"], "the debtor's collector")
        self.assertEqual(dispute.date_deadline,
                         dispute.date_open + timedelta(days=self.reason.sla_days))
        self.assertEqual(dispute.amount_disputed, 2300.0)
        self.assertTrue(dispute.name.startswith("DSP/"))
        for item in (self.item1, self.item2):
            self.assertTrue(item.factoring_on_hold)
            hold = item.factoring_hold_ids
            self.assertEqual(hold.source, "dispute")
            self.assertEqual((hold.res_model, hold.res_id), (dispute._name, dispute.id))
            self.assertEqual(item.factoring_dispute_id, dispute)
        self.assertEqual(self.item1.factoring_disputed_amount, 300.0)
        self.assertFalse(self.item_b.factoring_on_hold)
        disputed = self.env["account.move.line"].search(
            [("factoring_dispute_id", "!=", False), ("company_id", "=", self.company.id)])
        self.assertEqual(disputed, self.item1 | self.item2)

    def test_reason_sla_gives_deadline(self):
        reason = self.env.ref("factoring_disputes.reason_duplicate")
        reason.sla_days = 3
        opened = self.company._factoring_today() - timedelta(days=1)
        dispute = self.open_dispute([(self.item1, 10.0)], reason_id=reason.id, date_open=opened)
        self.assertEqual(dispute.date_deadline, opened + timedelta(days=3))

    def test_amount_above_residual_refused(self):
        # as over RPC: the request's transaction is rolled back with the error
        with self.assertRaisesRegex(ValidationError, "above the item's open residual"), \
                self.env.cr.savepoint():
            self.open_dispute([(self.item1, 1000.01)])
        self.env.invalidate_all()
        self.assertFalse(self.env["factoring.dispute"].search(
            [("company_id", "=", self.company.id)]))
        self.assertFalse(self.item1.factoring_on_hold, "nothing written")
        with self.assertRaisesRegex(ValidationError, "must be positive"):
            self.open_dispute([(self.item1, 0.0)])

    def test_item_of_another_debtor_refused(self):
        with self.assertRaisesRegex(ValidationError, "belongs to Mode Express BV, not to the "
                                                     "disputing debtor Grand Magasin SA"):
            self.open_dispute([(self.item1, 10.0), (self.item_b, 10.0)])
        self.assertFalse(self.item_b.factoring_on_hold)
        dispute = self.open_dispute([(self.item1, 10.0)])
        with self.assertRaisesRegex(ValidationError, "Mode Express"):
            dispute.write({"line_ids": [Command.create({"move_line_id": self.item_b.id,
                                                        "amount": 5.0})]})

    def test_own_invoice_and_factored_items_not_mixed(self):
        with self.assertRaisesRegex(ValidationError, "one dispute per client"):
            self.open_dispute([(self.item1, 10.0), (self.own, 10.0)])
        dispute = self.open_dispute([(self.own, 100.0)])
        self.assertFalse(dispute.client_id)
        self.assertTrue(self.own.factoring_on_hold)

    def test_one_open_dispute_per_item(self):
        first = self.open_dispute([(self.item1, 10.0)])
        with self.assertRaisesRegex(ValidationError, f"already disputed in {first.name}"):
            self.open_dispute([(self.item1, 20.0)])

    def test_removing_line_lifts_hold(self):
        dispute = self.open_dispute([(self.item1, 10.0), (self.item2, 20.0)])
        dispute.with_user(self.users["collector"]).write(
            {"line_ids": [Command.unlink(dispute.line_ids.filtered(
                lambda rec: rec.move_line_id == self.item2).id)]})
        self.assertFalse(self.item2.factoring_on_hold)
        self.assertTrue(self.item1.factoring_on_hold)

    def test_stage_moves_only_between_open_stages(self):
        dispute = self.open_dispute([(self.item1, 10.0)])
        collector = self.users["collector"]
        investigating = self.env.ref("factoring_disputes.stage_investigating")
        dispute.with_user(collector).write({"stage_id": investigating.id})
        self.assertEqual(dispute.stage_id, investigating)
        for xmlid in ("stage_resolved", "stage_rejected"):
            with self.assertRaisesRegex(UserError, "closes a dispute; resolve"):
                dispute.with_user(collector).write(
                    {"stage_id": self.env.ref(f"factoring_disputes.{xmlid}").id})
        with self.assertRaisesRegex(UserError, "own actions"):
            dispute.with_user(self.users["manager"]).write({"state": "resolved"})
        with self.assertRaisesRegex(UserError, "own actions"):
            dispute.sudo().write({"date_closed": self.company._factoring_today()})
        self.assertEqual(dispute.state, "open")

    def test_closing_without_resolution_refused(self):
        dispute = self.open_dispute([(self.item1, 300.0)])
        with self.assertRaisesRegex(UserError, "cannot be closed without a resolution"):
            dispute.with_user(self.users["collector"]).action_close()
        self.assertEqual(dispute.state, "open")
        self.assertTrue(self.item1.factoring_on_hold)

    def test_open_from_items_action(self):
        action = (self.item1 | self.item2).with_user(
            self.users["collector"]).action_factoring_open_dispute()
        context = action["context"]
        self.assertEqual(context["default_debtor_id"], self.debtor_a.id)
        self.assertEqual(context["default_client_id"], self.client.id)
        self.assertEqual(sorted(c[2]["amount"] for c in context["default_line_ids"]),
                         [1000.0, 2000.0])
        dispute = self.env["factoring.dispute"].with_user(self.users["collector"]).with_context(
            **context).create({"reason_id": self.reason.id})
        self.assertEqual(dispute.line_ids.move_line_id, self.item1 | self.item2)
        with self.assertRaisesRegex(UserError, "already disputed"):
            self.item1.with_user(self.users["collector"]).action_factoring_open_dispute()
        with self.assertRaisesRegex(UserError, "one debtor"):
            (self.item_b | self.own).with_user(
                self.users["collector"]).action_factoring_open_dispute()

    def test_open_from_partner(self):
        action = self.debtor_a.with_user(self.users["collector"]).action_factoring_new_dispute()
        self.assertEqual(action["context"]["default_debtor_id"], self.debtor_a.id)
        action = self.client.with_user(
            self.users["client_manager"]).action_factoring_new_dispute()
        self.assertEqual(action["context"]["default_client_id"], self.client.id)

    def test_client_screen_figures(self):
        self.open_dispute([(self.item1, 300.0), (self.item2, 200.0)])
        self.open_dispute([(self.item_b, 50.0)], user=self.users["supervisor"])
        for role in ("client_manager", "operations", "collector"):
            client = self.client.with_user(self.users[role])
            self.assertEqual(client.factoring_dispute_amount, 550.0, role)
            self.assertEqual(client.factoring_dispute_count, 2, role)
        self.assertEqual(self.debtor_a.factoring_dispute_amount, 500.0)
        self.assertEqual(self.debtor_a.factoring_dispute_count, 1)
        fields_hook = self.env["res.partner"]._factoring_figure_fields()
        self.assertIn(("factoring_figures_disputes", "factoring_dispute_amount"), fields_hook)
        self.assertIn(("factoring_figures_disputes", "factoring_dispute_count"), fields_hook)
