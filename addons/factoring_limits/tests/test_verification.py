from datetime import date

from odoo.tests import tagged

from .common import LimitsCommon


@tagged("post_install", "-at_install")
class TestLimitVerification(LimitsCommon):
    """The limits check of schedule verification: lines cumulated in the
    schedule's order against pair, debtor and client headroom and the maximum
    concentration."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fund([{"invoice_number": "V-1", "amount": 3000.0},
                  {"invoice_number": "V-2", "debtor_id": cls.debtor_b.id, "amount": 2000.0}])

    def verify(self, lines):
        schedule = self.make_schedule(lines)
        schedule.action_verify()
        return schedule

    def test_no_limit_no_check(self):
        schedule = self.verify([{"invoice_number": "N-1", "amount": 900000.0}])
        self.assertEqual(schedule.state, "verified")

    def test_debtor_headroom_cumulated(self):
        limit = self.active_limit("debtor", 5000.0)
        schedule = self.verify([
            {"invoice_number": "D-1", "amount": 1000.0},
            {"invoice_number": "D-2", "amount": 1500.0},
            {"invoice_number": "D-3", "amount": 100.0, "debtor_id": self.debtor_b.id},
        ])
        self.assertEqual(schedule.state, "draft")
        first, second, third = schedule.line_ids.sorted("sequence")
        self.assertFalse(first.check_message)
        self.assertFalse(third.check_message)
        self.assertIn("debtor limit", second.check_message)
        self.assertIn(limit.display_name, second.check_message)
        self.assertRegex(second.check_message, r"utilisation .*3,000\.00")
        self.assertRegex(second.check_message, r"plus .*2,500\.00")
        self.assertRegex(second.check_message, r"headroom .*2,000\.00")

    def test_pair_limit(self):
        self.active_limit("pair", 3500.0)
        schedule = self.verify([{"invoice_number": "P-1", "amount": 400.0},
                                {"invoice_number": "P-2", "amount": 400.0}])
        first, second = schedule.line_ids.sorted("sequence")
        self.assertFalse(first.check_message)
        self.assertIn("client x debtor limit", second.check_message)

    def test_client_funds_in_use(self):
        # funds in use: 5,000 x 90 % = 4,500; limit 6,000: 1,500 of advance left
        self.active_limit("client", 6000.0)
        schedule = self.verify([
            {"invoice_number": "C-1", "amount": 1000.0, "debtor_id": self.debtor_b.id},
            {"invoice_number": "C-2", "amount": 1000.0, "debtor_id": self.debtor_b.id},
        ])
        first, second = schedule.line_ids.sorted("sequence")
        self.assertFalse(first.check_message)
        self.assertIn("client limit (funds in use)", second.check_message)
        self.assertRegex(second.check_message, r"plus .*1,800\.00")

    def test_verified_lines_of_other_schedules_count(self):
        self.active_limit("debtor", 5000.0)
        first = self.verify([{"invoice_number": "O-1", "amount": 1500.0}])
        self.assertEqual(first.state, "verified")
        second = self.verify([{"invoice_number": "O-2", "amount": 1000.0}])
        self.assertEqual(second.state, "draft")
        self.assertRegex(second.line_ids.check_message, r"utilisation .*4,500\.00")
        # at funding only what is funded counts: the first one funds
        first.action_fund()
        self.assertEqual(first.state, "funded")

    def test_concentration_for_clients_under_a_client_limit(self):
        # open: A 3,000, B 2,000 (60 % on A = the agreement's maximum)
        schedule = self.verify([{"invoice_number": "K-1", "amount": 1000.0}])
        self.assertEqual(schedule.state, "verified", "no client limit: not checked")
        schedule.action_reset_draft()
        schedule.action_cancel()
        self.active_limit("client", 100000.0)
        schedule = self.verify([{"invoice_number": "K-2", "amount": 1000.0}])
        self.assertEqual(schedule.state, "draft")
        self.assertIn("concentration of Grand Magasin SA reaches 66.7 %",
                      schedule.line_ids.check_message)
        self.assertIn("maximum of 60 %", schedule.line_ids.check_message)
        self.assertNotIn("%%", schedule.line_ids.check_message)
        self.assertIn("66.7 % of Tissages du Nord", schedule.line_ids.check_message)
        balanced = self.verify([
            {"invoice_number": "K-3", "amount": 1000.0},
            {"invoice_number": "K-4", "amount": 2000.0, "debtor_id": self.debtor_b.id}])
        self.assertEqual(balanced.state, "verified", balanced.verification_note)

    def test_foreign_currency_limit(self):
        self.env["res.currency.rate"].create({
            "currency_id": self.usd.id, "company_id": self.company.id,
            "name": date(2026, 1, 1), "rate": 2.0})
        limit = self.active_limit("debtor", 8000.0, currency_id=self.usd.id)
        self.assertAlmostEqual(limit.amount_company, 4000.0)
        schedule = self.verify([{"invoice_number": "F-1", "amount": 1500.0}])
        self.assertIn("debtor limit", schedule.line_ids.check_message)
        self.assertEqual(schedule.line_ids.debtor_id, self.debtor_a)
