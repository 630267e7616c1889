from datetime import date
from unittest.mock import patch

from odoo.tests import tagged

from .common import FactoringCommon


@tagged("post_install", "-at_install")
class TestScheduleVerification(FactoringCommon):
    """Each verification rule rejects the line that breaks it, with its reason,
    and leaves the schedule in draft."""

    def assertRejected(self, schedule, line, reason):
        result = schedule.action_verify()
        self.assertEqual(schedule.state, "draft", "a failing schedule must stay draft")
        self.assertIn(reason, line.check_message or "")
        self.assertIn(reason, schedule.verification_note)
        self.assertEqual(result["tag"], "display_notification")
        return result

    def test_valid_schedule_is_verified(self):
        schedule = self.make_schedule([{}, {"debtor_id": self.debtor_b.id}])
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified")
        self.assertFalse(schedule.line_ids.filtered("check_message"))
        self.assertFalse(schedule.verification_note)

    def test_unknown_debtor(self):
        schedule = self.make_schedule([{}, {"debtor_id": False}])
        self.assertRejected(schedule, schedule.line_ids[1], "unknown debtor")
        self.assertFalse(schedule.line_ids[0].check_message, "good lines carry no error")

    def test_partner_not_a_debtor(self):
        schedule = self.make_schedule([{"debtor_id": self.not_debtor.id}])
        self.assertRejected(schedule, schedule.line_ids, "not a debtor")

    def test_debtor_not_approved(self):
        schedule = self.make_schedule([{"debtor_id": self.debtor_unapproved.id}])
        self.assertRejected(schedule, schedule.line_ids, "not approved on agreement")

    def test_duplicate_within_schedule(self):
        schedule = self.make_schedule([{"invoice_number": "A-1"}, {"invoice_number": "a-1 "}])
        self.assertRejected(schedule, schedule.line_ids[0], "duplicate invoice number")
        self.assertIn("duplicate invoice number", schedule.line_ids[1].check_message)

    def test_same_number_other_debtor_is_fine(self):
        schedule = self.make_schedule([
            {"invoice_number": "A-1"}, {"invoice_number": "A-1", "debtor_id": self.debtor_b.id}])
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified")

    def test_duplicate_of_earlier_schedule(self):
        first = self.make_schedule([{"invoice_number": "OLD-7"}])
        first.action_verify()
        self.assertEqual(first.state, "verified")
        second = self.make_schedule([{"invoice_number": "OLD-7"}])
        self.assertRejected(second, second.line_ids, f"already assigned in schedule {first.name}")

    def test_cancelled_schedule_does_not_block_number(self):
        first = self.make_schedule([{"invoice_number": "OLD-8"}])
        first.action_cancel()
        second = self.make_schedule([{"invoice_number": "OLD-8"}])
        second.action_verify()
        self.assertEqual(second.state, "verified")

    def test_due_before_invoice_date(self):
        schedule = self.make_schedule([
            {"invoice_date": date(2026, 9, 15), "due_date": date(2026, 9, 1)}])
        self.assertRejected(schedule, schedule.line_ids, "due date before invoice date")

    def test_non_positive_amount(self):
        schedule = self.make_schedule([{"amount": 0.0}, {"amount": -50.0}])
        self.assertRejected(schedule, schedule.line_ids[0], "amount must be positive")
        self.assertIn("amount must be positive", schedule.line_ids[1].check_message)

    def test_currency_mismatch(self):
        schedule = self.make_schedule([{"currency_id": self.usd.id}])
        self.assertRejected(schedule, schedule.line_ids, "currency differs")

    def test_agreement_not_active(self):
        schedule = self.make_schedule([{}])
        self.agreement.action_suspend()
        schedule.action_verify()
        self.assertEqual(schedule.state, "draft")
        self.assertIn("is not active", schedule.verification_note)

    def test_one_bad_line_blocks_all(self):
        lines = [{} for _i in range(5)] + [{"amount": -1.0}]
        for index, line in enumerate(lines):
            line["invoice_number"] = f"BATCH-{index}"
        schedule = self.make_schedule(lines)
        schedule.action_verify()
        self.assertEqual(schedule.state, "draft")
        self.assertEqual(schedule.error_count, 1)
        self.assertIn("Line 6", schedule.verification_note)

    def test_fixed_line_passes_second_time(self):
        schedule = self.make_schedule([{"amount": -5.0}])
        schedule.action_verify()
        self.assertTrue(schedule.line_ids.check_message)
        schedule.line_ids.amount = 500.0
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified")
        self.assertFalse(schedule.line_ids.check_message, "old errors are cleared")

    def test_two_drafts_earlier_one_proceeds(self):
        earlier = self.make_schedule([{"invoice_number": "TWIN-1"}])
        later = self.make_schedule([{"invoice_number": "TWIN-1"}])
        self.assertRejected(later, later.line_ids, f"already assigned in schedule {earlier.name}")
        earlier.action_verify()
        self.assertEqual(earlier.state, "verified", "the later draft does not block the earlier one")


@tagged("post_install", "-at_install")
class TestVerificationChecks(FactoringCommon):
    """Verification is a list of named checks that an addon extends."""

    def test_default_checks(self):
        schedule = self.make_schedule([{}])
        # base's own checks come first; installed addons append theirs
        self.assertEqual(
            schedule._factoring_verification_checks()[:4],
            ["agreement", "line_values", "approved_debtors", "duplicates"])
        for name in schedule._factoring_verification_checks()[:4]:
            general, errors = getattr(schedule, f"_verify_{name}")(funding=False)
            self.assertEqual((general, dict(errors)), ([], {}), name)

    def test_added_check_blocks_verification_and_funding(self):
        """An extra check (as an addon would add with super()) names its lines,
        keeps the schedule draft, and runs again at funding time."""
        Schedule = type(self.env["factoring.schedule"])
        calls = []

        def checks(schedule):
            return ["agreement", "line_values", "approved_debtors", "duplicates", "big"]

        def verify_big(schedule, funding=False):
            calls.append(funding)
            big = schedule.line_ids.filtered(lambda rec: rec.amount > 5000)
            general = ["too big overall"] if big else []
            return general, {line.id: ["over 5,000"] for line in big}

        schedule = self.make_schedule([{}, {"amount": 6000.0, "invoice_number": "BIG-1"}])
        with patch.object(Schedule, "_factoring_verification_checks", checks, create=True), \
                patch.object(Schedule, "_verify_big", verify_big, create=True):
            schedule.action_verify()
            self.assertEqual(schedule.state, "draft")
            big_line = schedule.line_ids.filtered(lambda rec: rec.invoice_number == "BIG-1")
            self.assertEqual(big_line.check_message, "over 5,000")
            self.assertIn("too big overall", schedule.verification_note)
            big_line.amount = 100.0
            schedule.action_verify()
            self.assertEqual(schedule.state, "verified")
            schedule.action_fund()
        self.assertEqual(calls, [False, False, True])
        self.assertEqual(schedule.state, "funded")
