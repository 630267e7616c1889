#!/usr/bin/env python3
"""Benchmark of factoring_limits on a large generated portfolio.

Usage::

    .venv/bin/python tests/benchmarks/bench_limits.py \\
        --odoo-src $ODOO_SRC --config .odoo-local.conf -d factoring_bench \\
        [--open 100000] [--debtors 10000] [--clients 400] [--lines 10000] [--json out.json]

The database needs factoring_limits installed. Everything happens in ONE
transaction rolled back at the end (the database is left as it was):

1. set-up (not measured): a company with the generic chart and the factoring
   accounts; debtors and clients; ``--open`` open factored receivable items
   (set-based INSERT ... SELECT, as bench_reports.py does), a tenth of them on
   a funded schedule of the first client so that its funds in use count; an
   active debtor limit for every debtor (100,000 to 250,000: some debtors are
   over), a client limit for every client and a pair limit for the first
   client's approved debtors (``--pair-limit``) (INSERT ... SELECT); a
   draft schedule of ``--lines`` lines of the first client over its approved
   debtors.
2. measured, each as a fresh request (caches emptied), as the factoring manager:
   a) utilisation and headroom of every debtor, sorted by headroom
      (``factoring.limit.engine._debtor_positions``), checked against a direct
      SQL sum of the open items;
   b) the limits check alone on the schedule (``_verify_limits``);
   c) the schedule's whole verification (every check of base plus limits,
      ``action_verify``), checked: some lines exceed their limits by design.
   Targets: 2 s and 1 GB each.
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
TODAY = date.today()
APPROVED_DEBTORS = 200


class Prepared:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def prepare(env, open_items=100_000, debtors=10_000, clients=400, lines=10_000,
            pair_limit=50000):
    from odoo import Command  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    from odoo.addons.factoring_base.models.factoring_guard import guarded  # noqa: PLC0415

    env = env(context=dict(env.context, tracking_disable=True))
    company = bench_schedule.bench_company(env, "Bench Limits")
    eur = company.currency_id
    user = bench_schedule.bench_manager(env, company, "Bench Limits Manager", "bench_limits")
    env.flush_all()
    cr = env.cr
    t0 = time.perf_counter()
    debtor_ids, client_ids = bench_schedule.insert_partners(env, company, debtors, clients)
    env["res.partner"].invalidate_model()
    first_client = env["res.partner"].browse(client_ids[0])
    approved = debtor_ids[:APPROVED_DEBTORS]
    agreement = env["factoring.agreement"].create({
        "client_id": first_client.id, "company_id": company.id, "currency_id": eur.id,
        "advance_rate": 80.0, "max_concentration": 100.0,
        "approved_debtor_ids": [Command.set(approved)], "date_start": TODAY - timedelta(days=800)})
    agreement.action_activate()
    # a funded schedule of the first client: its items' advance counts in funds in use
    funded = env["factoring.schedule"].create({
        "agreement_id": agreement.id, "date": TODAY - timedelta(days=30)})
    guarded(funded).write({"state": "funded"})
    env.flush_all()
    journal = company.factoring_journal_id
    account = company.factoring_receivable_account_id
    cr.execute(SQL("""
        INSERT INTO account_move (name, date, state, move_type, journal_id, company_id,
                                  currency_id, auto_post)
        SELECT 'BENCHL/' || i, %(today)s, 'posted', 'entry', %(journal)s, %(company)s,
               %(currency)s, 'no'
          FROM generate_series(1, %(n)s) i RETURNING id""",
        today=TODAY, journal=journal.id, company=company.id, currency=eur.id,
        n=open_items // 1000 + 1))
    move_ids = [row[0] for row in cr.fetchall()]
    # every tenth item belongs to the first client, on its approved debtors,
    # with a funded schedule line; the others spread over every client and debtor
    cr.execute(SQL("""
        INSERT INTO factoring_schedule_line (
            schedule_id, company_id, client_id, debtor_id, invoice_number, invoice_date,
            due_date, amount, currency_id, sequence, is_funded, amount_residual)
        SELECT %(schedule)s, %(company)s, %(client)s,
               (%(approved)s)[1 + (i * 7919) %% %(n_approved)s],
               'F' || i, %(today)s::date - (i %% 120)::int, %(today)s::date + 30,
               (100 + (i * 37) %% 900)::numeric, %(currency)s, i, TRUE,
               (100 + (i * 37) %% 900)::numeric
          FROM generate_series(1, %(n)s) i RETURNING id, debtor_id, amount, invoice_date""",
        schedule=funded.id, company=company.id, client=first_client.id, approved=approved,
        n_approved=len(approved), today=TODAY, currency=eur.id, n=open_items // 10))
    funded_lines = cr.fetchall()
    cr.execute(SQL("""
        INSERT INTO account_move_line (
            move_id, journal_id, company_id, company_currency_id, currency_id, account_id,
            partner_id, factoring_client_id, factoring_schedule_line_id, name, display_type,
            date, date_maturity, parent_state, balance, debit, credit, amount_currency,
            amount_residual, amount_residual_currency, reconciled)
        SELECT (%(moves)s)[1 + (r.n / 1000)], %(journal)s, %(company)s, %(currency)s,
               %(currency)s, %(account)s, r.debtor_id, %(client)s, r.line_id, 'F' || r.n,
               'product', r.invoice_date, r.invoice_date + 60, 'posted', r.amount, r.amount,
               0, r.amount, r.amount, r.amount, FALSE
          FROM unnest(%(line_ids)s::int[], %(line_debtors)s::int[], %(amounts)s::numeric[],
                      %(dates)s::date[]) WITH ORDINALITY
                   AS r(line_id, debtor_id, amount, invoice_date, n)""",
        moves=move_ids, journal=journal.id, company=company.id, currency=eur.id,
        account=account.id, client=first_client.id,
        line_ids=[r[0] for r in funded_lines], line_debtors=[r[1] for r in funded_lines],
        amounts=[r[2] for r in funded_lines], dates=[r[3] for r in funded_lines]))
    rest = open_items - len(funded_lines)
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
               amount, amount, 0, amount, amount, amount, FALSE
          FROM (SELECT i, %(today)s::date - (i %% 200)::int AS d,
                       (100 + (i * 37) %% 9900)::numeric AS amount
                  FROM generate_series(1::bigint, %(items)s) i) g""",
        moves=move_ids, journal=journal.id, company=company.id, currency=eur.id,
        account=account.id, debtors=debtor_ids, clients=client_ids[1:] or client_ids,
        n_debtors=len(debtor_ids), n_clients=max(len(client_ids) - 1, 1), items=rest,
        today=TODAY))
    # limits: every debtor, every client, the first client's approved pairs
    cr.execute(SQL("""
        INSERT INTO factoring_limit (name, scope, debtor_id, partner_id, company_id,
                                     currency_id, amount, date_from, state, version,
                                     funding_check_count)
        SELECT 'Debtor ' || p.id, 'debtor', p.id, p.id, %(company)s, %(currency)s,
               100000 + (p.id * 13) %% 150000, %(start)s, 'active', 1, 0
          FROM unnest(%(debtors)s::int[]) AS p(id)""",
        company=company.id, currency=eur.id, start=TODAY - timedelta(days=365),
        debtors=debtor_ids))
    cr.execute(SQL("""
        INSERT INTO factoring_limit (name, scope, client_id, partner_id, company_id,
                                     currency_id, amount, date_from, state, version,
                                     funding_check_count)
        SELECT 'Client ' || p.id, 'client', p.id, p.id, %(company)s, %(currency)s,
               20000000, %(start)s, 'active', 1, 0
          FROM unnest(%(clients)s::int[]) AS p(id)""",
        company=company.id, currency=eur.id, start=TODAY - timedelta(days=365),
        clients=client_ids))
    cr.execute(SQL("""
        INSERT INTO factoring_limit (name, scope, client_id, debtor_id, partner_id,
                                     client_debtor_id, company_id, currency_id, amount,
                                     date_from, state, version, funding_check_count)
        SELECT 'Pair ' || cd.id, 'pair', cd.client_id, cd.debtor_id, cd.debtor_id, cd.id,
               %(company)s, %(currency)s, %(pair)s, %(start)s, 'active', 1, 0
          FROM factoring_client_debtor cd
         WHERE cd.client_id = %(client)s AND cd.company_id = %(company)s""",
        company=company.id, currency=eur.id, start=TODAY - timedelta(days=365),
        client=first_client.id, pair=pair_limit))
    schedule = env["factoring.schedule"].create({"agreement_id": agreement.id, "date": TODAY})
    env.flush_all()
    cr.execute(SQL("""
        INSERT INTO factoring_schedule_line (
            schedule_id, company_id, client_id, debtor_id, invoice_number, invoice_date,
            due_date, amount, currency_id, sequence, amount_residual)
        SELECT %(schedule)s, %(company)s, %(client)s,
               (%(approved)s)[1 + (i * 31) %% %(n_approved)s],
               'S' || i, %(today)s::date - 5, %(today)s::date + 55,
               (50 + (i * 53) %% 950)::numeric, %(currency)s, i,
               (50 + (i * 53) %% 950)::numeric
          FROM generate_series(1, %(n)s) i""",
        schedule=schedule.id, company=company.id, client=first_client.id, approved=approved,
        n_approved=len(approved), today=TODAY, currency=eur.id, n=lines))
    for table in ("account_move_line", "factoring_limit", "factoring_schedule_line",
                  "res_partner"):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    env.invalidate_all()
    generation = time.perf_counter() - t0
    user_env = env(user=user.id, context={
        "allowed_company_ids": [company.id], "lang": "en_US", "tz": "UTC"})
    if oca_installed(env):
        # OCA's total risk counts the groups a partner includes: open and
        # unpaid items, on the invoice account and others
        cr.execute(SQL("""
            UPDATE res_partner SET risk_invoice_open_include = TRUE,
                   risk_invoice_unpaid_include = TRUE, risk_account_amount_include = TRUE,
                   risk_account_amount_unpaid_include = TRUE
             WHERE id = ANY(%s)""", debtor_ids))
        env["res.partner"].invalidate_model()
    return Prepared(env=user_env, company=company.with_env(user_env), debtor_ids=debtor_ids,
                    schedule=schedule.with_env(user_env), generation=generation,
                    debtors=len(debtor_ids), lines=lines, open_items=open_items)


def expected_exposure(env, company):
    """Sum of the open items' residuals straight from the rows (the oracle)."""
    env.cr.execute("""
        SELECT COALESCE(SUM(amount_residual), 0) FROM account_move_line
         WHERE company_id = %s AND NOT reconciled AND parent_state = 'posted'""",
                   (company.id,))
    return float(env.cr.fetchone()[0])


OCA_STEP = "OCA account_financial_risk, same debtors"


def oca_installed(env):
    return "risk_total" in env["res.partner"]._fields


def oca_risk(env, debtor_ids):
    """OCA's account_financial_risk computing its risk figures (total risk,
    remaining) for the same debtors, sorted by what remains."""
    partners = env["res.partner"].browse(debtor_ids)
    rows = [(p.id, p.risk_total, p.risk_remaining_value) for p in partners]
    rows.sort(key=lambda r: (r[2], r[0]))
    return rows


def run_steps(prepared):
    env = prepared.env
    company = prepared.company
    schedule = prepared.schedule
    Engine = env["factoring.limit.engine"]
    results, outputs = {}, {}
    steps = [
        ("debtor headroom sorted", lambda: Engine._debtor_positions(company)),
        ("limits check", lambda: schedule._verify_limits()),
        ("verify schedule", lambda: schedule.action_verify()),
    ]
    if oca_installed(env):
        steps.insert(1, (OCA_STEP, lambda: oca_risk(env, prepared.debtor_ids)))
    for name, step in steps:
        bench_schedule._fresh_request(env)
        with bench_schedule.Meter(name) as meter:
            output = step()
            env.flush_all()
        results[name] = meter.result
        outputs[name] = output
    return results, outputs


def check(prepared, outputs):
    """Functional checks of the measured steps; raise BenchFailure when wrong."""
    positions = outputs["debtor headroom sorted"]
    bench_schedule._check(len(positions) == prepared.debtors,
                          "one position per debtor: %d != %d"
                          % (len(positions), prepared.debtors))
    headrooms = [row[3] for row in positions]
    bench_schedule._check(headrooms == sorted(headrooms), "positions sorted by headroom")
    total = sum(row[2] for row in positions)
    expected = expected_exposure(prepared.env, prepared.company)
    bench_schedule._check(abs(total - expected) < 0.01,
                          "utilisation %.2f != open items %.2f" % (total, expected))
    _general, errors = outputs["limits check"]
    schedule = prepared.schedule
    schedule.invalidate_recordset()
    failing = schedule.line_ids.filtered("check_message")
    bench_schedule._check(len(failing) == len(errors),
                          "verification stored the limits errors: %d != %d"
                          % (len(failing), len(errors)))
    summary = {"utilisation": total, "expected": expected, "failing lines": len(errors)}
    if OCA_STEP in outputs:
        oca_total = sum(row[1] for row in outputs[OCA_STEP])
        bench_schedule._check(abs(oca_total - expected) < 0.01,
                              "OCA's total risk %.2f != open items %.2f" % (oca_total, expected))
        summary["oca total risk"] = oca_total
    return summary



def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark utilisation, headroom and the limits verification of "
                    "factoring_limits on a generated portfolio (everything rolled back).")
    parser.add_argument("--odoo-src", required=True)
    parser.add_argument("--config", "-c", required=True)
    parser.add_argument("--database", "-d", required=True,
                        help="database with factoring_limits installed")
    parser.add_argument("--open", type=int, default=100_000, dest="open_items")
    parser.add_argument("--debtors", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=400)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--pair-limit", type=float, default=50000.0,
                        help="amount of the first client's pair limits (1000: every "
                        "line of the schedule fails, the worst case of the reasons)")
    parser.add_argument("--oca-addons", metavar="PATH",
                        help="folder holding OCA's account_financial_risk (installed in the "
                        "database): time its risk figures for the same debtors too")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--log-level", default="warn")
    args = parser.parse_args(argv)
    if min(args.open_items, args.debtors, args.clients, args.lines) < 1:
        parser.error("sizes must be positive")
    if args.debtors < APPROVED_DEBTORS:
        parser.error("at least %d debtors" % APPROVED_DEBTORS)
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    _odoo, registry = bench_schedule.load_registry(args)
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    if "factoring.limit" not in registry:
        print("bench: database %r does not have factoring_limits installed"
              % args.database, file=sys.stderr)
        return 2
    cr = registry.cursor()
    cr.commit = bench_schedule._refuse_commit
    status = 0
    try:
        env = api.Environment(cr, SUPERUSER_ID, {})
        facts = bench_schedule.machine_facts(env)
        print("Generating %d open items over %d debtors and %d clients, a %d-line "
              "schedule ..." % (args.open_items, args.debtors, args.clients, args.lines),
              flush=True)
        prepared = prepare(env, args.open_items, args.debtors, args.clients, args.lines,
                           pair_limit=args.pair_limit)
        print("  generated in %.0f s" % prepared.generation, flush=True)
        results, outputs = run_steps(prepared)
        try:
            summary = check(prepared, outputs)
        except bench_schedule.BenchFailure as exc:
            print("WRONG RESULT: %s" % exc)
            summary, status = {}, 1
        print()
        print("| Step | Wall | CPU (Odoo) | Peak RSS | Verdict |")
        print("|---|---|---|---|---|")
        for name, m in results.items():
            verdict = "OK" if m.seconds < TARGET_SECONDS and m.rss_peak_mb < TARGET_MB \
                else "OVER TARGET"
            print("| %s | %.2f s | %.2f s | %.0f MB | %s |" % (
                name, m.seconds, m.cpu_seconds, m.rss_peak_mb, verdict))
        if OCA_STEP in results:
            ours = results["debtor headroom sorted"].seconds
            theirs = results[OCA_STEP].seconds
            print()
            print("Side by side, same %d debtors: factoring_limits %.2f s, OCA "
                  "account_financial_risk %.2f s (ratio OCA / ours: %.1f)"
                  % (prepared.debtors, ours, theirs, theirs / ours if ours else 0.0))
        print()
        print("Checks: %s" % summary)
        print("Machine: %(nproc)s cores, %(cpu)s, %(memory)s, Python %(python)s, "
              "PostgreSQL %(postgresql)s, Odoo %(odoo)s" % facts)
        if args.json:
            with open(args.json, "w") as out:
                json.dump({"machine": facts, "generation_seconds": prepared.generation,
                           "steps": {n: vars(m) for n, m in results.items()},
                           "checks": summary}, out, indent=2)
    finally:
        cr.rollback()
        cr.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
