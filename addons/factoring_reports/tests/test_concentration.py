from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import ReportsCommon


@tagged("post_install", "-at_install")
class TestConcentration(ReportsCommon):
    """Client Tissages du Nord: debtor A 4,000 + 2,000 open, debtor B 3,000 open
    (and 1,000 paid, which does not count). Second client Filature Sud: debtor A
    1,000 open.
      Tissages: A 6,000 / 9,000 = 66.67 %, B 33.33 %; Herfindahl
          (2/3)^2 + (1/3)^2 = 5/9 = 0.5556
      Filature: A 100 %, Herfindahl 1
      Portfolio 10,000: debtor A 7,000 = 70 %, debtor B 30 %."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fund([
            {"invoice_number": "C-1", "amount": 4000.0},
            {"invoice_number": "C-2", "amount": 2000.0},
            {"invoice_number": "C-3", "debtor_id": cls.debtor_b.id, "amount": 3000.0},
            {"invoice_number": "C-4", "debtor_id": cls.debtor_b.id, "amount": 1000.0},
        ], schedule_date=date(2026, 10, 1))
        paid = cls.env["account.move.line"].search([
            ("factoring_schedule_line_id.invoice_number", "=", "C-4"),
            ("factoring_client_id", "=", cls.client.id)])
        cls.pay(paid, 1000, date(2026, 10, 20))
        cls.client2 = cls.env["res.partner"].create({
            "name": "Filature Sud", "is_company": True, "is_factoring_client": True})
        agreement2 = cls.env["factoring.agreement"].create({
            "client_id": cls.client2.id,
            "company_id": cls.company.id,
            "currency_id": cls.eur.id,
            "advance_rate": 80.0,
            "approved_debtor_ids": [Command.set([cls.debtor_a.id])],
            "date_start": date(2026, 1, 1),
        })
        agreement2.action_activate()
        schedule = cls.make_schedule(
            [{"invoice_number": "F-1", "amount": 1000.0}], agreement=agreement2,
            schedule_date=date(2026, 10, 2))
        schedule.action_verify()
        schedule.action_fund()

    def report(self, user=None):
        return self.env["factoring.concentration.report"].with_user(user or self.manager)

    def test_shares_and_herfindahl(self):
        rows = {(r.client_id, r.debtor_id): r for r in self.report().search([])}
        self.assertEqual(set(rows), {
            (self.client, self.debtor_a), (self.client, self.debtor_b),
            (self.client2, self.debtor_a)})
        a = rows[self.client, self.debtor_a]
        self.assertEqual((a.item_count, a.open_amount, a.client_open_amount), (2, 6000, 9000))
        self.assertAlmostEqual(a.share, 200 / 3, places=2)
        self.assertAlmostEqual(rows[self.client, self.debtor_b].share, 100 / 3, places=2)
        self.assertEqual(rows[self.client2, self.debtor_a].share, 100)
        # Herfindahl per client: the sum of the squared shares
        hhi = dict(self.report()._read_group([], ["client_id"], ["herfindahl:sum"]))
        self.assertAlmostEqual(hhi[self.client], 5 / 9, places=4)
        self.assertAlmostEqual(hhi[self.client2], 1.0, places=4)

    def test_top_debtors_of_the_portfolio(self):
        groups = self.report()._read_group(
            [], ["debtor_id"], ["open_amount:sum", "portfolio_share:sum"],
            order="open_amount:sum desc")
        self.assertEqual([(d, amount) for d, amount, _share in groups], [
            (self.debtor_a, 7000), (self.debtor_b, 3000)])
        self.assertAlmostEqual(groups[0][2], 70.0, places=2)
        self.assertAlmostEqual(groups[1][2], 30.0, places=2)

    def test_client_manager_and_collector_see_their_portfolio(self):
        # the client manager manages Tissages only; the collector collects debtor A
        rows = self.report(self.users["client_manager"]).search([])
        self.assertEqual(rows.client_id, self.client)
        rows = self.report(self.users["collector"]).search([])
        self.assertEqual(rows.debtor_id, self.debtor_a)
        self.assertEqual(len(rows), 2)
