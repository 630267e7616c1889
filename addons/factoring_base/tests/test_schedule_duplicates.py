from datetime import date

from odoo import Command
from odoo.tests import tagged

from ..models.factoring_guard import guarded
from .common import FactoringCommon


@tagged("post_install", "-at_install")
class TestScheduleDuplicates(FactoringCommon):
    """The duplicate-invoice check matches a line with the lines of the same
    client and debtor whose normalised number (trimmed, upper case) is equal:
    within the schedule, or in another schedule that holds the invoice."""

    def test_other_schedule_matched_despite_case_and_spaces(self):
        first = self.make_schedule([{"invoice_number": "inv-77"}])
        first.action_verify()
        self.assertEqual(first.state, "verified")
        second = self.make_schedule([{"invoice_number": "  INV-77 "}, {"invoice_number": "INV-78"}])
        second.action_verify()
        self.assertEqual(second.state, "draft")
        held, free = second.line_ids.sorted("sequence")
        self.assertEqual(held.check_message,
                         f"invoice already assigned in schedule {first.name}")
        self.assertFalse(free.check_message)

    def test_same_number_of_another_debtor_in_other_schedule_is_fine(self):
        first = self.make_schedule([{"invoice_number": "SHARED-1"}])
        first.action_verify()
        second = self.make_schedule([
            {"invoice_number": "SHARED-1", "debtor_id": self.debtor_b.id}])
        second.action_verify()
        self.assertEqual(second.state, "verified")

    def test_same_number_and_debtor_of_another_client_is_fine(self):
        other_client = self.env["res.partner"].create({
            "name": "Other Client", "is_company": True, "is_factoring_client": True})
        other_agreement = self.env["factoring.agreement"].create({
            "client_id": other_client.id,
            "company_id": self.company.id,
            "currency_id": self.eur.id,
            "approved_debtor_ids": [Command.set([self.debtor_a.id])],
            "date_start": date(2026, 1, 1),
        })
        other_agreement.action_activate()
        theirs = self.make_schedule([{"invoice_number": "X-1"}], agreement=other_agreement)
        theirs.action_verify()
        self.assertEqual(theirs.state, "verified")
        ours = self.make_schedule([{"invoice_number": "X-1"}])
        ours.action_verify()
        self.assertEqual(ours.state, "verified")

    def test_several_schedules_and_duplicates_named_per_line(self):
        """Each line gets its own reasons, naming the schedule that holds its
        invoice; a line duplicated both inside and outside gets both; the other
        lines of a large schedule stay clean."""
        funded_numbers = self.make_schedule([{"invoice_number": "F-1"}])
        funded_numbers.action_verify()
        funded_numbers.action_fund()
        verified = self.make_schedule([{"invoice_number": "V-1"}])
        verified.action_verify()
        lines = [{"invoice_number": f"BULK-{i:04d}"} for i in range(300)]
        lines[10]["invoice_number"] = "f-1"
        lines[20]["invoice_number"] = "V-1"
        lines[30]["invoice_number"] = "BULK-0031"  # same as lines[31]
        lines[40]["invoice_number"] = "V-1 "  # inside twice and in `verified`
        schedule = self.make_schedule(lines)
        schedule.action_verify()
        self.assertEqual(schedule.state, "draft")
        by_seq = {line.sequence: line for line in schedule.line_ids}
        self.assertEqual(by_seq[11].check_message,
                         f"invoice already assigned in schedule {funded_numbers.name}")
        for seq in (21, 41):
            self.assertIn(f"invoice already assigned in schedule {verified.name}",
                          by_seq[seq].check_message)
            self.assertIn("duplicate invoice number within this schedule",
                          by_seq[seq].check_message)
        for seq in (31, 32):
            self.assertEqual(by_seq[seq].check_message,
                             "duplicate invoice number within this schedule")
        self.assertEqual(schedule.error_count, 5)

    def test_funding_ignores_verified_but_not_funded_schedules(self):
        """At funding time only funded schedules hold an invoice (of two
        schedules verified concurrently, the first one funded wins)."""
        first = self.make_schedule([{"invoice_number": "RACE-1"}])
        second = self.make_schedule([{"invoice_number": "RACE-1"}])
        first.action_verify()
        # as a concurrent transaction would have left it
        guarded(second).write({"state": "verified"})
        general, errors = second._get_verification_errors(funding=True)
        self.assertFalse(general)
        self.assertFalse(errors, "a verified schedule does not hold the invoice at funding")
        first.action_fund()
        general, errors = second._get_verification_errors(funding=True)
        self.assertEqual(errors, {second.line_ids.id: [
            f"invoice already assigned in schedule {first.name}"]})
