#!/usr/bin/env python3
"""Benchmark of factoring_reports on a large generated ledger.

Usage (``make bench-reports``)::

    .venv/bin/python tests/benchmarks/bench_reports.py \\
        --odoo-src $ODOO_SRC --config .odoo-local.conf -d factoring_bench \\
        [--open 1000000] [--paid 2000000] [--debtors 10000] [--clients 400] \\
        [--scale 0.01] [--json out.json]

The database needs factoring_reports installed. Everything happens in ONE
transaction rolled back at the end (the database is left as it was):

1. set-up (not measured): a company with the generic chart and the factoring
   accounts; debtors and clients; then, with set-based INSERT ... SELECT
   (the ORM would take hours for millions of items), factored receivable items
   on the factored-receivables account: ``--open`` open ones and ``--paid``
   paid ones, each paid one reconciled with a payment line by a partial
   reconciliation dated its payment date. Items are spread over the last two
   years, due 30-90 days after their date. The rows carry exactly what the
   reports read (amounts, dates, partner, client, account, company, state);
   they are not complete accounting entries (no counterpart lines), which the
   reports do not read.
2. measured, each as a fresh request (caches emptied), as the factoring manager:
   a) aging as of today grouped by debtor (``_read_group`` of
      ``factoring.aging.report``, what the pivot asks);
   b) aging as of a past date (one year ago) grouped by debtor;
   c) all KPIs of the portfolio for the last quarter (``factoring.kpi.get_kpis``);
   d) the monthly snapshot of the last month end (``factoring.report.snapshot``,
      aging and KPI inputs per client x debtor, INSERT ... SELECT).
   It prints wall time, this process's CPU time and peak RSS per step (targets:
   2 s and 1 GB), and checks the results against direct SQL sums.
"""
# pylint: disable=print-used
import argparse
import json
import os
import sys
import time
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_schedule  # noqa: E402  (shared measurement and registry helpers)

TARGET_SECONDS = 2.0
TARGET_MB = 1024.0
TODAY = date(2026, 11, 23)
MONTH_END = date(2026, 10, 31)  # the last month end before TODAY


def prepare(env, open_items, paid_items, debtors, clients):
    from odoo.tools import SQL  # noqa: PLC0415

    env = env(context=dict(env.context, tracking_disable=True))
    company = bench_schedule.bench_company(env, "Bench Reports")
    eur = company.currency_id
    user = bench_schedule.bench_manager(env, company, "Bench Manager", "bench_reports")
    env.flush_all()
    cr = env.cr
    t0 = time.perf_counter()
    debtor_ids, client_ids = bench_schedule.insert_partners(env, company, debtors, clients)
    journal = company.factoring_journal_id
    account = company.factoring_receivable_account_id
    # one posted entry per 1,000 items (the reports read the entry's name only)
    total = open_items + 2 * paid_items
    cr.execute(SQL("""
        INSERT INTO account_move (name, date, state, move_type, journal_id, company_id,
                                  currency_id, auto_post)
        SELECT 'BENCH/' || i, %(today)s, 'posted', 'entry', %(journal)s, %(company)s,
               %(currency)s, 'no'
          FROM generate_series(1, %(n)s) i RETURNING id""",
        today=TODAY, journal=journal.id, company=company.id, currency=eur.id,
        n=total // 1000 + 1))
    move_ids = [row[0] for row in cr.fetchall()]
    # items: i = 1..open+paid; the first `paid_items` are paid
    cr.execute(SQL("""
        INSERT INTO account_move_line (
            move_id, journal_id, company_id, company_currency_id, currency_id, account_id,
            partner_id, factoring_client_id, name, display_type, date, date_maturity,
            parent_state, balance, debit, credit, amount_currency, amount_residual,
            amount_residual_currency, reconciled)
        SELECT (%(moves)s)[1 + (i / 1000)], %(journal)s, %(company)s, %(currency)s,
               %(currency)s, %(account)s,
               (%(debtors)s)[1 + (i * 7919) %% %(n_debtors)s],
               (%(clients)s)[1 + (i * 104729) %% %(n_clients)s],
               'B' || i, 'product', d, d + 30 + (i %% 61)::int, 'posted',
               amount, amount, 0, amount,
               CASE WHEN i <= %(paid)s THEN 0 ELSE amount END,
               CASE WHEN i <= %(paid)s THEN 0 ELSE amount END,
               i <= %(paid)s
          FROM (SELECT i, %(today)s::date - (i %% 730)::int AS d,
                       (100 + (i * 37) %% 9900)::numeric AS amount
                  FROM generate_series(1::bigint, %(items)s) i) g""",
        moves=move_ids, journal=journal.id, company=company.id, currency=eur.id,
        account=account.id, debtors=debtor_ids, clients=client_ids,
        n_debtors=len(debtor_ids), n_clients=len(client_ids), paid=paid_items,
        items=open_items + paid_items, today=TODAY))
    # payment lines and partial reconciliations of the paid items, paid 0-120 days
    # after their date (never after today); the payment line ids are drawn from the
    # sequence first, so no join is needed to pair them with their items
    cr.execute(SQL("""
        CREATE TEMP TABLE bench_paid ON COMMIT DROP AS
        SELECT id, partner_id, balance, move_id,
               LEAST(date + (id %% 121)::int, %(today)s::date) AS pay_date,
               nextval('account_move_line_id_seq') AS pay_id
          FROM account_move_line
         WHERE company_id = %(company)s AND reconciled AND account_id = %(account)s""",
        today=TODAY, company=company.id, account=account.id))
    cr.execute(SQL("""
        INSERT INTO account_move_line (
            id, move_id, journal_id, company_id, company_currency_id, currency_id,
            account_id, partner_id, name, display_type, date, parent_state, balance,
            debit, credit, amount_currency, amount_residual, amount_residual_currency,
            reconciled)
        SELECT pay_id, move_id, %(journal)s, %(company)s, %(currency)s, %(currency)s,
               %(account)s, partner_id, 'PAY', 'product', pay_date, 'posted',
               -balance, 0, balance, -balance, 0, 0, TRUE
          FROM bench_paid""",
        company=company.id, account=account.id, journal=journal.id, currency=eur.id))
    cr.execute(SQL("""
        INSERT INTO account_partial_reconcile (
            debit_move_id, credit_move_id, amount, debit_amount_currency,
            credit_amount_currency, debit_currency_id, credit_currency_id, company_id,
            max_date)
        SELECT id, pay_id, balance, balance, balance, %(currency)s, %(currency)s,
               %(company)s, pay_date
          FROM bench_paid""", company=company.id, currency=eur.id))
    cr.execute("ANALYZE account_move_line")
    cr.execute("ANALYZE account_partial_reconcile")
    generation = time.perf_counter() - t0
    user_env = env(user=user.id, context={
        "allowed_company_ids": [company.id], "lang": "en_US", "tz": "UTC"})
    return user_env, company, generation


def expected_open(env, company, as_of):
    """Open total at a date straight from the generated rows (the oracle)."""
    env.cr.execute("""
        SELECT COALESCE((SELECT SUM(l.balance) FROM account_move_line l
                          WHERE l.company_id = %s AND l.date <= %s AND l.balance > 0), 0)
             - COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                          WHERE p.company_id = %s AND p.max_date <= %s), 0)
    """, (company.id, as_of, company.id, as_of))
    return float(env.cr.fetchone()[0])


def take_snapshot(env, company, month_end):
    """The monthly snapshot of one month end (one DELETE and one INSERT ...
    SELECT over the aging as of that date), as a manager's backfill; returns
    [(month end, open AR of the rows)] for the check."""
    Snapshot = env["factoring.report.snapshot"]
    Snapshot.action_backfill(month_end, month_end, company.ids)
    [(total,)] = Snapshot._read_group(
        [("date", "=", month_end), ("company_id", "=", company.id)], [], ["residual:sum"])
    return [(month_end, total)]


def run_steps(env, company, warmup=False):
    results, checks = {}, {}
    Aging = env["factoring.aging.report"]
    past = TODAY - timedelta(days=365)
    steps = [
        ("aging today", lambda: Aging.with_context(factoring_aging_date=TODAY)._read_group(
            [], ["debtor_id"], ["residual:sum", "amount_overdue:sum"])),
        ("aging past", lambda: Aging.with_context(factoring_aging_date=past)._read_group(
            [], ["debtor_id"], ["residual:sum", "amount_overdue:sum"])),
        ("kpis", lambda: env["factoring.kpi"].get_kpis(
            TODAY - timedelta(days=91), TODAY)),
        ("snapshot", lambda: take_snapshot(env, company, MONTH_END)),
    ]
    for name, step in steps:
        if warmup:
            step()  # first read of freshly generated rows (PostgreSQL's buffers)
        bench_schedule._fresh_request(env)
        with bench_schedule.Meter(name) as meter:
            output = step()
            env.flush_all()
        results[name] = meter.result
        checks[name] = output
    return results, checks


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the aging and the KPIs of factoring_reports on a large "
                    "generated ledger (everything rolled back).")
    parser.add_argument("--odoo-src", required=True)
    parser.add_argument("--config", "-c", required=True)
    parser.add_argument("--database", "-d", required=True,
                        help="database with factoring_reports installed")
    parser.add_argument("--open", type=int, default=1_000_000, dest="open_items")
    parser.add_argument("--paid", type=int, default=2_000_000, dest="paid_items")
    parser.add_argument("--debtors", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=400)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the four sizes (e.g. 0.01 for a quick run of "
                             "10,000 open and 20,000 paid items)")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--explain", action="store_true",
                        help="print PostgreSQL's plan of the aging queries")
    parser.add_argument("--warmup", action="store_true",
                        help="run each step once before measuring it")
    parser.add_argument("--log-level", default="warn")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    for name in ("open_items", "paid_items", "debtors", "clients"):
        setattr(args, name, max(1, round(getattr(args, name) * args.scale)))
    if min(args.open_items, args.paid_items, args.debtors, args.clients) < 1:
        parser.error("sizes must be positive")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    _odoo, registry = bench_schedule.load_registry(args)
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    if "factoring.aging.report" not in registry:
        print("bench: database %r does not have factoring_reports installed"
              % args.database, file=sys.stderr)
        return 2
    cr = registry.cursor()
    cr.commit = bench_schedule._refuse_commit
    status = 0
    try:
        env = api.Environment(cr, SUPERUSER_ID, {})
        facts = bench_schedule.machine_facts(env)
        print("Generating %d open and %d paid items over %d debtors and %d clients ..."
              % (args.open_items, args.paid_items, args.debtors, args.clients), flush=True)
        user_env, company, generation = prepare(
            env, args.open_items, args.paid_items, args.debtors, args.clients)
        print("  generated in %.0f s" % generation, flush=True)
        if args.explain:
            from odoo.tools import SQL  # noqa: PLC0415
            aging = user_env["factoring.aging.report"]
            for as_of in (TODAY, TODAY - timedelta(days=365)):
                env.cr.execute(SQL(
                    "EXPLAIN (ANALYZE, BUFFERS) SELECT t.debtor_id, SUM(t.residual) "
                    "FROM (%s) t GROUP BY t.debtor_id", aging._factoring_aging_sql(as_of)))
                print("\n".join(row[0] for row in env.cr.fetchall()))
        results, outputs = run_steps(user_env, company, warmup=args.warmup)
        past = TODAY - timedelta(days=365)
        checks = {
            "aging today": (sum(r[1] for r in outputs["aging today"]),
                            expected_open(env, company, TODAY)),
            "aging past": (sum(r[1] for r in outputs["aging past"]),
                           expected_open(env, company, past)),
            "kpis": (outputs["kpis"][0]["ending_ar"], expected_open(env, company, TODAY)),
            "snapshot": (sum(r[1] for r in outputs["snapshot"]),
                         expected_open(env, company, MONTH_END)),
        }
        print()
        print("| Step | Wall | CPU (Odoo) | Peak RSS | Groups | Total | Expected | Verdict |")
        print("|---|---|---|---|---|---|---|---|")
        for name, m in results.items():
            got, expected = checks[name]
            ok = abs(got - expected) < 0.01
            status = status or (0 if ok else 1)
            verdict = "OK" if m.seconds < TARGET_SECONDS and m.rss_peak_mb < TARGET_MB \
                else "OVER TARGET"
            print("| %s | %.2f s | %.2f s | %.0f MB | %d | %.2f | %.2f | %s%s |" % (
                name, m.seconds, m.cpu_seconds, m.rss_peak_mb, len(outputs[name]), got,
                expected, verdict, "" if ok else ", WRONG TOTAL"))
        print()
        print("Machine: %(nproc)s cores, %(cpu)s, %(memory)s, Python %(python)s, "
              "PostgreSQL %(postgresql)s, Odoo %(odoo)s" % facts)
        if args.json:
            with open(args.json, "w") as out:
                json.dump({"machine": facts, "generation_seconds": generation,
                           "steps": {n: vars(m) for n, m in results.items()}}, out, indent=2)
    finally:
        cr.rollback()
        cr.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
