"""Smoke test of the limits benchmark (tests/benchmarks/bench_limits.py).

It runs the benchmark's own set-up and measured steps on a small portfolio and
checks their functional outcome, never their timings.
"""
import os
import sys

from odoo.tests import TransactionCase

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_limits  # noqa: E402
import bench_schedule  # noqa: E402


class TestBenchLimitsSmoke(TransactionCase):

    def test_steps_on_a_small_portfolio(self):
        if "factoring.limit" not in self.env.registry:
            self.skipTest("factoring_limits is not installed")
        prepared = bench_limits.prepare(self.env, open_items=600, debtors=250, clients=3,
                                        lines=300)
        results, outputs = bench_limits.run_steps(prepared)
        self.assertEqual(list(results), ["debtor headroom sorted", "limits check",
                                         "verify schedule"])
        summary = bench_limits.check(prepared, outputs)
        self.assertAlmostEqual(summary["utilisation"], summary["expected"], places=2)
        for measurement in results.values():
            self.assertIsInstance(measurement, bench_schedule.Measurement)
            self.assertGreater(measurement.seconds, 0.0)
