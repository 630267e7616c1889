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

    def test_no_limit_no_funding_in_the_demo(self):
        """Valmont's new schedule fails verification on Comptoir (its limit is
        only proposed) and on Urban Thread Stores (no limit); the regular
        debtors have their limits; the CCC-rated debtor's proposal warned."""
        Line = self.env["factoring.schedule.line"]
        lines = {line.invoice_number: line for line in Line.search(
            [("invoice_number", "in", ["TV-2431", "TV-2432", "TV-2433"])])}
        self.assertEqual(lines["TV-2431"].schedule_id.state, "draft")
        self.assertFalse(lines["TV-2431"].check_message, "Berger's limit is active")
        self.assertEqual(lines["TV-2432"].check_message,
                         "no approved limit on debtor Comptoir Textile de Roubaix SA: its limit "
                         "is only Proposed")
        self.assertEqual(lines["TV-2433"].check_message,
                         "no approved limit on debtor Urban Thread Stores BV: it has no limit")
        # every debtor with open factored items has an active limit, but Comptoir
        Engine = self.env["factoring.limit.engine"]
        items = self.env["account.move.line"].search([
            ("factoring_schedule_line_id", "!=", False), ("reconciled", "=", False),
            ("parent_state", "=", "posted"), ("company_id", "=", self.company.id)])
        unlimited = Engine._pairs_without_limit(
            self.company, {(item.factoring_client_id.id, item.partner_id.id) for item in items})
        self.assertEqual({self.env["res.partner"].browse(debtor).name
                          for _client, debtor in unlimited},
                         {"Comptoir Textile de Roubaix SA"})
        trattorie = self.env["factoring.limit"].search([
            ("debtor_id", "=", self.env.ref("factoring_base.debtor_trattorie").id),
            ("state", "=", "active")])
        self.assertTrue(trattorie.message_ids.filtered(lambda m: "rated CCC" in (m.body or "")))
