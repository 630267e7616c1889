"""Smoke test of the disputes benchmark (tests/benchmarks/bench_disputes.py):
its set-up and measured steps on a small ledger, checking their functional
outcome, never their timings."""
import argparse
import os
import sys
import unittest

from odoo.tests import TransactionCase

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_disputes  # noqa: E402


class TestBenchDisputesSmoke(TransactionCase):

    def test_steps_on_a_small_ledger(self):
        if "factoring.dispute" not in self.env:
            raise unittest.SkipTest("factoring_disputes is not installed")
        args = argparse.Namespace(items=2000, disputes=100, debtors=20, clients=5, rounds=1)
        results, failures = bench_disputes.run(self.env, args)
        steps = [row["step"] for row in results]
        self.assertIn("kanban board", steps)
        self.assertIn("eligibility with 100 held items", steps)
        self.assertFalse([f for f in failures if "left out" in f], failures)
        disputes = self.env["factoring.dispute"].search([("name", "=like", "BENCH/%")])
        self.assertEqual(len(disputes), 100)
        held = disputes.line_ids.move_line_id
        self.assertTrue(all(held.mapped("factoring_on_hold")))
        self.assertEqual(held.factoring_dispute_id, disputes)
