from datetime import date, timedelta

from odoo import Command
from odoo.tests import tagged

from .common import LimitsCommon


@tagged("post_install", "-at_install")
class TestUtilisation(LimitsCommon):
    """Utilisation, headroom and concentration from the ledger: factored items,
    an own invoice and a verified unfunded schedule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fund([
            {"invoice_number": "U-1", "amount": 3000.0},
            {"invoice_number": "U-2", "debtor_id": cls.debtor_b.id, "amount": 2000.0},
        ])
        move = cls.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": cls.debtor_a.id,
            "invoice_date": date(2026, 10, 1),
            "invoice_line_ids": [Command.create({
                "name": "Own goods", "quantity": 1, "price_unit": 1000.0,
                "tax_ids": [Command.clear()]})],
        })
        move.action_post()
        cls.verified = cls.make_schedule([{"invoice_number": "U-3", "amount": 500.0}])
        cls.verified.action_verify()
        assert cls.verified.state == "verified"

    def test_figures_per_scope(self):
        debtor = self.active_limit("debtor", 8000.0)
        pair = self.active_limit("pair", 6000.0)
        client = self.active_limit("client", 10000.0)
        # debtor A: factored 3,000 + own 1,000 + verified 500
        self.assertAlmostEqual(debtor.utilisation, 4500.0)
        self.assertAlmostEqual(debtor.headroom, 3500.0)
        # the pair: the client's items on debtor A only (no own invoice)
        self.assertAlmostEqual(pair.utilisation, 3500.0)
        self.assertAlmostEqual(pair.headroom, 2500.0)
        # funds in use at 90 %: (3,000 + 2,000) + the verified 500
        self.assertAlmostEqual(client.utilisation, 4950.0)
        self.assertAlmostEqual(client.headroom, 5050.0)
        self.assertAlmostEqual(client.utilisation_percent, 49.5)
        partner = self.client.with_context(allowed_company_ids=self.company.ids)
        self.assertAlmostEqual(partner.factoring_client_utilisation, 4950.0)
        self.assertAlmostEqual(partner.factoring_client_headroom, 5050.0)
        self.assertAlmostEqual(self.debtor_a.factoring_debtor_headroom, 3500.0)
        # one list of debtor shares on the client's tab: base's Top Debtors
        figures = [name for _group, name in partner._factoring_figure_fields()]
        self.assertIn("factoring_top_debtors", figures)
        self.assertFalse([name for name in figures if "concentration" in name])

    def test_payment_frees_headroom(self):
        debtor = self.active_limit("debtor", 8000.0)
        item = self.env["account.move.line"].search([
            ("factoring_client_id", "=", self.client.id), ("name", "=", "U-1")])
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1)
        self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=item.ids).create({
                "payment_date": date(2026, 10, 20), "amount": 1200.0,
                "journal_id": journal.id})._create_payments()
        debtor.invalidate_recordset()
        self.assertAlmostEqual(debtor.utilisation, 3300.0)

    def test_expired_limit_leaves_no_headroom(self):
        debtor = self.active_limit("debtor", 8000.0, date_to=date(2026, 10, 31))
        self.Limit._expire_ended(today=date(2026, 11, 1))
        self.assertEqual(debtor.state, "expired")
        Engine = self.env["factoring.limit.engine"]
        limits = Engine._limits_in_force(self.company, debtor_ids=self.debtor_a.ids)
        self.assertEqual(limits[("debtor", 0, self.debtor_a.id)], (debtor.id, 0.0))
        positions = dict((row[0], row) for row in Engine._debtor_positions(self.company))
        self.assertEqual(positions[self.debtor_a.id][3], -4500.0)
        # Odoo's own partner credit limit is back to the company's default
        debtor = self.debtor_a.with_company(self.company)
        debtor.invalidate_recordset()
        self.assertEqual(debtor.credit_limit, 0.0)
        self.assertFalse(debtor.use_partner_credit_limit)

    def test_debtor_positions_sorted_by_headroom(self):
        self.active_limit("debtor", 8000.0)
        self.active_limit("debtor", 2500.0, debtor_id=self.debtor_b.id)
        rows = self.env["factoring.limit.engine"]._debtor_positions(self.company)
        ours = [row for row in rows if row[0] in (self.debtor_a.id, self.debtor_b.id)]
        self.assertEqual([row[0] for row in ours], [self.debtor_b.id, self.debtor_a.id])
        self.assertEqual(ours[0][1:], (2500.0, 2000.0, 500.0))


@tagged("post_install", "-at_install")
class TestEligibility(LimitsCommon):
    """Eligibility and availability as docs/domain.md defines them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.client_80 = Partner.create({
            "name": "Eligibility Client", "is_company": True, "is_factoring_client": True})
        cls.debtors = Partner.create([{
            "name": f"Eligible Debtor {index}", "is_company": True,
            "is_factoring_debtor": True} for index in range(10)])
        cls.agreement_80 = cls.env["factoring.agreement"].create({
            "client_id": cls.client_80.id, "company_id": cls.company.id,
            "currency_id": cls.eur.id, "advance_rate": 80.0, "max_concentration": 100.0,
            "approved_debtor_ids": [Command.set(cls.debtors.ids)],
            "date_start": date(2026, 1, 1), "ineligibility_days": 90,
            "cross_age_percent": 10.0})
        cls.agreement_80.action_activate()
        cls.today = cls.company._factoring_today()

    def fund_80(self, lines):
        schedule = self.make_schedule(lines, agreement=self.agreement_80,
                                      schedule_date=self.today - timedelta(days=1))
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified", schedule.verification_note)
        if schedule.funding_problems:
            # aged invoices taken over: past the availability, on a credit
            # manager's override
            self.env["factoring.funding.override"].with_user(
                self.users["credit_manager"]).create({
                    "schedule_id": schedule.id, "reason": "Portfolio taken over"}).action_confirm()
        schedule.with_user(self.users["operations"]).action_fund()
        self.assertEqual(schedule.state, "funded")
        return schedule

    def line(self, index, debtor, amount, age=10):
        invoice_date = self.today - timedelta(days=age)
        return {"invoice_number": f"EL-{index}", "debtor_id": debtor.id, "amount": amount,
                "invoice_date": invoice_date, "due_date": invoice_date + timedelta(days=60)}

    def availability(self):
        return self.env["factoring.limit.engine"]._availability(
            self.company, self.client_80.ids)[self.client_80.id]

    def test_design_example(self):
        """10 debtors owing 10,000 each, each limited to 5,000, advance 80 %:
        eligible 50,000, availability 40,000 before advances."""
        self.fund_80([self.line(i, debtor, 10000.0) for i, debtor in enumerate(self.debtors)])
        for debtor in self.debtors:
            self.active_limit("debtor", 5000.0, debtor_id=debtor.id)
        figures = self.availability()
        self.assertAlmostEqual(figures["eligible"], 50000.0)
        self.assertAlmostEqual(figures["borrowing_base"], 40000.0)
        # the 100,000 funded at 80 % are advanced already: over-advanced by 40,000
        self.assertAlmostEqual(figures["availability"], 40000.0 - 80000.0)
        partner = self.client_80.with_context(allowed_company_ids=self.company.ids)
        self.assertAlmostEqual(partner.factoring_eligible, 50000.0)
        self.assertAlmostEqual(partner.factoring_availability, -40000.0)

    def test_pair_limit_and_held_item(self):
        d0, d1 = self.debtors[:2]
        self.fund_80([self.line(1, d0, 6000.0), self.line(2, d0, 4000.0),
                      self.line(3, d1, 3000.0)])
        self.active_limit("pair", 7000.0, client_id=self.client_80.id, debtor_id=d0.id)
        # d0: 10,000 capped at 7,000; d1: 3,000
        self.assertAlmostEqual(self.availability()["eligible"], 10000.0)
        item = self.env["account.move.line"].search([
            ("factoring_client_id", "=", self.client_80.id), ("name", "=", "EL-3")])
        item._factoring_set_hold("Disputed delivery", "manual")
        self.assertAlmostEqual(self.availability()["eligible"], 7000.0)

    def test_debtor_limit_shared_with_own_invoices(self):
        d0 = self.debtors[0]
        self.fund_80([self.line(1, d0, 6000.0)])
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": d0.id, "invoice_date": self.today,
            "invoice_line_ids": [Command.create({
                "name": "Own", "quantity": 1, "price_unit": 2000.0,
                "tax_ids": [Command.clear()]})]})
        move.action_post()
        self.active_limit("debtor", 4000.0, debtor_id=d0.id)
        # d0 owes 8,000 in all, 4,000 over its limit; the client's share of
        # the excess is 6/8 of it: 3,000, so 3,000 of its 6,000 are eligible
        self.assertAlmostEqual(self.availability()["eligible"], 3000.0)

    def test_age_and_cross_age(self):
        d0, d1 = self.debtors[:2]
        # d0: 1,000 of 20,000 aged (5 %, under the 10 % cross-age share)
        # d1: 3,000 of 20,000 aged (15 %): all of d1 is ineligible
        self.fund_80([
            self.line(1, d0, 19000.0), self.line(2, d0, 1000.0, age=120),
            self.line(3, d1, 17000.0), self.line(4, d1, 3000.0, age=100),
        ])
        self.assertAlmostEqual(self.availability()["eligible"], 19000.0)
        self.agreement_80.cross_age_percent = 0.0
        self.assertAlmostEqual(self.availability()["eligible"], 19000.0 + 17000.0)
