"""Smoke test of the collections benchmark (tests/benchmarks/bench_collections.py).

It runs the benchmark's own set-up and measured steps on a small ledger and
checks their functional outcome (the counts the benchmark prints), never their
timings.
"""
import os
import sys

from odoo.tests import TransactionCase

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_collections  # noqa: E402
import bench_schedule  # noqa: E402


class TestBenchCollectionsSmoke(TransactionCase):

    def test_steps_on_a_small_ledger(self):
        if "factoring.worklist" not in self.env.registry:
            self.skipTest("factoring_collections is not installed")
        prepared = bench_collections.prepare(self.env, debtors=60, items=600, overdue=0.6,
                                             collectors=3)
        results, outputs = bench_collections.run_steps(prepared)
        expected_steps = ["dunning run", "dunning rerun", "worklist one collector",
                          "worklist all", "web page one collector", "web page all"]
        if bench_collections.oca_installed(self.env):
            expected_steps.insert(1, bench_collections.OCA_STEP)
        self.assertEqual(list(results), expected_steps)
        for step, (got, expected, detail) in bench_collections.check(prepared,
                                                                      outputs).items():
            with self.subTest(step=step, detail=detail):
                self.assertEqual(got, expected)
        first = outputs["dunning run"]
        self.assertTrue(first.email_count and first.fallback_count and first.letter_count)
        self.assertTrue(all(row["reason"] for row in outputs["worklist all"]))
        for measurement in results.values():
            self.assertIsInstance(measurement, bench_schedule.Measurement)
            self.assertGreater(measurement.seconds, 0.0)
