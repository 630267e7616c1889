from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import LimitsCommon


@tagged("post_install", "-at_install")
class TestLimitLifecycle(LimitsCommon):

    def test_request_propose_approve_supersede(self):
        first = self.active_limit(amount=10000.0)
        self.assertEqual(first.requester_id, self.users["client_manager"])
        self.assertEqual(first.proposer_id, self.users["credit_analyst"])
        self.assertEqual(first.approval_ids.user_id, self.users["analyst_2"])
        self.assertEqual(first.version, 1)
        self.assertTrue(first.approved_date)
        second = self.active_limit(amount=20000.0)
        self.assertEqual(second.version, 2)
        self.assertEqual(first.state, "superseded")
        self.assertEqual(first.end_date, self.company._factoring_today())
        self.assertEqual(second.previous_id, first)
        # Odoo's own credit limit follows the active debtor limit
        debtor = self.debtor_a.with_company(self.company)
        self.assertEqual(debtor.credit_limit, 20000.0)
        self.assertTrue(debtor.use_partner_credit_limit)

    def test_nobody_approves_own_request_or_proposal(self):
        limit = self.new_limit(user=self.users["credit_analyst"])
        limit.with_user(self.users["credit_analyst"]).action_request()
        limit.with_user(self.users["analyst_2"]).action_propose()
        for role in ("credit_analyst", "analyst_2"):
            with self.subTest(role=role), self.assertRaisesRegex(
                    AccessError, "you (requested|proposed) it; someone who neither"):
                limit.with_user(self.users[role]).action_approve()
        self.assertEqual(limit.state, "proposed")
        self.assertFalse(limit.with_user(self.users["analyst_2"]).can_approve)
        self.assertTrue(limit.with_user(self.users["credit_manager"]).can_approve)
        limit.with_user(self.users["credit_manager"]).action_approve()
        self.assertEqual(limit.state, "active")

    def test_band_and_two_approvers(self):
        big = self.new_limit(amount=500000.0)
        big.with_user(self.users["client_manager"]).action_request()
        big.with_user(self.users["credit_analyst"]).action_propose()
        self.assertEqual(big.rule_id, self.env.ref("factoring_limits.limit_rule_credit_manager"))
        with self.assertRaisesRegex(AccessError, "above your approval band"):
            big.with_user(self.users["analyst_2"]).action_approve()
        to_approve = self.Limit.with_user(self.users["analyst_2"]).search(
            [("can_approve", "=", True)])
        self.assertNotIn(big, to_approve)
        self.assertIn(big, self.Limit.with_user(self.users["credit_manager"]).search(
            [("can_approve", "=", True)]))
        huge = self.new_limit(amount=2000000.0, debtor_id=self.debtor_b.id)
        self.activate(huge, approvers=("credit_manager",))
        self.assertEqual(huge.state, "proposed", "one of two approvals")
        with self.assertRaisesRegex(UserError, "already approved"):
            huge.with_user(self.users["credit_manager"]).action_approve()
        huge.with_user(self.users["credit_manager_2"]).action_approve()
        self.assertEqual(huge.state, "active")
        self.assertEqual(len(huge.approval_ids), 2)

    def test_bad_input(self):
        """Each refused with a message naming the limit; nothing written."""
        cases = [
            ({"amount": 0.0}, ValidationError, "amount must be positive"),
            ({"amount": -5.0}, ValidationError, "amount must be positive"),
            ({"date_from": date(2026, 6, 1), "date_to": date(2026, 5, 1)},
             ValidationError, "before the start"),
            ({"currency_id": False}, ValidationError, "currency is required"),
            ({"is_temporary": True}, ValidationError, "temporary limit needs an end"),
            ({"scope": "pair", "debtor_id": self.debtor_unapproved.id}, ValidationError,
             "Unapproved Retail is not a debtor of Tissages du Nord"),
        ]
        for vals, error, message in cases:
            with self.subTest(vals=vals):
                scope = vals.pop("scope", "debtor")
                with self.assertRaises(error) as caught:
                    self.new_limit(scope, **vals)
                self.assertIn(message, str(caught.exception))
                self.assertIn("Limit ", str(caught.exception))
        self.assertFalse(self.Limit.search([("company_id", "=", self.company.id)]))

    def test_dates_in_messages_follow_the_users_format(self):
        """The dates of a refusal read as the user writes them, not ISO."""
        lang = self.env["res.lang"]._activate_lang("fr_FR")
        lang.date_format = "%d/%m/%Y"
        Limit = self.Limit.with_user(self.users["client_manager"]).with_context(lang="fr_FR")
        with self.assertRaises(ValidationError) as caught:
            Limit.create({
                "scope": "debtor", "amount": 10000.0, "currency_id": self.eur.id,
                "company_id": self.company.id, "debtor_id": self.debtor_a.id,
                "date_from": date(2026, 6, 1), "date_to": date(2026, 5, 1),
                "reason": "Growing business"})
        message = str(caught.exception)
        self.assertIn("01/05/2026", message)
        self.assertIn("01/06/2026", message)
        self.assertNotIn("2026-05-01", message)

    def test_reject_needs_reason(self):
        limit = self.new_limit()
        limit.with_user(self.users["client_manager"]).action_request()
        with self.assertRaisesRegex(UserError, "reason"):
            limit.with_user(self.users["credit_analyst"]).action_reject("  ")
        limit.with_user(self.users["credit_analyst"]).action_reject("Debtor in default")
        self.assertEqual(limit.state, "rejected")
        self.assertEqual(limit.rejection_reason, "Debtor in default")
        self.assertEqual(limit.rejected_user_id, self.users["credit_analyst"])

    def test_new_version_is_a_draft_copy(self):
        first = self.active_limit(amount=10000.0, review_date=date(2026, 12, 1))
        action = first.with_user(self.users["client_manager"]).action_new_version()
        new = self.Limit.browse(action["res_id"])
        self.assertEqual((new.state, new.version, new.amount), ("draft", 2, 10000.0))
        self.assertFalse(new.requester_id or new.approval_ids or new.reason)
        new.with_user(self.users["client_manager"]).write(
            {"amount": 12000.0, "reason": "More orders"})
        self.activate(new)
        self.assertEqual(first.state, "superseded")
        self.assertEqual(new.previous_id, first)
        with self.assertRaises(AccessError):
            new.with_user(self.users["client_manager"]).write({"review_date": date(2027, 1, 1)})
        new.with_user(self.users["credit_analyst"]).write({"review_date": date(2027, 1, 1)})
