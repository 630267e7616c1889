from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import FactoringCommon


@tagged("post_install", "-at_install")
class TestFundingEntryGuard(FactoringCommon):
    """A funding entry is reversed only by its schedule's Cancel: Odoo's Reverse
    wizard, Reset to Draft, Cancel and Delete are refused for everyone (an
    AccessError, for a role without accounting rights, is a UserError too)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env, login="fact_accountant", groups="account.group_account_manager",
            name="Test accountant", company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)])
        cls.schedule = cls.make_schedule([{}, {"debtor_id": cls.debtor_b.id}])
        cls.schedule.action_verify()
        cls.schedule.action_fund()
        cls.move = cls.schedule.move_id

    def _assert_untouched(self):
        self.assertEqual(self.move.state, "posted")
        self.assertEqual(self.schedule.state, "funded")
        self.assertFalse(self.env["account.move"].search_count(
            [("reversed_entry_id", "=", self.move.id)]))
        items = self.schedule.line_ids.move_line_id
        self.assertFalse(any(items.mapped("reconciled")))
        self.assertFalse(self.schedule.line_ids.fee_move_id)

    def _reverse_with_wizard(self, user):
        wizard = self.env["account.move.reversal"].with_user(user).with_context(
            active_model="account.move", active_ids=self.move.ids,
        ).create({"journal_id": self.move.journal_id.id})
        return wizard.refund_moves()

    def test_reverse_wizard_refused_for_accountant(self):
        with self.assertRaisesRegex(UserError, "Cancel the schedule"):
            self._reverse_with_wizard(self.accountant)
        self._assert_untouched()

    def test_reverse_wizard_refused_for_operations(self):
        with self.assertRaises(UserError):
            self._reverse_with_wizard(self.users["operations"])
        self._assert_untouched()

    def test_reset_cancel_delete_refused(self):
        for user in (self.accountant, self.users["operations"]):
            move = self.move.with_user(user)
            with self.assertRaises(UserError, msg=user.login):
                move.button_draft()
            with self.assertRaises(UserError, msg=user.login):
                move.button_cancel()
            with self.assertRaises(UserError, msg=user.login):
                move.write({"state": "draft"})
            with self.assertRaises(UserError, msg=user.login):
                move.unlink()
        with self.assertRaisesRegex(UserError, "Cancel the schedule"):
            self.move.with_user(self.accountant).button_draft()
        with self.assertRaisesRegex(UserError, "Cancel the schedule"):
            self.move.with_user(self.accountant).button_cancel()
        self._assert_untouched()

    def test_schedule_cancel_still_reverses(self):
        self.schedule.with_user(self.users["operations"]).action_cancel()
        self.assertEqual(self.schedule.state, "cancelled")
        reversal = self.schedule.reversal_move_id
        self.assertEqual(reversal.reversed_entry_id, self.move)
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(self.move.state, "posted")
        self.assertEqual(set(self.schedule.line_ids.mapped("payment_state")), {"cancelled"})
        self.assertFalse(self.schedule.line_ids.fee_move_id, "a reversal is not a payment")
