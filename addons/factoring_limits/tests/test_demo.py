from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemo(TransactionCase):
    """The demo data tells the story: limits in every state, a pending
    approval, an expired credit document, a client near its limit."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("factoring_base.client_valmont", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        self.company = self.env.ref("base.main_company")
        self.env = self.env(context=dict(self.env.context,
                                         allowed_company_ids=self.company.ids))

    def test_every_state_and_a_pending_approval(self):
        limits = self.env["factoring.limit"].search([("company_id", "=", self.company.id)])
        self.assertEqual(set(limits.mapped("state")), {
            "draft", "requested", "proposed", "approved", "active", "superseded", "expired", "rejected"})
        manager = self.env.ref("factoring_base.user_credit_manager")
        pending = self.env["factoring.limit"].with_user(manager).search(
            [("can_approve", "=", True)])
        self.assertTrue(pending)
        self.assertEqual(set(pending.mapped("state")), {"proposed"})
        analyst = self.env.ref("factoring_base.user_credit_analyst")
        self.assertFalse(self.env["factoring.limit"].with_user(analyst).search(
            [("can_approve", "=", True)]), "the analyst proposed it: not his to approve")

    def test_expired_document_and_client_near_its_limit(self):
        expired = self.env["factoring.credit.document"].search([("state", "=", "expired")])
        self.assertTrue(expired)
        indigo = self.env.ref("factoring_base.client_indigo").with_context(
            allowed_company_ids=self.company.ids)
        self.assertTrue(indigo.factoring_has_client_limit)
        self.assertGreaterEqual(indigo.factoring_client_utilisation_pct, 85.0)
        self.assertLessEqual(indigo.factoring_client_utilisation_pct, 100.0)
