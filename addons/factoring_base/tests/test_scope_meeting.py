"""The meeting-note rule holds only on factoring clients and opportunities."""
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import FactoringCommon


@tagged("post_install", "-at_install")
class TestMeetingScope(FactoringCommon):
    """The meeting-note rule holds only on factoring clients, their contacts and
    factoring opportunities, through every public way of closing an activity."""

    MEETING = "mail.mail_activity_data_meeting"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain_team = cls.env["crm.team"].create({"name": "Plain Sales"})
        cls.factoring_team = cls.env["crm.team"].create(
            {"name": "Factoring Sales", "is_factoring": True})
        cls.salesman = new_test_user(
            cls.env, login="fact_scope_meet", groups="sales_team.group_sale_salesman",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.prospect = cls.env["res.partner"].create({"name": "Prospect SA", "is_company": True})

    def _meeting(self, record, user):
        return record.activity_schedule(
            self.MEETING, summary="Meet", user_id=user.id).with_user(user)

    def test_plain_crm_meeting_needs_no_notes(self):
        lead = self.env["crm.lead"].create({
            "name": "Plain deal", "type": "opportunity", "team_id": self.plain_team.id,
            "partner_id": self.prospect.id, "user_id": self.salesman.id})
        activity = self._meeting(lead, self.salesman)
        activity.action_done()
        self.assertFalse(activity.exists() and activity.active)
        self.assertFalse(self.env["factoring.interaction"].search(
            [("partner_id", "=", self.prospect.id)]))

    def test_factoring_opportunity_meeting_needs_notes_every_way(self):
        lead = self.env["crm.lead"].create({
            "name": "Factoring deal", "type": "opportunity", "team_id": self.factoring_team.id,
            "partner_id": self.prospect.id, "user_id": self.users["client_manager"].id})
        user = self.users["client_manager"]
        activity = self._meeting(lead, user)
        # Pin: these public methods are every way Odoo closes an activity
        for close in (
            lambda: activity.action_done(),
            lambda: activity.action_feedback(feedback=""),
            lambda: activity.action_done_schedule_next(),
            lambda: activity.action_feedback_schedule_next(feedback="<p></p>"),
            lambda: activity.action_done_redirect_to_other(),
            lambda: lead.with_user(user).activity_feedback([self.MEETING]),
        ):
            with self.assertRaisesRegex(UserError, "Write what was discussed"):
                close()
            self.assertTrue(activity.active)
        lead.with_user(user).activity_feedback([self.MEETING], feedback="Terms agreed")
        interaction = self.env["factoring.interaction"].search(
            [("partner_id", "=", self.prospect.id)])
        self.assertEqual(interaction.lead_id, lead)
        self.assertIn("Terms agreed", interaction.summary)

    def test_flagged_opportunity_of_plain_team_needs_notes(self):
        lead = self.env["crm.lead"].create({
            "name": "Flagged deal", "type": "opportunity", "team_id": self.plain_team.id,
            "is_factoring": True, "partner_id": self.prospect.id})
        activity = self._meeting(lead, self.users["client_manager"])
        with self.assertRaisesRegex(UserError, "Flagged deal"):
            activity.action_feedback_schedule_next()
