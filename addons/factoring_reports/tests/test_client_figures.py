from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import ReportsCommon


@tagged("post_install", "-at_install")
class TestClientFigures(ReportsCommon):
    """The aging, DSO, DBT and Herfindahl figures on the client's one screen,
    relative to today (T). Client Filature Sud, schedule funded on T-40:
      X1 debtor A 1,000 due T-10 (1-30 days past due)
      X2 debtor B 3,000 due T+20 (not due)
      X3 debtor A 2,000 due T-15, paid in full on T-5 (10 days late)
    Client, last 90 days: sales 6,000, ending AR 4,000: DSO 4,000 / 6,000 x 90 = 60;
    DBT 10; Herfindahl (1/4)^2 + (3/4)^2 = 0.625.
    Debtor A: sales 3,000, ending 1,000: DSO 30, DBT 10."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = cls.company._factoring_today()
        cls.today = today
        cls.client2 = cls.env["res.partner"].create({
            "name": "Filature Sud", "is_company": True, "is_factoring_client": True})
        agreement = cls.env["factoring.agreement"].create({
            "client_id": cls.client2.id,
            "company_id": cls.company.id,
            "currency_id": cls.eur.id,
            "advance_rate": 80.0,
            "approved_debtor_ids": [Command.set([cls.debtor_a.id, cls.debtor_b.id])],
            "date_start": today - timedelta(days=365),
        })
        agreement.action_activate()
        invoice_date = today - timedelta(days=45)
        schedule = cls.make_schedule([
            {"invoice_number": "X1", "amount": 1000.0, "invoice_date": invoice_date,
             "due_date": today - timedelta(days=10)},
            {"invoice_number": "X2", "amount": 3000.0, "debtor_id": cls.debtor_b.id,
             "invoice_date": invoice_date, "due_date": today + timedelta(days=20)},
            {"invoice_number": "X3", "amount": 2000.0, "invoice_date": invoice_date,
             "due_date": today - timedelta(days=15)},
        ], agreement=agreement, schedule_date=today - timedelta(days=40))
        schedule.action_verify()
        schedule.action_fund()
        x3 = schedule.line_ids.filtered(lambda line: line.invoice_number == "X3").move_line_id
        cls.pay(x3, 2000, today - timedelta(days=5))

    def test_client_figures(self):
        client = self.client2.with_user(self.manager)
        self.assertAlmostEqual(client.factoring_dso, 60.0, places=1)
        self.assertAlmostEqual(client.factoring_dbt, 10.0, places=1)
        self.assertAlmostEqual(client.factoring_herfindahl, 0.625, places=3)
        # the figures' formulas with the client's inputs, as shown under them
        self.assertIn("4,000.00 ÷ 6,000.00 × 90 = 60.0", client.factoring_kpi_detail)
        self.assertIn("20,000.00 ÷ 2,000.00 (paid items: 1) = 10.00", client.factoring_kpi_detail)
        html = str(client.factoring_aging_html)
        self.assertIn("Not due", html)
        self.assertIn("3,000.00", html)
        self.assertIn("1-30", html)
        self.assertIn("1,000.00", html)

    def test_debtor_figures(self):
        debtor = self.debtor_a.with_user(self.manager)
        self.assertAlmostEqual(debtor.factoring_dso, 30.0, places=1)
        self.assertAlmostEqual(debtor.factoring_dbt, 10.0, places=1)
        self.assertEqual(debtor.factoring_herfindahl, 0.0)

    def test_every_role_reads_the_same_figures(self):
        """The screen shows the client as a whole, whoever opens it."""
        expected = self.client2._factoring_figure_values()[self.client2.id]
        self.assertAlmostEqual(expected["factoring_dso"], 60.0, places=1)
        for role, user in self.users.items():
            with self.subTest(role=role):
                self.assertEqual(
                    self.client2.with_user(user)._factoring_figure_values()[self.client2.id],
                    expected)

    def test_figures_are_in_the_hook_and_on_the_form(self):
        figures = self.env["res.partner"]._factoring_figure_fields()
        for name in ("factoring_aging_html", "factoring_dso", "factoring_dbt",
                     "factoring_herfindahl"):
            self.assertIn(("factoring_figures_reports", name), figures)
