"""Smoke test of the schedule benchmark (tests/benchmarks/bench_schedule.py).

It runs the benchmark's own set-up and measured steps on a small schedule and
checks their functional outcome, never their timings: `make test` proves the
benchmark still works, `make bench` measures it.
"""
import os
import sys

from odoo.tests import TransactionCase

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_schedule  # noqa: E402

LINES = 200
DEBTORS = 20


class TestBenchSmoke(TransactionCase):

    def test_steps_fund_the_generated_schedule(self):
        prepared = bench_schedule.prepare(self.env, lines=LINES, debtors=DEBTORS)
        schedule = prepared.schedule
        self.assertEqual(schedule.state, "draft")
        self.assertFalse(schedule.line_ids, "the lines come from the import step")
        self.assertEqual(prepared.agreement.approved_debtor_ids, prepared.debtors)
        self.assertEqual(len(set(prepared.debtors.mapped("vat"))), DEBTORS)

        results = bench_schedule.run_steps(prepared)

        self.assertEqual(list(results), ["import", "verify", "fund"])
        for step, measurement in results.items():
            self.assertGreater(measurement.seconds, 0.0, step)
            self.assertGreater(measurement.rss_peak_mb, 0.0, step)
            self.assertGreaterEqual(measurement.rss_peak_mb, measurement.rss_start_mb, step)
            self.assertGreaterEqual(measurement.rss_growth_mb, 0.0, step)
            self.assertTrue(measurement.detail, step)

        # every row of the generated file became a line, spread over every debtor
        lines = schedule.line_ids
        self.assertEqual(len(lines), LINES)
        self.assertEqual(lines.debtor_id, prepared.debtors)
        self.assertEqual(len(set(lines.mapped("invoice_number"))), LINES)
        currency = schedule.currency_id
        self.assertEqual(currency.compare_amounts(
            sum(lines.mapped("amount")), prepared.expected_total), 0)

        # funded by one posted, balanced entry with one receivable item per invoice
        self.assertEqual(schedule.state, "funded")
        move = schedule.move_id
        self.assertEqual(move.state, "posted")
        items = move.line_ids.filtered("factoring_schedule_line_id")
        self.assertEqual(len(items), LINES)
        self.assertEqual(items.factoring_schedule_line_id, lines)
        self.assertEqual(items.account_id, prepared.company.factoring_receivable_account_id)
        for item in items:
            self.assertEqual(item.partner_id, item.factoring_schedule_line_id.debtor_id)
            self.assertEqual(currency.compare_amounts(
                item.balance, item.factoring_schedule_line_id.amount), 0)
        self.assertEqual(currency.compare_amounts(
            sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit"))), 0)
        self.assertEqual(currency.compare_amounts(
            sum(items.mapped("balance")), prepared.expected_total), 0)

        report = bench_schedule.format_report(
            [results], LINES, DEBTORS, bench_schedule.machine_facts(self.env),
            prepared.setup_seconds)
        for step in ("import", "verify", "fund"):
            self.assertRegex(report, r"\n1\s+%s\s+\d+\.\d\d" % step)
        self.assertIn("%d invoice lines, %d debtors" % (LINES, DEBTORS), report)

    def test_functional_failure_is_reported(self):
        """A step that does not reach its state makes run_steps fail (the
        benchmark then exits non-zero): here a debtor loses its approval."""
        prepared = bench_schedule.prepare(self.env, lines=40, debtors=4)
        unapproved = prepared.debtors[0]
        prepared.agreement.sudo().approved_debtor_ids = [(3, unapproved.id)]
        with self.assertRaisesRegex(bench_schedule.BenchFailure,
                                    r"verify: schedule .* is draft, expected verified.*"
                                    r"debtor not approved"):
            bench_schedule.run_steps(prepared)
        self.assertEqual(prepared.schedule.state, "draft")
        self.assertFalse(prepared.schedule.move_id)

    def test_generated_vat_numbers_are_valid_belgian(self):
        for index in (0, 1, 499, 123456):
            vat = bench_schedule.belgian_vat(index)
            self.assertRegex(vat, r"^BE0\d{9}$")
            self.assertEqual(97 - int(vat[2:10]) % 97, int(vat[10:]))
        self.assertEqual(len({bench_schedule.belgian_vat(i) for i in range(500)}), 500)
