from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount, format_date

from odoo.addons.factoring_base.models.factoring_guard import guarded

from .common import LimitsCommon


@tagged("post_install", "-at_install")
class TestNoLimitNoFunding(LimitsCommon):
    """No limit means no funding, unless the company says otherwise: a line on
    a debtor without an active debtor or client x debtor limit fails
    verification and funding with the reason, and its items are not eligible."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.factoring_fund_without_limit = False

    def verify(self, lines):
        schedule = self.make_schedule(lines)
        schedule.action_verify()
        return schedule

    def test_default_is_not_allowed(self):
        company = self.env["res.company"].create({"name": "Fresh Factor"})
        self.assertFalse(company.factoring_fund_without_limit)

    def test_each_missing_limit_says_why(self):
        proposed = self.new_limit("debtor", 5000.0, debtor_id=self.debtor_b.id)
        proposed.with_user(self.users["client_manager"]).action_request()
        proposed.with_user(self.users["credit_analyst"]).action_propose()
        schedule = self.verify([
            {"invoice_number": "NL-1", "amount": 100.0},
            {"invoice_number": "NL-2", "amount": 100.0, "debtor_id": self.debtor_b.id},
        ])
        self.assertEqual(schedule.state, "draft")
        first, second = schedule.line_ids.sorted("sequence")
        self.assertEqual(first.check_message,
                         "no approved limit on debtor Grand Magasin SA: it has no limit")
        self.assertEqual(second.check_message,
                         "no approved limit on debtor Mode Express BV: its limit is only Proposed")
        self.assertIn("Mode Express BV: no approved limit on debtor Mode Express BV: its limit "
                      "is only Proposed", schedule.verification_note)

    def test_requested_scheduled_and_expired_limits(self):
        ended = self.active_limit("pair", 5000.0, date_to=date(2026, 9, 30))
        self.Limit._expire_ended(today=date(2026, 10, 1))
        self.assertEqual(ended.state, "expired")
        message = self.verify([{"invoice_number": "R-0"}]).line_ids.check_message
        self.assertEqual(message, "no approved limit on debtor Grand Magasin SA: its client x "
                         f"debtor limit expired on {format_date(self.env, date(2026, 10, 1))}")
        # a pending version says more than an ended one
        requested = self.new_limit("debtor", 5000.0)
        requested.with_user(self.users["client_manager"]).action_request()
        self.assertEqual(self.verify([{"invoice_number": "R-1"}]).line_ids.check_message,
                         "no approved limit on debtor Grand Magasin SA: its limit is only "
                         "Requested")
        later = date.today() + timedelta(days=10)
        scheduled = self.new_limit("debtor", 5000.0, debtor_id=self.debtor_b.id, date_from=later)
        self.activate(scheduled)
        self.assertEqual(scheduled.state, "approved")
        message = self.verify([{"invoice_number": "R-2", "debtor_id": self.debtor_b.id}]) \
            .line_ids.check_message
        self.assertEqual(message, "no approved limit on debtor Mode Express BV yet: its limit "
                         f"applies from {format_date(self.env, later)}")

    def test_an_active_debtor_or_pair_limit_is_enough(self):
        self.active_limit("pair", 5000.0)
        self.active_limit("debtor", 5000.0, debtor_id=self.debtor_b.id)
        schedule = self.verify([
            {"invoice_number": "A-1", "amount": 100.0},
            {"invoice_number": "A-2", "amount": 100.0, "debtor_id": self.debtor_b.id},
        ])
        self.assertEqual(schedule.state, "verified", schedule.verification_note)

    def test_setting_both_ways(self):
        lines = [{"invoice_number": "S-1", "amount": 100.0}]
        self.assertEqual(self.verify(lines).state, "draft")
        self.company.factoring_fund_without_limit = True
        allowed = self.verify([{"invoice_number": "S-2", "amount": 100.0}])
        self.assertEqual(allowed.state, "verified", allowed.verification_note)
        # the company changes its mind before funding: funding re-checks, the
        # schedule goes back to draft with the reason instead of staying verified
        self.company.factoring_fund_without_limit = False
        result = allowed.with_user(self.users["operations"]).action_fund()
        self.assertEqual(allowed.state, "draft")
        self.assertFalse(allowed.move_id)
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("it has no limit", result["params"]["message"])
        self.assertIn("it has no limit", allowed.line_ids.check_message)
        self.assertIn("Back to draft: funding refused", allowed.message_ids[0].body)

    def test_items_of_debtors_without_a_limit_are_not_eligible(self):
        self.company.factoring_fund_without_limit = True
        self.fund([{"invoice_number": "E-1", "amount": 4000.0},
                   {"invoice_number": "E-2", "amount": 1000.0, "debtor_id": self.debtor_b.id}])
        self.active_limit("debtor", 50000.0, debtor_id=self.debtor_b.id)
        Engine = self.env["factoring.limit.engine"]
        figures = Engine._availability(self.company, self.client.ids)[self.client.id]
        self.assertAlmostEqual(figures["eligible"], 5000.0, msg="allowed: both count")
        self.company.factoring_fund_without_limit = False
        figures = Engine._availability(self.company, self.client.ids)[self.client.id]
        self.assertAlmostEqual(figures["eligible"], 1000.0)
        self.assertAlmostEqual(figures["ineligible"]["no_limit"], 4000.0)
        client = self.client.with_context(allowed_company_ids=self.company.ids)
        self.assertAlmostEqual(client.factoring_eligible, 1000.0)
        self.assertIn("4,000.00", client.factoring_availability_detail)
        self.assertIn("on debtors without an approved limit", client.factoring_availability_detail)


@tagged("post_install", "-at_install")
class TestAvailabilityByEffect(LimitsCommon):
    """The limits' availability is base's one definition with the limits'
    rules: a hold counts by its effect (a promise-like hold that only stops
    dunning leaves the item eligible), and the client's tab shows the figure
    funding checks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fund([{"invoice_number": "H-1", "amount": 3000.0},
                  {"invoice_number": "H-2", "amount": 2000.0, "debtor_id": cls.debtor_b.id}])
        cls.items = cls.env["account.move.line"].search([
            ("factoring_client_id", "=", cls.client.id), ("name", "in", ["H-1", "H-2"])])

    def figures(self):
        return self.env["factoring.limit.engine"]._availability(
            self.company, self.client.ids)[self.client.id]

    def test_holds_by_effect(self):
        self.assertAlmostEqual(self.figures()["eligible"], 5000.0)
        promised = self.items.filtered(lambda rec: rec.name == "H-1")
        promised._factoring_set_hold("Promise to pay", "manual", makes_ineligible=False)
        self.assertTrue(promised.factoring_dunning_hold)
        self.assertFalse(promised.factoring_ineligible_hold)
        self.assertAlmostEqual(self.figures()["eligible"], 5000.0, msg="a promise stays eligible")
        disputed = self.items.filtered(lambda rec: rec.name == "H-2")
        disputed._factoring_set_hold("Disputed delivery", "manual")
        self.assertAlmostEqual(self.figures()["eligible"], 3000.0)
        self.assertAlmostEqual(self.figures()["ineligible"]["hold"], 2000.0)

    def test_tab_and_funding_read_the_same_figure(self):
        self.active_limit("debtor", 3500.0)
        self.items.filtered(lambda rec: rec.name == "H-2")._factoring_set_hold(
            "Disputed delivery", "manual")
        figures = self.figures()
        client = self.client.with_context(allowed_company_ids=self.company.ids)
        self.assertAlmostEqual(client.factoring_availability, figures["availability"])
        self.assertAlmostEqual(client.factoring_eligible, figures["eligible"])
        # funding a new schedule states the same availability before funding
        schedule = self.make_schedule([{"invoice_number": "H-3", "amount": 100.0}])
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified", schedule.verification_note)
        # borrowing base 3,000 x 90 % - funds in use 5,000 x 90 %
        self.assertAlmostEqual(client.factoring_availability, -1800.0)
        problems = schedule._factoring_funding_problems()
        before = format_amount(self.env, client.factoring_availability, self.eur)
        self.assertIn(f"availability before {before}", problems[0])


@tagged("post_install", "-at_install")
class TestFourEyesInWords(LimitsCommon):
    """Who may not decide a limit sees why; requester, proposer and approvers
    are different people; a proposal on a low-rated partner warns."""

    def reason(self, limit, role):
        return limit.with_user(self.users[role]).approval_blocked_reason

    def test_each_reason_in_words(self):
        limit = self.new_limit(user=self.users["credit_analyst"])
        limit.with_user(self.users["credit_analyst"]).action_request()
        self.assertIn("you requested it; another credit analyst must propose it",
                      self.reason(limit, "credit_analyst"))
        self.assertFalse(self.reason(limit, "analyst_2"))
        with self.assertRaisesRegex(UserError, "another credit analyst must propose it"):
            limit.with_user(self.users["credit_analyst"]).action_propose()
        limit.with_user(self.users["analyst_2"]).action_propose()
        self.assertIn("you requested it", self.reason(limit, "credit_analyst"))
        self.assertIn("you proposed it", self.reason(limit, "analyst_2"))
        self.assertFalse(self.reason(limit, "credit_manager"))
        self.assertTrue(limit.with_user(self.users["credit_manager"]).can_approve)
        self.assertIn("only credit analysts and credit managers",
                      self.reason(limit, "client_manager"))

        big = self.new_limit(amount=500000.0, debtor_id=self.debtor_b.id)
        self.activate(big, approvers=())
        reason = self.reason(big, "analyst_2")
        self.assertIn("is above your approval band", reason)
        self.assertIn("above 100,000.00 up to 1,000,000.00", reason)
        self.assertFalse(big.with_user(self.users["analyst_2"]).can_approve)
        with self.assertRaisesRegex(AccessError, "above your approval band"):
            big.with_user(self.users["analyst_2"]).action_approve()

        huge = self.new_limit(amount=2000000.0, debtor_id=self.debtor_b.id)
        self.activate(huge, approvers=("credit_manager",))
        self.assertIn("you have already approved it (1 of 2 approvals given)",
                      self.reason(huge, "credit_manager"))
        self.assertFalse(self.reason(huge, "credit_manager_2"))

    def test_requester_is_never_the_proposer(self):
        limit = self.new_limit(user=self.users["credit_analyst"])
        limit.with_user(self.users["credit_analyst"]).action_request()
        with self.assertRaises(UserError):
            limit.with_user(self.users["credit_analyst"]).action_propose()
        self.assertEqual(limit.state, "requested")
        # not even through a direct write of the trail (the model's own path)
        with self.assertRaisesRegex(ValidationError, "cannot also propose it"):
            guarded(limit).write({"proposer_id": self.users["credit_analyst"].id})

    def test_low_rating_warns_the_proposer(self):
        self.company.factoring_limit_warn_rating = "b"
        self.debtor_a.factoring_rating = "ccc"
        limit = self.new_limit()
        limit.with_user(self.users["client_manager"]).action_request()
        self.assertIn("is rated CCC - Very high risk, below B - High risk",
                      limit.with_user(self.users["credit_analyst"]).proposal_warning)
        result = limit.with_user(self.users["credit_analyst"]).action_propose()
        self.assertEqual(limit.state, "proposed", "a warning, not a block")
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("rated CCC", result["params"]["message"])
        self.assertIn("rated CCC", limit.message_ids[0].body)
        # a partner rated at the grade or better: no warning
        self.debtor_b.factoring_rating = "b"
        fine = self.new_limit(debtor_id=self.debtor_b.id)
        fine.with_user(self.users["client_manager"]).action_request()
        self.assertFalse(fine.proposal_warning)
        self.assertIs(fine.with_user(self.users["credit_analyst"]).action_propose(), True)
        # no grade set: never a warning
        self.company.factoring_limit_warn_rating = False
        limit.invalidate_recordset(["proposal_warning"])
        self.assertFalse(limit.proposal_warning)

    def test_bands_read_in_words(self):
        top = self.env.ref("factoring_limits.limit_rule_two_managers")
        self.assertEqual(top.amount_to, 0.0)
        self.assertEqual(top.band, "above 1,000,000.00, no upper bound")
        self.assertEqual(self.env.ref("factoring_limits.limit_rule_analyst").band,
                         "up to 100,000.00")


@tagged("post_install", "-at_install")
class TestClientLimitAtFunding(LimitsCommon):
    """Funding re-checks the client limit: past it, funding is refused with the
    figures; a credit manager may override with a reason, logged on the
    schedule and in the limit history; another person funds (four eyes)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fund([{"invoice_number": "CL-1", "amount": 5000.0}])   # 4,500 in use

    def test_refused_then_overridden(self):
        limit = self.active_limit("client", 10000.0)
        schedule = self.make_schedule(
            [{"invoice_number": "CL-2", "amount": 5000.0, "debtor_id": self.debtor_b.id}])
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified", schedule.verification_note)
        # a smaller client limit is approved before the schedule is funded
        smaller = self.active_limit("client", 8000.0)
        self.assertEqual(limit.state, "superseded")
        operations = self.users["operations"]
        with self.assertRaises(UserError) as caught:
            schedule.with_user(operations).action_fund()
        message = str(caught.exception)
        self.assertIn(f"past its client limit {smaller.display_name}", message)
        for figure in ("of 8,000.00", "funds in use 4,500.00", "advance 4,500.00",
                       "after funding 9,000.00", "1,000.00"):
            self.assertIn(figure, message)
        self.assertEqual(schedule.state, "verified", "overridable: it waits for a decision")

        Override = self.env["factoring.funding.override"]
        for role in ("operations", "credit_analyst", "client_manager"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                Override.with_user(self.users[role]).create(
                    {"schedule_id": schedule.id, "reason": "no"}).action_confirm()
        Override.with_user(self.users["credit_manager"]).create({
            "schedule_id": schedule.id,
            "reason": "Seasonal peak; the client limit increase is on its way."}).action_confirm()
        schedule.with_user(operations).action_fund()
        self.assertEqual(schedule.state, "funded")
        history = smaller.message_ids[0].body
        self.assertIn(f"Schedule {schedule.name} funded past this limit", history)
        self.assertIn(self.users["credit_manager"].name, history)
        self.assertIn("Seasonal peak", history)

    def test_the_overrider_does_not_fund(self):
        manager = self.users["credit_manager"]
        manager.group_ids |= self.env.ref("factoring_base.group_factoring_operations")
        self.active_limit("client", 10000.0)
        schedule = self.make_schedule(
            [{"invoice_number": "CL-3", "amount": 5000.0, "debtor_id": self.debtor_b.id}])
        schedule.action_verify()
        self.active_limit("client", 8000.0)
        self.env["factoring.funding.override"].with_user(manager).create({
            "schedule_id": schedule.id, "reason": "Seasonal peak"}).action_confirm()
        with self.assertRaisesRegex(UserError, "another person must fund it"):
            schedule.with_user(manager).action_fund()
        self.assertEqual(schedule.state, "verified")
