from collections import Counter

from odoo.tests import TransactionCase, tagged

# A record of demo/factoring_demo.xml; its absence means the demo data is not installed.
DEMO_MARKER = "factoring_base.client_valmont"
DEMO_USERS = {
    "client.manager": "factoring_base.group_factoring_client_manager",
    "credit.analyst": "factoring_base.group_factoring_credit_analyst",
    "credit.manager": "factoring_base.group_factoring_credit_manager",
    "collector1": "factoring_base.group_factoring_collector",
    "collector2": "factoring_base.group_factoring_collector",
    "collections.supervisor": "factoring_base.group_factoring_collections_supervisor",
    "operations": "factoring_base.group_factoring_operations",
}


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo data tells the factoring story end to end. The test database
    (`make test`) is always installed with demo data, so missing demo data is
    a failure, not a reason to skip."""

    def setUp(self):
        super().setUp()
        if not self.env.ref(DEMO_MARKER, raise_if_not_found=False):
            self.fail(
                f"The factoring_base demo data is not installed in database "
                f"{self.env.cr.dbname!r} ({DEMO_MARKER} not found): install the module "
                f"with --with-demo, as `make test` does.")
        self.company = self.env.ref("base.main_company")
        # demo dates are relative to the day the demo data was installed
        self.today = self.env.ref(DEMO_MARKER).create_date.date()
        self.schedules = self.env["factoring.schedule"].search(
            [("company_id", "=", self.company.id)])
        self.funded = self.schedules.filtered(lambda s: s.state == "funded")
        self.lines = self.funded.line_ids

    def test_factoring_house(self):
        """The main company is a named factoring house keeping its books in the
        currency its clients invoice in, not Odoo's "YourCompany" in USD."""
        eur = self.env.ref("base.EUR")
        self.assertEqual(self.company.name, "Galata Factoring A.Ş.")
        self.assertEqual(self.company.country_id, self.env.ref("base.tr"))
        self.assertEqual(self.company.city, "İstanbul")
        self.assertEqual(self.company.currency_id, eur)
        agreements = self.env["factoring.agreement"].search([("company_id", "=", self.company.id)])
        self.assertEqual(agreements.currency_id, eur, "every agreement is in EUR")
        self.assertEqual(self.funded.move_id.currency_id, eur)
        usd = self.env.ref("base.USD")
        self.assertFalse(self.env["account.move.line"].search_count([
            ("company_id", "=", self.company.id), ("currency_id", "=", usd.id)], limit=1),
            "no entry of the factoring house is in dollars")
        # what a person sees at the top of every screen and on the login user
        admin = self.env.ref("base.user_admin")
        self.assertEqual(admin.company_id, self.company)
        self.assertEqual(admin.company_id.display_name, "Galata Factoring A.Ş.")

    def test_partners(self):
        Partner = self.env["res.partner"]
        clients = Partner.search([("is_factoring_client", "=", True),
                                  ("company_id", "in", (False, self.company.id))])
        debtors = Partner.search([("is_factoring_debtor", "=", True),
                                  ("company_id", "in", (False, self.company.id))])
        self.assertGreaterEqual(len(clients), 8, "demo: at least 8 factoring clients")
        self.assertGreaterEqual(len(debtors), 25, "demo: at least 25 debtors")
        for client in clients:
            self.assertTrue(client.factoring_sector_id and client.factoring_client_manager_id,
                            f"client {client.name} has a sector and a client manager")
            self.assertTrue(client.factoring_ap_contact_ids,
                            f"client {client.name} has an accounts-payable contact")
            self.assertTrue(client.factoring_sales_contact_ids,
                            f"client {client.name} has a sales contact")
            self.assertEqual(client.factoring_agreement_count, len(client.factoring_agreement_ids))
        for debtor in debtors:
            self.assertTrue(debtor.vat and debtor.ref and debtor.factoring_collector_id,
                            f"debtor {debtor.name} has a VAT number, a reference and a collector")
        with_items = clients.filtered("factoring_open_item_count")
        self.assertGreaterEqual(len(with_items), 8, "most clients show open items")
        for client in with_items:
            items = self.env["account.move.line"].search(client._factoring_open_items_domain())
            self.assertEqual(client.factoring_open_item_count, len(items), client.name)
            self.assertAlmostEqual(client.factoring_open_amount,
                                   sum(items.mapped("amount_residual")), places=2)

    def test_users(self):
        for login, group in DEMO_USERS.items():
            user = self.env["res.users"].search([("login", "=", login)])
            self.assertEqual(len(user), 1, f"demo user {login} exists")
            self.assertTrue(user.has_group(group), f"demo user {login} is in {group}")
            self.assertFalse(user.has_group("factoring_base.group_factoring_manager"),
                             f"demo user {login} is not a factoring manager")

    def test_agreements(self):
        agreements = self.env["factoring.agreement"].search([("company_id", "=", self.company.id)])
        by_state = Counter(agreements.mapped("state"))
        self.assertGreaterEqual(by_state["active"], 8, by_state)
        self.assertGreaterEqual(by_state["draft"], 1, by_state)
        self.assertGreaterEqual(by_state["suspended"], 1, by_state)
        for agreement in agreements.filtered(lambda a: a.state == "active"):
            self.assertGreaterEqual(len(agreement.approved_debtor_ids), 3, agreement.name)
            self.assertTrue(80.0 <= agreement.advance_rate <= 90.0, agreement.name)
        self.assertIn("non_recourse", agreements.mapped("recourse"))

    def test_won_opportunity_made_a_client(self):
        lead = self.env.ref("factoring_base.lead_lys")
        self.assertTrue(lead.stage_id.is_won, "the Filature du Lys opportunity is won")
        agreement = lead.factoring_agreement_id
        self.assertEqual(agreement.state, "draft")
        self.assertEqual(agreement.lead_id, lead)
        self.assertEqual(agreement.client_id, lead.partner_id.commercial_partner_id)
        self.assertTrue(agreement.client_id.is_factoring_client)
        open_leads = self.env["crm.lead"].search([
            ("type", "=", "opportunity"), ("company_id", "=", self.company.id),
            ("stage_id.is_won", "=", False),
            ("user_id", "=", self.env.ref("factoring_base.user_client_manager").id)])
        self.assertGreaterEqual(len(open_leads), 4, "prospects in the pipeline")
        self.assertTrue(all(open_leads.mapped("expected_revenue")))

    def test_schedules_in_every_state(self):
        by_state = Counter(self.schedules.mapped("state"))
        for state in ("draft", "verified", "funded", "cancelled"):
            self.assertGreaterEqual(by_state[state], 1, f"a schedule is {state}: {by_state}")
        self.assertGreaterEqual(by_state["funded"], 5, by_state)
        self.assertFalse(self.schedules.filtered(lambda s: s.state != "funded" and s.move_id))
        # the failed verification names the line, the debtor and the reason
        failed = self.env.ref("factoring_base.schedule_alpina_2")
        self.assertEqual(failed.state, "draft")
        bad_line = self.env.ref("factoring_base.schedule_alpina_2_line_2")
        self.assertNotIn(bad_line.debtor_id, failed.agreement_id.approved_debtor_ids)
        self.assertIn(bad_line.debtor_id.name, failed.verification_note or "")
        self.assertIn("not approved", bad_line.check_message or "")
        self.assertEqual(failed.error_count, 1)

    def test_funded_entries(self):
        receivable = self.company.factoring_receivable_account_id
        advance_account = self.company.factoring_advance_account_id
        for schedule in self.funded:
            move = schedule.move_id
            self.assertEqual(move.state, "posted", schedule.name)
            self.assertEqual(move.date, schedule.date, schedule.name)
            self.assertAlmostEqual(sum(move.line_ids.mapped("debit")),
                                   sum(move.line_ids.mapped("credit")), places=2,
                                   msg=f"{move.name} is balanced")
            items = move.line_ids.filtered(lambda rec: rec.account_id == receivable)
            self.assertEqual(len(items), schedule.line_count, schedule.name)
            self.assertAlmostEqual(sum(items.mapped("balance")), schedule.amount_total, places=2)
            for line in schedule.line_ids:
                item = line.move_line_id
                self.assertEqual(item.partner_id, line.debtor_id, line.invoice_number)
                self.assertEqual(item.date_maturity, line.due_date, line.invoice_number)
                self.assertEqual(item.factoring_client_id, schedule.client_id)
            advance = move.line_ids.filtered(lambda rec: rec.account_id == advance_account)
            self.assertAlmostEqual(-sum(advance.mapped("balance")), schedule.advance_amount,
                                   places=2)
            self.assertTrue(advance.reconciled, f"the advance of {schedule.name} was paid")
        # funded one to four months ago
        ages = [(self.today - s.date).days for s in self.funded]
        self.assertTrue(all(20 <= age <= 130 for age in ages), ages)

    def test_paid_items_carry_their_fee(self):
        paid = self.lines.filtered(lambda rec: rec.payment_state == "paid")
        self.assertGreaterEqual(len(paid), 5, "several invoices are paid in full")
        fee_account = self.company.factoring_fee_account_id
        for line in paid:
            agreement = line.schedule_id.agreement_id
            days = (line.paid_date - line.schedule_id.funded_date).days
            self.assertGreaterEqual(days, 0, line.invoice_number)
            expected = agreement._compute_fee(line.amount, days)
            self.assertAlmostEqual(line.fee_amount, expected, places=2, msg=line.invoice_number)
            self.assertTrue(line.fee_move_id, f"{line.invoice_number} has a fee entry")
            self.assertEqual(line.fee_move_id.state, "posted")
            fee_lines = line.fee_move_id.line_ids.filtered(lambda rec: rec.account_id == fee_account)
            self.assertAlmostEqual(-sum(fee_lines.mapped("balance")),
                                   sum(self.lines.filtered(
                                       lambda rec: rec.fee_move_id == line.fee_move_id
                                   ).mapped("fee_amount")), places=2)
            self.assertEqual(line.amount_residual, 0.0)

    def test_partly_paid_and_open_items(self):
        partial = self.lines.filtered(lambda rec: rec.payment_state == "partial")
        self.assertGreaterEqual(len(partial), 1, "an invoice is partly paid")
        for line in partial:
            item = line.move_line_id
            paid = sum(item.matched_credit_ids.mapped("amount"))
            self.assertTrue(0 < paid < line.amount, line.invoice_number)
            self.assertAlmostEqual(line.amount_residual, line.amount - paid, places=2)
            self.assertFalse(line.fee_move_id, "no fee before the invoice is fully paid")
        open_lines = self.lines.filtered(lambda rec: rec.payment_state in ("open", "partial"))
        overdue = open_lines.filtered(lambda rec: rec.due_date < self.today)
        not_due = open_lines.filtered(lambda rec: rec.due_date >= self.today)
        self.assertTrue(overdue, "some open items are overdue")
        self.assertTrue(not_due, "some open items are not yet due")

    def test_client_manager_notes_and_meetings(self):
        interactions = self.env["factoring.interaction"].search(
            [("company_id", "=", self.company.id)])
        self.assertGreaterEqual(len(interactions), 5)
        self.assertTrue(interactions.filtered("next_step"))
        self.assertTrue(set(interactions.mapped("interaction_type")) >= {"meeting", "call"})
        meetings = self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"),
            ("activity_type_id", "=", self.env.ref("mail.mail_activity_data_meeting").id),
            ("res_id", "in", interactions.partner_id.ids)])
        self.assertGreaterEqual(len(meetings), 2, "meetings are planned with clients")
        self.assertTrue(all(m.date_deadline >= self.today for m in meetings))
