from datetime import date, timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount

from .common import LimitsCommon


@tagged("post_install", "-at_install")
class TestDaily(LimitsCommon):
    """The daily run: reviews, expiry and fall-back of temporary limits,
    expiring credit documents; every step idempotent."""

    def activities(self, records, xmlid):
        return self.env["mail.activity"].search([
            ("res_model", "=", records._name), ("res_id", "in", records.ids),
            ("activity_type_id", "=", self.env.ref(xmlid).id)])

    def test_review_date_gives_the_analyst_one_activity(self):
        self.debtor_a.factoring_credit_analyst_id = self.users["credit_analyst"]
        limit = self.active_limit("debtor", 5000.0, review_date=date(2026, 6, 30))
        self.Limit._schedule_reviews(today=date(2026, 6, 29))
        self.assertFalse(self.activities(limit, "factoring_limits.mail_activity_limit_review"))
        for _run in range(2):
            self.Limit._schedule_reviews(today=date(2026, 6, 30))
        activity = self.activities(limit, "factoring_limits.mail_activity_limit_review")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.users["credit_analyst"])

    def test_expiry_tells_the_client_manager_and_temporary_falls_back(self):
        base = self.active_limit("client", 50000.0)
        temporary = self.active_limit("client", 80000.0, is_temporary=True,
                                      date_to=date(2026, 12, 31))
        self.assertEqual(base.state, "superseded")
        self.Limit._expire_ended(today=date(2026, 12, 31))
        self.assertEqual(temporary.state, "active", "still valid on its last day")
        self.Limit._expire_ended(today=date(2027, 1, 1))
        self.Limit._expire_ended(today=date(2027, 1, 2))
        self.assertEqual(temporary.state, "expired")
        self.assertEqual(base.state, "active", "back to the version it superseded")
        activity = self.activities(temporary, "factoring_limits.mail_activity_limit_expired")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.users["client_manager"])
        figures = self.env["factoring.limit.engine"]._limits_in_force(
            self.company, client_ids=self.client.ids)
        self.assertEqual(figures[("client", self.client.id, 0)], (base.id, 50000.0))

    def test_cron_runs(self):
        self.Limit._cron_daily()

    def test_documents_expiring_and_required_for_large_debtor_limits(self):
        self.debtor_a.factoring_credit_analyst_id = self.users["credit_analyst"]
        Document = self.env["factoring.credit.document"]
        with self.assertRaises(ValidationError) as caught:
            Document.create({"name": "Report", "doc_type": "agency_report",
                             "partner_id": self.debtor_a.id})
        self.assertIn("Report: an expiry date is required for a document of type Agency Credit Report",
                      str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            Document.create({"name": "Report", "doc_type": "agency_report",
                             "partner_id": self.debtor_a.id, "date": date(2026, 5, 1),
                             "expiry_date": date(2026, 4, 1)})
        self.assertIn("before its date", str(caught.exception))
        self.assertFalse(Document.search([("partner_id", "=", self.debtor_a.id)]))
        self.company.factoring_limit_document_amount = 200000.0
        big = self.new_limit(amount=300000.0)
        big.with_user(self.users["client_manager"]).action_request()
        big.with_user(self.users["credit_analyst"]).action_propose()
        with self.assertRaisesRegex(UserError, "agency report or financial statements"):
            big.with_user(self.users["credit_manager"]).action_approve()
        today = self.company._factoring_today()
        report = Document.create({
            "name": "Agency report", "doc_type": "agency_report",
            "partner_id": self.debtor_a.id, "date": today - timedelta(days=300),
            "expiry_date": today + timedelta(days=10), "company_id": self.company.id})
        big.with_user(self.users["credit_manager"]).action_approve()
        self.assertEqual(big.state, "active")
        self.assertEqual(report.state, "expiring")
        for _run in range(2):
            Document._schedule_expiry_activities(today=today)
        activity = self.activities(report, "factoring_limits.mail_activity_document_expiring")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.users["credit_analyst"])
        self.assertIn(report, Document.search([("state", "=", "expiring")]))

    def test_insurance_warning_and_uninsured_exposure(self):
        self.fund([{"invoice_number": "INS-1", "amount": 8000.0}])
        self.env["factoring.credit.insurance"].create({
            "partner_id": self.debtor_a.id, "insurer_id": self.debtor_b.id,
            "policy_number": "POL-1", "insured_amount": 5000.0, "cover_percent": 90.0,
            "date_from": date(2026, 1, 1), "date_to": self.company._factoring_today() + timedelta(days=30),
            "company_id": self.company.id})
        limit = self.new_limit(amount=10000.0)
        limit.with_user(self.users["client_manager"]).action_request()
        limit.with_user(self.users["credit_analyst"]).action_propose()
        result = limit.with_user(self.users["analyst_2"]).action_approve()
        self.assertEqual(limit.state, "active")
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("above the debtor's insured amount", result["params"]["message"])
        debtor = self.debtor_a.with_context(allowed_company_ids=self.company.ids)
        self.assertAlmostEqual(debtor.factoring_insured_amount, 5000.0)
        # exposure 8,000; insured part min(8,000, 5,000) x 90 % = 4,500
        self.assertAlmostEqual(debtor.factoring_uninsured_exposure, 3500.0)

    def insure(self, amount, **vals):
        return self.env["factoring.credit.insurance"].create({
            "partner_id": self.debtor_a.id, "insurer_id": self.debtor_b.id,
            "policy_number": "POL-2", "insured_amount": amount, "cover_percent": 90.0,
            "date_from": date(2026, 1, 1), "date_to": self.company._factoring_today() + timedelta(days=30),
            "company_id": self.company.id, **vals})

    def approve(self, limit):
        limit.with_user(self.users["client_manager"]).action_request()
        limit.with_user(self.users["credit_analyst"]).action_propose()
        return limit.with_user(self.users["analyst_2"]).action_approve()

    def test_no_insurance_warning_without_cover_or_within_it(self):
        # no cover at all: nothing is exceeded, no warning
        uninsured = self.new_limit(amount=10000.0)
        self.assertIs(self.approve(uninsured), True)
        self.assertEqual(uninsured.state, "active")
        self.assertFalse(uninsured.message_ids.filtered(
            lambda msg: "insured amount" in (msg.body or "")))
        # a cover of 12,000: a limit of 12,000 is within it, one of 12,001 above
        self.insure(12000.0)
        within = self.new_limit(amount=12000.0)
        self.assertIs(self.approve(within), True)
        above = self.new_limit(amount=12001.0)
        result = self.approve(above)
        self.assertIn("above the debtor's insured amount", result["params"]["message"])
        self.assertIn(f"{format_amount(self.env, 1.0, self.company.currency_id)} is not insured",
                      result["params"]["message"])
        # a cover that ended yesterday covers nothing any more: no warning either
        self.env["factoring.credit.insurance"].search(
            [("partner_id", "=", self.debtor_a.id)]).date_to = self.company._factoring_today() - timedelta(days=1)
        later = self.new_limit(amount=50000.0)
        self.assertIs(self.approve(later), True)

    def test_future_limit_waits_for_its_start_date(self):
        today = self.company._factoring_today()
        current = self.active_limit("debtor", 10000.0)
        start = today + timedelta(days=10)
        future = self.new_limit(amount=25000.0, date_from=start)
        self.approve(future)
        self.assertEqual(future.state, "approved", "approved but not yet valid")
        self.assertTrue(future.approved_date)
        self.assertEqual(current.state, "active", "the version in force stays active")
        figures = self.env["factoring.limit.engine"]._limits_in_force(
            self.company, debtor_ids=self.debtor_a.ids)
        self.assertEqual(figures[("debtor", 0, self.debtor_a.id)], (current.id, 10000.0))
        # the day before its start: nothing happens
        self.assertFalse(self.Limit._activate_scheduled(today=start - timedelta(days=1)))
        self.assertEqual(future.state, "approved")
        # on its start date the daily run activates it and supersedes the old one
        for _run in range(2):
            self.Limit._activate_scheduled(today=start)
        self.assertEqual(future.state, "active")
        self.assertEqual(current.state, "superseded")
        self.assertEqual(current.end_date, start)
        self.assertEqual(future.previous_id, current)
        self.assertEqual(self.debtor_a.with_company(self.company).credit_limit, 25000.0)
        self.assertEqual(len(future.message_ids.filtered(
            lambda msg: "is now the active limit" in (msg.body or ""))), 1,
            "activated once however often the run goes")
        figures = self.env["factoring.limit.engine"]._limits_in_force(
            self.company, debtor_ids=self.debtor_a.ids)
        self.assertEqual(figures[("debtor", 0, self.debtor_a.id)], (future.id, 25000.0))

    def test_two_scheduled_versions_latest_start_wins(self):
        today = self.company._factoring_today()
        first = self.new_limit(amount=20000.0, date_from=today + timedelta(days=5))
        second = self.new_limit(amount=30000.0, date_from=today + timedelta(days=8))
        self.approve(first)
        self.approve(second)
        self.assertEqual((first | second).mapped("state"), ["approved", "approved"])
        # the run missed a few days: both are due, the later start wins
        self.Limit._activate_scheduled(today=today + timedelta(days=9))
        self.assertEqual(first.state, "superseded")
        self.assertEqual(second.state, "active")
        self.assertEqual(second.previous_id, first)

    def test_limit_valid_from_today_is_active_at_once(self):
        limit = self.new_limit(amount=15000.0, date_from=self.company._factoring_today())
        self.approve(limit)
        self.assertEqual(limit.state, "active")
