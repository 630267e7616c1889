"""Smoke test of the reports benchmark (tests/benchmarks/bench_reports.py).

It runs the benchmark's own bulk load (indexes dropped and rebuilt, in the
test's transaction) and measured steps on a small ledger and checks their
outcome against the generated rows, never their timings.
"""
import os
import sys
from datetime import timedelta

from odoo.tests import TransactionCase

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_reports  # noqa: E402
import bench_schedule  # noqa: E402

OPEN, PAID, DEBTORS, CLIENTS = 300, 600, 20, 3


class TestBenchReportsSmoke(TransactionCase):

    def test_steps_on_a_small_ledger(self):
        if "factoring.aging.report" not in self.env.registry:
            self.skipTest("factoring_reports is not installed")
        self.env.cr.execute("SELECT count(*) FROM pg_indexes WHERE tablename = ANY(%s)",
                            (["account_move_line", "account_partial_reconcile"],))
        indexes_before = self.env.cr.fetchone()[0]
        user_env, company, generation = bench_reports.prepare(
            self.env, OPEN, PAID, DEBTORS, CLIENTS)
        self.assertIsNotNone(generation)
        # the indexes dropped for the bulk load are all back
        self.env.cr.execute("SELECT count(*) FROM pg_indexes WHERE tablename = ANY(%s)",
                            (["account_move_line", "account_partial_reconcile"],))
        self.assertEqual(self.env.cr.fetchone()[0], indexes_before)
        # a later --persist run would find this ledger by its sizes
        label = bench_reports.bench_label(OPEN, PAID, DEBTORS, CLIENTS)
        self.assertEqual(bench_reports.find_persisted(self.env, label)[0], company)
        self.assertEqual(user_env.user.login, "bench_reports_%s" % company.id)

        # the generated rows: open and paid items; a payment line and a partial
        # reconciliation per payment: one per paid item, plus the first
        # instalments of every fifth paid item and of every tenth open one
        instalments = len([i for i in range(1, PAID + 1) if i % 5 == 0]) + len(
            [i for i in range(PAID + 1, PAID + OPEN + 1) if i % 10 == 0])
        lines = self.env["account.move.line"].search([("company_id", "=", company.id)])
        self.assertEqual(len(lines), OPEN + 2 * PAID + instalments)
        self.assertEqual(len(lines.filtered(lambda line: not line.reconciled)), OPEN)
        partials = self.env["account.partial.reconcile"].search(
            [("company_id", "=", company.id)])
        self.assertEqual(len(partials), PAID + instalments)
        self.assertEqual(partials.debit_move_id.mapped("partner_id"),
                         partials.credit_move_id.mapped("partner_id"))
        # every line's stored residual and reconciliation dates are what its
        # partial reconciliations give (what Odoo and the install fill compute)
        self.env.cr.execute("""
            SELECT COUNT(*) FROM account_move_line l
              LEFT JOIN (SELECT y.id, MIN(y.max_date) AS first_date,
                                MAX(y.max_date) AS last_date, SUM(y.amount) AS amount
                           FROM (SELECT debit_move_id AS id, max_date, amount
                                   FROM account_partial_reconcile
                                  UNION ALL
                                 SELECT credit_move_id, max_date, -amount
                                   FROM account_partial_reconcile) y
                          GROUP BY y.id) x ON x.id = l.id
             WHERE l.company_id = %s
               AND (l.factoring_first_reconcile_date IS DISTINCT FROM x.first_date
                    OR l.factoring_last_reconcile_date IS DISTINCT FROM x.last_date
                    OR l.amount_residual <> l.balance - COALESCE(x.amount, 0)
                    OR x.first_date > CURRENT_DATE)""", (company.id,))
        self.assertEqual(self.env.cr.fetchone()[0], 0)

        results = bench_reports.run_steps(user_env, company)
        self.assertEqual(list(results), ["aging today", "aging past", "kpis", "snapshot"])
        for name, (measurement, output, _pg_cpu) in results.items():
            self.assertIsInstance(measurement, bench_schedule.Measurement, name)
            self.assertGreater(measurement.seconds, 0.0, name)
            self.assertIsNotNone(output, name)
        today, past = bench_reports.TODAY, bench_reports.TODAY - timedelta(days=365)
        aging_today = results["aging today"][1]
        self.assertEqual(len(aging_today), DEBTORS)
        self.assertAlmostEqual(sum(row[1] for row in aging_today),
                               bench_reports.expected_open(self.env, company, today), places=2)
        self.assertAlmostEqual(sum(row[1] for row in results["aging past"][1]),
                               bench_reports.expected_open(self.env, company, past), places=2)
        self.assertAlmostEqual(results["kpis"][1][0]["ending_ar"],
                               bench_reports.expected_open(self.env, company, today), places=2)
        # the monthly CEIs' AR at every month end of the quarter (the same pass)
        # equals the open total at that date; the CEI lies within 0 and 100
        kpis = results["kpis"][1][0]
        self.assertEqual(len(kpis["cei_months"]), 4)
        self.assertEqual(bench_reports.check_kpi_months(self.env, company, kpis), [])
        self.assertTrue(0 <= kpis["cei"] <= 100, kpis["cei"])
        self.assertAlmostEqual(
            sum(row[1] for row in results["snapshot"][1]),
            bench_reports.expected_open(self.env, company, bench_reports.MONTH_END), places=2)
