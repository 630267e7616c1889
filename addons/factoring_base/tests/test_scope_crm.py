"""Only factoring opportunities make factoring clients when won (crm's
TestCrmPls.test_pls_tooltip_data, TestLeadAssignPerf)."""
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import FactoringCommon


@tagged("post_install", "-at_install")
class TestCrmScope(FactoringCommon):
    """Only factoring opportunities (flagged, or of a factoring sales team) make
    factoring clients when won; every other opportunity is plain CRM (crm's
    TestCrmPls.test_pls_tooltip_data, TestLeadAssignPerf)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain_team = cls.env["crm.team"].create({"name": "Plain Sales"})
        cls.factoring_team = cls.env["crm.team"].create(
            {"name": "Factoring Sales", "is_factoring": True})
        cls.salesman = new_test_user(
            cls.env, login="fact_scope_salesman", groups="sales_team.group_sale_salesman",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.sales_manager = new_test_user(
            cls.env, login="fact_scope_sales_manager", groups="sales_team.group_sale_manager",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])

    def _lead(self, team, **vals):
        return self.env["crm.lead"].create({
            "name": "Deal", "type": "opportunity", "team_id": team.id,
            "partner_name": "Brand New Customer", "contact_name": "Ann Buyer",
            "email_from": "ann@new-customer.example.com", **vals})

    def test_plain_won_opportunity_is_plain_crm(self):
        partners_before = self.env["res.partner"].search_count([])
        agreements_before = self.env["factoring.agreement"].search_count([])
        lead = self._lead(self.plain_team, user_id=self.salesman.id).with_user(self.salesman)
        lead.action_set_won()
        self.assertTrue(lead.stage_id.is_won)
        self.assertFalse(lead.partner_id, "Odoo does not create a customer when winning")
        self.assertFalse(lead.factoring_agreement_id)
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        self.assertEqual(self.env["factoring.agreement"].search_count([]), agreements_before)
        # with a customer: it stays a plain customer
        prospect = self.env["res.partner"].create({"name": "Plain Prospect", "is_company": True})
        lead = self._lead(self.plain_team, partner_id=prospect.id)
        lead.write({"stage_id": self.env["crm.stage"].search([("is_won", "=", True)], limit=1).id})
        self.assertFalse(prospect.is_factoring_client)
        self.assertFalse(lead.factoring_agreement_id)

    def test_factoring_team_and_flagged_opportunity_make_clients(self):
        by_team = self._lead(self.factoring_team, partner_name="Team Client SA")
        flagged = self._lead(self.plain_team, partner_name="Flagged Client SA",
                             contact_name=False, is_factoring=True)
        (by_team | flagged).action_set_won()
        for lead, name in ((by_team, "Team Client SA"), (flagged, "Flagged Client SA")):
            with self.subTest(lead=name):
                client = lead.partner_id.commercial_partner_id
                self.assertEqual(client.name, name)
                self.assertTrue(client.is_company)
                self.assertTrue(client.is_factoring_client)
                self.assertEqual(lead.factoring_agreement_id.client_id, client)
                self.assertEqual(lead.factoring_agreement_id.state, "draft")
        self.assertEqual(by_team.partner_id.name, "Ann Buyer", "the contact person is the customer")
        self.assertEqual(by_team.partner_id.email, "ann@new-customer.example.com")
        self.assertEqual(flagged.partner_id.email, "ann@new-customer.example.com")

    def test_opportunity_created_won_in_factoring_team(self):
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        lead = self._lead(self.factoring_team, stage_id=won_stage.id,
                          partner_name="Born Won SA")
        self.assertEqual(lead.won_status, "won")
        self.assertEqual(lead.factoring_agreement_id.client_id.name, "Born Won SA")

    def test_flags_are_guarded(self):
        with self.assertRaisesRegex(AccessError, "factoring team"):
            self.plain_team.with_user(self.sales_manager).write({"is_factoring": True})
        with self.assertRaisesRegex(AccessError, "factoring team"):
            self.env["crm.team"].with_user(self.sales_manager).create(
                {"name": "Sneaky", "is_factoring": True})
        self.assertFalse(self.plain_team.is_factoring)
        # renaming a factoring team without touching the flag is plain CRM
        self.factoring_team.with_user(self.sales_manager).write(
            {"name": "Factoring Sales East", "is_factoring": True})
        lead = self._lead(self.plain_team, user_id=False)
        with self.assertRaisesRegex(AccessError, "factoring opportunity"):
            lead.with_user(self.salesman).write({"is_factoring": True})
        with self.assertRaisesRegex(AccessError, "factoring opportunity"):
            self.env["crm.lead"].with_user(self.salesman).create(
                {"name": "Sneaky", "type": "opportunity", "is_factoring": True})
        lead.with_user(self.users["client_manager"]).write({"is_factoring": True})
        self.assertTrue(lead.is_factoring)
        copy = lead.with_user(self.salesman).copy()
        self.assertFalse(copy.is_factoring)

    def test_agreement_state_is_not_tracked_on_leads(self):
        field = self.env["crm.lead"]._fields["factoring_agreement_state"]
        self.assertFalse(field.tracking)
        self.assertNotIn("factoring_agreement_state", self.env["crm.lead"]._track_get_fields())
        lead = self._lead(self.factoring_team, partner_name="Tracked SA")
        lead.action_set_won()
        lead.factoring_agreement_id.sudo().write({"advance_rate": 80.0})
        tracked = self.env["mail.tracking.value"].search([
            ("mail_message_id.model", "=", "crm.lead"),
            ("mail_message_id.res_id", "=", lead.id),
            ("field_id.name", "=", "factoring_agreement_state")])
        self.assertFalse(tracked)

    def test_view_agreement_checks_rights(self):
        lead = self._lead(self.factoring_team, partner_name="Viewed SA", user_id=False)
        lead.action_set_won()
        with self.assertRaisesRegex(AccessError, "Only factoring users"):
            lead.with_user(self.salesman).action_view_factoring_agreement()
        action = lead.with_user(self.users["client_manager"]).action_view_factoring_agreement()
        self.assertEqual(action["res_id"], lead.factoring_agreement_id.id)
