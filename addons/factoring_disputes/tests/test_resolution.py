from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import DisputesCommon


@tagged("post_install", "-at_install")
class TestResolution(DisputesCommon):

    def resolve(self, dispute, kind, amounts, user=None, **kw):
        user = user or self.users["supervisor"]
        return dispute.with_user(user)._factoring_resolve(
            kind, {dispute.line_ids.filtered(lambda rec: rec.move_line_id == item): amount
                   for item, amount in amounts}, **kw)

    def test_credit_note_on_own_invoice_partial(self):
        dispute = self.open_dispute([(self.own, 300.0)])
        resolution = self.resolve(dispute, "credit_note", [(self.own, 300.0)])
        refund = resolution.move_id
        self.assertEqual(resolution.kind, "credit_note")
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.partner_id, self.debtor_a)
        self.assertEqual(refund.amount_total, 300.0)
        self.assertEqual(refund.payment_state, "paid", "reconciled with the invoice")
        self.assertEqual(self.own.amount_residual, 800.0 - 300.0)
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.stage_id, self.env.ref("factoring_disputes.stage_resolved"))
        self.assertFalse(self.own.factoring_on_hold)
        self.assertEqual(dispute.amount_credited, 300.0)

    def test_credit_note_whole_invoice_is_a_reversal(self):
        dispute = self.open_dispute([(self.own, 800.0)])
        resolution = self.resolve(dispute, "credit_note", [(self.own, 800.0)])
        self.assertEqual(resolution.move_id.reversed_entry_id, self.own.move_id)
        self.assertTrue(self.own.reconciled)
        self.assertEqual(self.own.move_id.payment_state, "reversed")

    def test_recourse_on_factored_item_then_rest_rejected(self):
        """Partial: 200 of the 500 disputed charged back to the client, 300
        rejected; the numbers add up to the disputed amount."""
        dispute = self.open_dispute([(self.item1, 500.0)])
        client_account = self.company.factoring_client_account_id
        before = sum(self.env["account.move.line"].search([
            ("account_id", "=", client_account.id), ("partner_id", "=", self.client.id),
            ("parent_state", "=", "posted")]).mapped("balance"))
        resolution = self.resolve(dispute, "credit_note", [(self.item1, 200.0)])
        self.assertEqual(resolution.kind, "recourse")
        move = resolution.move_id
        self.assertEqual(move.journal_id, self.company.factoring_journal_id)
        self.assertEqual(move.state, "posted")
        debit = move.line_ids.filtered(lambda rec: rec.account_id == client_account)
        self.assertEqual((debit.partner_id, debit.balance), (self.client, 200.0))
        self.assertEqual(self.item1.amount_residual, 800.0)
        after = sum(self.env["account.move.line"].search([
            ("account_id", "=", client_account.id), ("partner_id", "=", self.client.id),
            ("parent_state", "=", "posted")]).mapped("balance"))
        self.assertEqual(after - before, 200.0, "the client bears the amount")
        self.assertEqual(dispute.state, "open")
        self.assertTrue(self.item1.factoring_on_hold, "300 still disputed")
        self.resolve(dispute, "rejected", [(self.item1, 300.0)])
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.amount_credited + dispute.amount_rejected,
                         dispute.amount_disputed)
        self.assertFalse(self.item1.factoring_on_hold)
        self.assertFalse(self.item1.factoring_schedule_line_id.fee_move_id,
                         "no discount fee for a recourse")

    def test_amounts_never_exceed_disputed(self):
        dispute = self.open_dispute([(self.item1, 500.0)])
        self.resolve(dispute, "rejected", [(self.item1, 400.0)])
        with self.assertRaisesRegex(ValidationError, "more than its unresolved"):
            self.resolve(dispute, "rejected", [(self.item1, 100.01)])
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.resolve(dispute, "rejected", [(self.item1, -5.0)])
        with self.assertRaisesRegex(ValidationError, "cannot go below"):
            dispute.line_ids.with_user(self.users["supervisor"]).amount = 300.0
        self.assertEqual(len(dispute.resolution_ids), 1)

    def test_debtor_pays_closes_when_paid(self):
        dispute = self.open_dispute([(self.item1, 1000.0)])
        self.resolve(dispute, "debtor_pays", [(self.item1, 1000.0)])
        self.assertEqual(dispute.state, "open")
        self.assertTrue(dispute.payment_pending)
        self.assertEqual(dispute.stage_id, self.env.ref("factoring_disputes.stage_waiting_debtor"))
        self.assertFalse(self.item1.factoring_on_hold, "dunning resumes")
        with self.assertRaisesRegex(UserError, "waits for"):
            dispute.with_user(self.users["collector"]).action_close()
        self.env["factoring.dispute"]._cron_check_payments()
        self.assertEqual(dispute.state, "open", "not paid yet")
        self.pay(self.item1, 1000.0)
        dispute.with_user(self.users["collector"]).action_check_payments()
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.amount_debtor_pays, 1000.0)

    def test_write_off_within_allowance(self):
        dispute = self.open_dispute([(self.own, 80.0)])
        resolution = self.resolve(dispute, "write_off", [(self.own, 80.0)],
                                  user=self.users["collector"])
        move = resolution.move_id
        account = self.company.factoring_dispute_writeoff_account_id
        self.assertTrue(account)
        self.assertEqual(move.line_ids.filtered(lambda rec: rec.account_id == account).balance,
                         80.0)
        self.assertEqual(self.own.amount_residual, 720.0)
        self.assertEqual(dispute.state, "resolved")

    def test_write_off_above_allowance_refused_or_approved(self):
        dispute = self.open_dispute([(self.own, 500.0)])
        collector = self.users["collector"]
        with self.assertRaisesRegex(UserError, "above your allowance of 100"):
            self.resolve(dispute, "write_off", [(self.own, 500.0)], user=collector)
        self.assertFalse(dispute.resolution_ids, "nothing written")
        self.assertEqual(self.own.amount_residual, 800.0)
        resolution = self.resolve(dispute, "write_off", [(self.own, 500.0)], user=collector,
                                  request_approval=True)
        self.assertEqual(resolution.state, "to_approve")
        self.assertFalse(resolution.move_id)
        self.assertTrue(self.own.factoring_on_hold, "still disputed until approved")
        supervisor = self.users["supervisor"]
        self.assertIn(supervisor, dispute.activity_ids.user_id)
        with self.assertRaises(AccessError):
            resolution.with_user(collector).action_approve()
        resolution.with_user(supervisor).action_approve()
        self.assertEqual(resolution.state, "done")
        self.assertEqual(resolution.approved_user_id, supervisor)
        self.assertEqual(self.own.amount_residual, 300.0)
        self.assertEqual(dispute.state, "resolved")
        self.assertFalse(self.own.factoring_on_hold)

    def test_write_off_refused_by_supervisor(self):
        dispute = self.open_dispute([(self.own, 500.0)])
        resolution = self.resolve(dispute, "write_off", [(self.own, 500.0)],
                                  user=self.users["collector"], request_approval=True)
        resolution.with_user(self.users["supervisor"]).action_refuse()
        self.assertEqual(resolution.state, "cancelled")
        self.assertEqual(dispute.amount_unresolved, 500.0)

    def test_write_off_without_role_refused(self):
        dispute = self.open_dispute([(self.own, 50.0)], user=self.users["client_manager"],
                                    user_id=self.users["client_manager"].id)
        with self.assertRaisesRegex(AccessError, "may not write disputed amounts off"):
            self.resolve(dispute, "write_off", [(self.own, 50.0)],
                         user=self.users["client_manager"])

    def test_recourse_and_credit_note_need_roles(self):
        factored = self.open_dispute([(self.item1, 100.0)])
        with self.assertRaisesRegex(AccessError, "recourse"):
            self.resolve(factored, "credit_note", [(self.item1, 100.0)],
                         user=self.users["collector"])
        own = self.open_dispute([(self.own, 100.0)])
        with self.assertRaisesRegex(AccessError, "credit note"):
            self.resolve(own, "credit_note", [(self.own, 100.0)], user=self.users["collector"])
        # configured: collectors may issue credit notes
        self.company.factoring_dispute_credit_note_group_ids = self.env.ref(
            "factoring_base.group_factoring_collector")
        self.resolve(own, "credit_note", [(self.own, 100.0)], user=self.users["collector"])
        self.assertEqual(own.state, "resolved")
        # operations charges back
        factored.user_id = self.users["operations"]
        self.resolve(factored, "credit_note", [(self.item1, 100.0)],
                     user=self.users["operations"])
        self.assertEqual(factored.state, "resolved")

    def test_reject_lifts_hold(self):
        dispute = self.open_dispute([(self.item1, 100.0), (self.item2, 50.0)])
        dispute.with_user(self.users["collector"]).action_reject()
        self.assertEqual(dispute.state, "rejected")
        self.assertEqual(dispute.stage_id, self.env.ref("factoring_disputes.stage_rejected"))
        self.assertFalse((self.item1 | self.item2).filtered("factoring_on_hold"))
        self.assertEqual(dispute.amount_rejected, 150.0)
        with self.assertRaisesRegex(UserError, "closed"):
            dispute.with_user(self.users["supervisor"]).write({"reason_id": self.env.ref(
                "factoring_disputes.reason_other").id})

    def test_wizard(self):
        dispute = self.open_dispute([(self.own, 300.0)])
        wizard = self.env["factoring.dispute.resolve"].with_user(
            self.users["supervisor"]).with_context(default_dispute_id=dispute.id).create({
                "kind": "rejected"})
        self.assertEqual(wizard.line_ids.amount, 300.0)
        wizard.line_ids.amount = 120.0
        wizard.action_confirm()
        self.assertEqual(dispute.amount_rejected, 120.0)
        self.assertEqual(dispute.amount_unresolved, 180.0)
        self.assertEqual(dispute.state, "open")
