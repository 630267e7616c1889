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
        args = argparse.Namespace(items=2000, disputes=100, debtors=20, clients=5, rounds=1,
                                  dunning_rounds=1)
        results, failures, _missed, details = bench_disputes.run(self.env, args)
        # a wrong outcome (availability or dunning not leaving out the held
        # items) is a failure; a missed target is not, at this scale
        self.assertFalse(failures)
        steps = [row["step"] for row in results]
        self.assertIn("kanban board", steps)
        for row in results:
            self.assertGreater(row["seconds"], 0.0, row["step"])
            self.assertIsNotNone(row["cpu_seconds"], row["step"])
        if "factoring.limit.engine" in self.env:
            self.assertIn("availability (factoring_limits), 100 held items", steps)
            availability = details["availability"]
            self.assertGreater(availability["expected"], 0.0)
            self.assertAlmostEqual(availability["left_out"], availability["expected"],
                                   delta=0.05)
        else:
            self.assertIn("eligibility query (stand-in), 100 held items", steps)
        if "factoring.dunning.run" in self.env:
            dunning = details["dunning"]
            self.assertGreater(dunning["skipped_hold"], 0)
            self.assertGreater(dunning["items_held"], 0)
            self.assertEqual(dunning["items_plain"] - dunning["items_held"],
                             dunning["skipped_hold"])
            held_rows = [row for row in results if row["step"].startswith(
                "dunning run (factoring_collections), %d held" % dunning["skipped_hold"])]
            self.assertEqual(len(held_rows), 1)
            self.assertIn("overhead_pct", held_rows[0])
            # the dunning runs were rolled back: the next run starts afresh
            self.assertFalse(self.env["factoring.dunning.run"].search(
                [("company_id.name", "=like", "Bench %")]))
        disputes = self.env["factoring.dispute"].search([("name", "=like", "BENCH/%")])
        self.assertEqual(len(disputes), 100)
        held = disputes.line_ids.move_line_id
        self.assertTrue(all(held.mapped("factoring_on_hold")))
        self.assertEqual(held.factoring_dispute_id, disputes)
