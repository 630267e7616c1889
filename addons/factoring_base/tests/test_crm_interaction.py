from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FactoringCommon


@tagged("post_install", "-at_install")
class TestCrmWon(FactoringCommon):
    """A won opportunity becomes a factoring client with a draft agreement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.open_stage = cls.env["crm.stage"].search(
            [("is_won", "=", False)], order="sequence", limit=1)
        cls.prospect = cls.env["res.partner"].create({
            "name": "Filature Lyonnaise", "is_company": True})
        cls.factoring_team = cls.env["crm.team"].create({
            "name": "Factoring Sales", "is_factoring": True})

    def _opportunity(self, **vals):
        return self.env["crm.lead"].create({
            "name": "Factoring deal",
            "type": "opportunity",
            "user_id": self.users["client_manager"].id,
            "team_id": self.factoring_team.id,
            "stage_id": self.open_stage.id,
            **vals,
        })

    def _agreements_of(self, partner):
        return self.env["factoring.agreement"].search([("client_id", "=", partner.id)])

    def assertWonAgreement(self, lead, client):
        agreement = lead.factoring_agreement_id
        self.assertTrue(agreement, f"won opportunity {lead.name} has no agreement")
        self.assertEqual(agreement.state, "draft")
        self.assertEqual(lead.factoring_agreement_state, "draft")
        self.assertEqual(agreement.client_id, client)
        self.assertEqual(agreement.company_id, lead.company_id or self.env.company)
        self.assertTrue(client.is_factoring_client)
        self.assertNotEqual(agreement.name, "/", "the agreement gets a sequence number")
        return agreement

    def test_action_set_won_creates_client_and_draft_agreement(self):
        self.assertTrue(self.won_stage and self.open_stage, "premise: CRM stages exist")
        lead = self._opportunity(partner_id=self.prospect.id)
        self.assertFalse(self.prospect.is_factoring_client)
        self.assertFalse(lead.factoring_agreement_id)
        lead.action_set_won()
        self.assertTrue(lead.stage_id.is_won)
        agreement = self.assertWonAgreement(lead, self.prospect)
        self.assertEqual(agreement.lead_id, lead)
        self.assertEqual(self.prospect.factoring_client_manager_id, self.users["client_manager"],
                         "the salesperson becomes the client manager")
        self.assertEqual(self._agreements_of(self.prospect), agreement)

    def test_writing_won_stage_creates_agreement(self):
        lead = self._opportunity(partner_id=self.prospect.id)
        lead.write({"stage_id": self.won_stage.id})
        self.assertWonAgreement(lead, self.prospect)

    def test_contact_person_makes_its_company_the_client(self):
        contact = self.env["res.partner"].create({
            "name": "Paul Durand", "parent_id": self.prospect.id})
        lead = self._opportunity(partner_id=contact.id)
        lead.action_set_won()
        self.assertWonAgreement(lead, self.prospect)

    def test_existing_client_manager_is_kept(self):
        other = self.env["res.partner"].create({
            "name": "Teinturerie Est", "is_company": True,
            "factoring_client_manager_id": self.users["manager"].id})
        lead = self._opportunity(partner_id=other.id)
        lead.action_set_won()
        self.assertWonAgreement(lead, other)
        self.assertEqual(other.factoring_client_manager_id, self.users["manager"])

    def test_lead_without_partner_creates_the_client(self):
        Partner = self.env["res.partner"]
        self.assertFalse(Partner.search([("name", "=", "Velours du Rhone")]))
        lead = self._opportunity(partner_name="Velours du Rhone", contact_name="Jeanne Martin",
                                 email_from="jeanne@velours.example")
        self.assertFalse(lead.partner_id)
        # won by the salesperson, who may create partners but not agreements
        lead.with_user(self.users["client_manager"]).action_set_won()
        self.assertTrue(lead.partner_id, "winning creates the customer")
        client = lead.partner_id.commercial_partner_id
        self.assertEqual(client.name, "Velours du Rhone")
        self.assertTrue(client.is_company)
        self.assertWonAgreement(lead, client)
        self.assertEqual(client.factoring_client_manager_id, self.users["client_manager"])

    def test_client_manager_wins_without_agreement_rights(self):
        client_manager = self.users["client_manager"]
        self.assertFalse(
            self.env["factoring.agreement"].with_user(client_manager).has_access("create"),
            "premise: client managers cannot create agreements")
        lead = self._opportunity(partner_id=self.prospect.id).with_user(client_manager)
        lead.action_set_won()
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(lead.factoring_agreement_state, "draft")
        self.assertEqual(lead.factoring_agreement_id.client_id, self.prospect)
        self.assertTrue(lead.factoring_agreement_id.name, "the client manager reads it")
        self.assertWonAgreement(lead.with_env(self.env), self.prospect)

    def test_winning_twice_keeps_one_agreement(self):
        lead = self._opportunity(partner_id=self.prospect.id)
        lead.action_set_won()
        agreement = lead.factoring_agreement_id
        lead.write({"stage_id": self.open_stage.id})
        self.assertFalse(lead.stage_id.is_won)
        lead.action_set_won()
        self.assertEqual(lead.factoring_agreement_id, agreement)
        self.assertEqual(self._agreements_of(self.prospect), agreement)

    def test_second_opportunity_links_existing_draft(self):
        first = self._opportunity(partner_id=self.prospect.id)
        first.action_set_won()
        draft = first.factoring_agreement_id
        second = self._opportunity(partner_id=self.prospect.id, name="Second deal")
        second.write({"stage_id": self.won_stage.id})
        self.assertEqual(second.factoring_agreement_id, draft)
        self.assertEqual(self._agreements_of(self.prospect), draft)

    def test_existing_draft_agreement_is_linked(self):
        draft = self.env["factoring.agreement"].create({
            "client_id": self.client.id, "currency_id": self.usd.id,
            "date_start": date(2026, 3, 1)})
        before = self._agreements_of(self.client)
        self.assertEqual(before, self.agreement | draft)
        lead = self._opportunity(partner_id=self.client.id)
        lead.action_set_won()
        self.assertEqual(lead.factoring_agreement_id, draft)
        self.assertEqual(self._agreements_of(self.client), before, "no new agreement")
        self.assertEqual(self.agreement.state, "active", "the active agreement is untouched")
        self.assertEqual(draft.lead_id, lead, "the linked draft points back to the opportunity")

    def test_active_client_is_linked_not_duplicated(self):
        """Winning another deal with a client that already has an active agreement
        links that agreement instead of opening an empty draft next to it."""
        before = self._agreements_of(self.client)
        lead = self._opportunity(partner_id=self.client.id)
        lead.action_set_won()
        self.assertEqual(lead.factoring_agreement_id, self.agreement)
        self.assertEqual(lead.factoring_agreement_state, "active")
        self.assertEqual(self._agreements_of(self.client), before)


@tagged("post_install", "-at_install")
class TestMeetingNotes(FactoringCommon):
    """Meetings with factoring clients and prospects cannot be closed without
    notes; the notes become the client's interaction log."""

    MEETING = "mail.mail_activity_data_meeting"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client_manager = cls.users["client_manager"]
        cls.lead = cls.env["crm.lead"].create({
            "name": "Extend factoring to exports", "type": "opportunity",
            "partner_id": cls.client.id, "user_id": cls.client_manager.id})

    def _interactions(self, partner):
        return self.env["factoring.interaction"].search([("partner_id", "=", partner.id)])

    def _meeting(self, record, summary):
        activity = record.activity_schedule(
            self.MEETING, summary=summary, user_id=self.client_manager.id)
        self.assertEqual(activity.activity_type_id.category, "meeting")
        return activity.with_user(self.client_manager)

    def test_client_meeting_without_notes_is_refused(self):
        activity = self._meeting(self.client, "Quarterly review")
        for empty in (False, "", "   ", "<p><br></p>"):
            with self.subTest(feedback=empty), self.assertRaisesRegex(
                    UserError, r"Quarterly review.*Tissages du Nord"):
                activity.action_feedback(feedback=empty)
        with self.assertRaisesRegex(UserError, "Quarterly review"):
            activity.action_done()
        self.assertTrue(activity.active, "the meeting stays open")
        self.assertFalse(self._interactions(self.client))

    def test_client_meeting_with_notes_logs_interaction(self):
        activity = self._meeting(self.client, "Quarterly review")
        activity.action_feedback(feedback="Asked for a limit increase on Grand Magasin")
        self.assertFalse(activity.active, "the meeting is done")
        interaction = self._interactions(self.client)
        self.assertEqual(len(interaction), 1)
        self.assertIn("limit increase on Grand Magasin", interaction.summary)
        self.assertEqual(interaction.interaction_type, "meeting")
        self.assertEqual(interaction.user_id, self.client_manager)
        self.assertEqual(interaction.activity_id, activity)
        self.assertEqual(interaction.company_id, self.company)
        self.assertFalse(interaction.lead_id)
        self.assertEqual(self.client.factoring_interaction_count, 1)

    def test_opportunity_meeting_requires_notes_and_logs_on_client_and_lead(self):
        activity = self._meeting(self.lead, "Pitch to the CFO")
        with self.assertRaisesRegex(UserError, r"Pitch to the CFO.*Extend factoring to exports"):
            activity.action_done()
        self.assertTrue(activity.active)
        activity.action_feedback(feedback="CFO wants non-recourse terms")
        self.assertFalse(activity.active)
        interaction = self._interactions(self.client)
        self.assertEqual(len(interaction), 1)
        self.assertIn("non-recourse", interaction.summary)
        self.assertEqual(interaction.lead_id, self.lead)
        self.assertEqual(self.lead.factoring_interaction_ids, interaction)

    def test_meeting_on_client_contact_needs_notes(self):
        contact = self.env["res.partner"].create({
            "name": "Anne Lefebvre", "parent_id": self.client.id})
        activity = self._meeting(contact, "Visit of the plant")
        with self.assertRaisesRegex(UserError, "Anne Lefebvre"):
            activity.action_done()
        activity.action_feedback(feedback="Saw the new looms")
        interaction = self._interactions(self.client)
        self.assertEqual(len(interaction), 1, "logged on the client company")
        self.assertIn("looms", interaction.summary)

    def test_todo_activity_needs_no_notes(self):
        activity = self.client.activity_schedule(
            "mail.mail_activity_data_todo", summary="Send brochure",
            user_id=self.client_manager.id).with_user(self.client_manager)
        activity.action_done()
        self.assertFalse(activity.active)
        self.assertFalse(self._interactions(self.client))

    def test_meeting_with_non_client_needs_no_notes(self):
        self.assertFalse(self.not_debtor.is_factoring_client)
        activity = self._meeting(self.not_debtor, "Coffee")
        activity.action_done()
        self.assertFalse(activity.active)
        self.assertFalse(self._interactions(self.not_debtor))
