#!/usr/bin/env python3
"""Benchmark of factoring_reports on a large generated ledger, side by side
with OCA's aged partner balance when it is installed.

Usage (``BENCH=reports make bench`` or directly)::

    .venv/bin/python tests/benchmarks/bench_reports.py \\
        --odoo-src $ODOO_SRC --config .odoo-local.conf -d factoring_bench \\
        [--open 1000000] [--paid 2000000] [--debtors 10000] [--clients 400] \\
        [--scale 0.01] [--persist] [--oca-addons PATH] [--oca-timeout 1200] \\
        [--warmup] [--explain] [--json out.json]

The database needs factoring_reports installed (and, for the side by side,
OCA's ``account_financial_report`` from ``--oca-addons``).

1. set-up (not measured): a company with the generic chart and the factoring
   accounts; debtors and clients; then, with set-based INSERT ... SELECT
   generate_series (the ORM would take hours for millions of items), factored
   receivable items on the factored-receivables account: ``--open`` open ones
   and ``--paid`` paid ones, each payment a payment line and a partial
   reconciliation dated its payment date; every fifth paid item is paid in two
   instalments, every tenth open item is 40 % paid. Items are spread over the
   last two years, due 30-90 days after their date. The rows carry what the
   reports (ours and OCA's) read (amounts, residuals, dates, partner, client,
   account, journal, company, state); they are not complete accounting entries
   (no counterpart lines). Bulk load as pg_restore does it: foreign-key
   triggers off for the session (superuser only), the secondary indexes of the
   two big tables dropped and rebuilt from their own definitions afterwards,
   all in the same transaction, then ANALYZE.
   Without ``--persist`` it all happens in ONE transaction rolled back at the
   end. With ``--persist`` the generated ledger is committed (a company named
   after the sizes, e.g. "Bench Reports 1000000x2000000x10000x400 ...") and
   VACUUM ANALYZEd; the next run with the same sizes finds it and skips the
   generation. The measured steps are always rolled back.
2. measured, each as a fresh request (caches emptied), as the factoring manager:
   a) aging as of today grouped by debtor (``_read_group`` of
      ``factoring.aging.report``, what the pivot asks);
   b) aging as of a past date (one year ago) grouped by debtor;
   c) all KPIs of the portfolio for the last quarter (``factoring.kpi.get_kpis``,
      with the AR at each month end of the quarter for the monthly CEIs);
   d) the monthly snapshot of the last month end (``factoring.report.snapshot``,
      aging and KPI inputs per client x debtor, INSERT ... SELECT);
   e) with OCA installed, as superuser: OCA's aged partner balance
      (``report.account_financial_report.aged_partner_balance``
      ``_get_report_values``, the data of its PDF/XLSX/HTML reports) on the
      factored-receivables account as of the same two dates, each stopped
      after ``--oca-timeout`` seconds; per-debtor totals compared with ours.
   It prints wall time, this process's CPU time, the PostgreSQL backend's CPU
   time (the leader process; parallel workers not counted) and peak RSS per
   step (targets: 2 s and 1 GB), and checks the results against direct SQL sums.
"""
# pylint: disable=print-used
import argparse
import json
import os
import signal
import sys
import time
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_schedule  # noqa: E402  (shared measurement and registry helpers)

TARGET_SECONDS = 2.0
TARGET_MB = 1024.0
TODAY = date(2026, 11, 23)
MONTH_END = date(2026, 10, 31)  # the last month end before TODAY


def bench_label(open_items, paid_items, debtors, clients):
    # "i2": the ledger with instalments (an earlier one, without, is not reused)
    return "Bench Reports i2 %dx%dx%dx%d" % (open_items, paid_items, debtors, clients)


def find_persisted(env, label):
    """The company and manager of a ledger committed by an earlier --persist run
    of the same sizes, or (None, None)."""
    company = env["res.company"].search([("name", "=like", label + " %")], limit=1)
    if not company:
        return None, None
    user = env["res.users"].search([("login", "=", "bench_reports_%s" % company.id)], limit=1)
    return (company, user) if user else (None, None)


def _drop_indexes(cr, tables):
    """Drop the secondary indexes of ``tables`` (not those of a constraint);
    return their definitions to rebuild them after the bulk load."""
    from odoo.tools import SQL  # noqa: PLC0415

    cr.execute("""
        SELECT i.indexname, i.indexdef FROM pg_indexes i
         WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema()
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                            WHERE c.conindid = (quote_ident(i.indexname))::regclass)
    """, (list(tables),))
    indexes = cr.fetchall()
    for name, _definition in indexes:
        cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    return [definition for _name, definition in indexes]


def _is_superuser(cr):
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return bool(cr.fetchone()[0])


def generate(env, company, open_items, paid_items, debtors, clients):
    """The set-based bulk load of the ledger (see the module docstring)."""
    from odoo.tools import SQL  # noqa: PLC0415

    cr = env.cr
    eur = company.currency_id
    debtor_ids, client_ids = bench_schedule.insert_partners(env, company, debtors, clients)
    journal = company.factoring_journal_id
    account = company.factoring_receivable_account_id
    env.flush_all()
    cr.execute("SET LOCAL maintenance_work_mem = '512MB'")
    superuser = _is_superuser(cr)
    if superuser:
        # the rows reference existing moves, partners, accounts by construction
        cr.execute("SET LOCAL session_replication_role = replica")
    indexes = _drop_indexes(cr, ("account_move_line", "account_partial_reconcile"))
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
    # items i = 1..open+paid, the first `paid_items` of them paid, dated over the
    # last two years and due 30-90 days later; a paid item is paid in full 0-120
    # days after its date (never after today). Instalments: every fifth paid item
    # is paid 40 % half-way to that date and the rest on it; every tenth open item
    # has 40 % paid 0-60 days after its date. Each payment is a line (id = the
    # item's id + an offset reserved from the sequence: one range for the full
    # or final payments, one for the first instalments) and a partial
    # reconciliation dated that payment's date. Inserts ... select, no join.
    n_items = open_items + paid_items
    cr.execute("SELECT nextval('account_move_line_id_seq')")
    first_id = cr.fetchone()[0] + 1
    pay_offset = n_items
    part_offset = n_items + paid_items
    cr.execute(SQL("SELECT setval('account_move_line_id_seq', %s)",
                   first_id + part_offset + n_items))
    cr.execute(SQL("""
        CREATE TEMP TABLE bench_item ON COMMIT DROP AS
        SELECT s.*,
               CASE WHEN s.paid AND s.i %% 5 = 0 THEN LEAST(s.d + ((s.id %% 121) / 2)::int,
                                                          %(today)s::date)
                    WHEN NOT s.paid AND s.i %% 10 = 0 THEN LEAST(s.d + (s.i %% 61)::int,
                                                                 %(today)s::date)
               END AS part_date,
               CASE WHEN (s.paid AND s.i %% 5 = 0) OR (NOT s.paid AND s.i %% 10 = 0)
                    THEN s.amount * 0.4 END AS part_amount,
               CASE WHEN s.paid THEN LEAST(s.d + (s.id %% 121)::int, %(today)s::date)
               END AS pay_date
          FROM (
            SELECT i, %(first)s + i - 1 AS id,
                   (%(moves)s)[1 + (i / 1000)] AS move_id,
                   (%(debtors)s)[1 + (i * 7919) %% %(n_debtors)s] AS partner_id,
                   (%(clients)s)[1 + (i * 104729) %% %(n_clients)s] AS client_id,
                   %(today)s::date - (i %% 730)::int AS d,
                   (100 + (i * 37) %% 9900)::numeric AS amount,
                   i <= %(paid)s AS paid
              FROM generate_series(1::bigint, %(items)s) i
          ) s""",
        first=first_id, moves=move_ids, debtors=debtor_ids, clients=client_ids,
        n_debtors=len(debtor_ids), n_clients=len(client_ids), paid=paid_items,
        items=n_items, today=TODAY))
    cr.execute(SQL("""
        INSERT INTO account_move_line (
            id, move_id, journal_id, company_id, company_currency_id, currency_id,
            account_id, partner_id, factoring_client_id, name, display_type, date,
            date_maturity, parent_state, balance, debit, credit, amount_currency,
            amount_residual, amount_residual_currency, reconciled,
            factoring_first_reconcile_date, factoring_last_reconcile_date)
        SELECT id, move_id, %(journal)s, %(company)s, %(currency)s, %(currency)s,
               %(account)s, partner_id, client_id, 'B' || i, 'product', d,
               d + 30 + (i %% 61)::int, 'posted', amount, amount, 0, amount,
               CASE WHEN paid THEN 0 ELSE amount - COALESCE(part_amount, 0) END,
               CASE WHEN paid THEN 0 ELSE amount - COALESCE(part_amount, 0) END, paid,
               COALESCE(part_date, pay_date), COALESCE(pay_date, part_date)
          FROM bench_item""",
        journal=journal.id, company=company.id, currency=eur.id, account=account.id))
    for offset, pay_date, amount, where in (
            (pay_offset, "pay_date", "(amount - COALESCE(part_amount, 0))", "paid"),
            (part_offset, "part_date", "part_amount", "part_date IS NOT NULL")):
        pay_date, amount, where = SQL(pay_date), SQL(amount), SQL(where)
        cr.execute(SQL("""
            INSERT INTO account_move_line (
                id, move_id, journal_id, company_id, company_currency_id, currency_id,
                account_id, partner_id, name, display_type, date, parent_state, balance,
                debit, credit, amount_currency, amount_residual, amount_residual_currency,
                reconciled, factoring_first_reconcile_date, factoring_last_reconcile_date)
            SELECT id + %(offset)s, move_id, %(journal)s, %(company)s, %(currency)s,
                   %(currency)s, %(account)s, partner_id, 'PAY', 'product', %(pay_date)s,
                   'posted', -%(amount)s, 0, %(amount)s, -%(amount)s, 0, 0, TRUE,
                   %(pay_date)s, %(pay_date)s
              FROM bench_item WHERE %(where)s""",
            offset=offset, journal=journal.id, company=company.id, currency=eur.id,
            account=account.id, pay_date=pay_date, amount=amount, where=where))
        cr.execute(SQL("""
            INSERT INTO account_partial_reconcile (
                debit_move_id, credit_move_id, amount, debit_amount_currency,
                credit_amount_currency, debit_currency_id, credit_currency_id, company_id,
                max_date)
            SELECT id, id + %(offset)s, %(amount)s, %(amount)s, %(amount)s, %(currency)s,
                   %(currency)s, %(company)s, %(pay_date)s
              FROM bench_item WHERE %(where)s""",
            offset=offset, company=company.id, currency=eur.id, pay_date=pay_date,
            amount=amount, where=where))
    cr.execute("DROP TABLE bench_item")
    for definition in indexes:
        cr.execute(definition)
    if superuser:
        cr.execute("SET LOCAL session_replication_role = origin")
    for table in ("account_move", "account_move_line", "account_partial_reconcile",
                  "res_partner"):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))


def vacuum(cr, tables):
    """VACUUM ANALYZE (outside a transaction): the visibility map lets the
    aging read the committed ledger with index-only scans."""
    from odoo.tools import SQL  # noqa: PLC0415

    connection = cr._cnx
    connection.autocommit = True
    try:
        for table in tables:
            cr.execute(SQL("VACUUM ANALYZE %s", SQL.identifier(table)))
    finally:
        connection.autocommit = False


def prepare(env, open_items, paid_items, debtors, clients, persist=False, commit=None):
    """The company, its factoring manager and the generated ledger.

    :return: (the manager's env, the company, generation seconds or None when an
              earlier --persist run's ledger is reused)
    """
    env = env(context=dict(env.context, tracking_disable=True))
    label = bench_label(open_items, paid_items, debtors, clients)
    company, user = find_persisted(env, label) if persist else (None, None)
    generation = None
    if not company:
        t0 = time.perf_counter()
        company = bench_schedule.bench_company(env, label)
        user = bench_schedule.bench_manager(env, company, "Bench Manager", "bench_reports")
        generate(env, company, open_items, paid_items, debtors, clients)
        env.invalidate_all()
        if persist:
            commit()
            vacuum(env.cr, ("account_move", "account_move_line",
                            "account_partial_reconcile", "res_partner"))
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


def check_kpi_months(env, company, kpis):
    """The KPIs' AR at each month end of the period (the monthly CEIs'
    inputs) against the open total at that date straight from the generated
    rows; returns the month ends that differ, as (date, got, expected)."""
    wrong = []
    for month in kpis["cei_months"]:
        expected = expected_open(env, company, date.fromisoformat(month["date_to"]))
        if abs(month["ending_ar"] - expected) >= 0.01:
            wrong.append((month["date_to"], month["ending_ar"], expected))
    return wrong


def take_snapshot(env, company, month_end):
    """The monthly snapshot of one month end (one DELETE and one INSERT ...
    SELECT over the aging as of that date), as a manager's backfill; returns
    [(month end, open AR of the rows)] for the check."""
    Snapshot = env["factoring.report.snapshot"]
    Snapshot.action_backfill(month_end, month_end, company.ids)
    [(total,)] = Snapshot._read_group(
        [("date", "=", month_end), ("company_id", "=", company.id)], [], ["residual:sum"])
    return [(month_end, total)]


class BackendCpu:
    """CPU seconds of this cursor's PostgreSQL backend process (utime + stime
    from /proc; the server runs on this machine). Parallel workers are not
    counted. None where /proc/<pid>/stat cannot be read."""

    def __init__(self, cr):
        cr.execute("SELECT pg_backend_pid()")
        self.path = "/proc/%d/stat" % cr.fetchone()[0]
        self.tick = os.sysconf("SC_CLK_TCK")

    def seconds(self):
        try:
            with open(self.path) as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self.tick


class Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise Timeout()


def measure(env, name, step, backend, warmup=False, timeout=None):
    """Run ``step`` as a fresh request; return (measurement, output, backend CPU
    seconds), output None when it ran out of ``timeout`` seconds (Python stopped
    by an alarm, a query by statement_timeout; its work is rolled back to a
    savepoint)."""
    import psycopg2  # noqa: PLC0415

    if warmup:
        step()  # first read of freshly generated rows (PostgreSQL's buffers)
    bench_schedule._fresh_request(env)
    cpu0 = backend.seconds()
    output = None
    with bench_schedule.Meter(name) as meter:
        if not timeout:
            output = step()
            env.flush_all()
        else:
            env.cr.execute("SET statement_timeout = %s", (int(timeout * 1000),))
            previous = signal.signal(signal.SIGALRM, _alarm)
            signal.alarm(int(timeout))
            try:
                with env.cr.savepoint():
                    output = step()
                    env.flush_all()
            except (Timeout, psycopg2.errors.QueryCanceled):
                output = None
            finally:
                signal.alarm(0)
                signal.signal(signal.SIGALRM, previous)
                env.invalidate_all()
                env.cr.execute("SET statement_timeout = 0")
    cpu1 = backend.seconds()
    return meter.result, output, (cpu1 - cpu0 if cpu0 is not None and cpu1 is not None
                                  else None)


def our_steps(env, company):
    Aging = env["factoring.aging.report"]
    past = TODAY - timedelta(days=365)
    return [
        ("aging today", lambda: Aging.with_context(factoring_aging_date=TODAY)._read_group(
            [], ["debtor_id"], ["residual:sum", "amount_overdue:sum"])),
        ("aging past", lambda: Aging.with_context(factoring_aging_date=past)._read_group(
            [], ["debtor_id"], ["residual:sum", "amount_overdue:sum"])),
        ("kpis", lambda: env["factoring.kpi"].get_kpis(
            TODAY - timedelta(days=91), TODAY)),
        ("snapshot", lambda: take_snapshot(env, company, MONTH_END)),
    ]


OCA_REPORT = "report.account_financial_report.aged_partner_balance"


def oca_installed(env):
    return OCA_REPORT in env.registry


def oca_aged_balance(env, company, as_of):
    """OCA's aged partner balance of the factored-receivables account as of
    ``as_of``, as its wizard's reports compute it (without rendering):
    {partner name: residual}."""
    wizard = env["aged.partner.balance.report.wizard"].create({
        "company_id": company.id, "date_at": as_of,
        "account_ids": [(6, 0, company.factoring_receivable_account_id.ids)],
    })
    data = wizard._prepare_report_data()
    data["date_at"] = as_of.isoformat()  # what the report action passes (JSON)
    values = env[OCA_REPORT]._get_report_values(wizard.ids, data)
    totals = {}
    for account in values["aged_partner_balance"]:
        for partner in account["partners"]:
            totals[partner["name"]] = totals.get(partner["name"], 0.0) + partner["residual"]
    return totals


def oca_steps(env, company):
    from odoo import SUPERUSER_ID  # noqa: PLC0415

    oca_env = env(user=SUPERUSER_ID, context=dict(
        env.context, allowed_company_ids=company.ids))
    company = company.with_env(oca_env)
    past = TODAY - timedelta(days=365)
    return [
        ("OCA aged balance today", lambda: oca_aged_balance(oca_env, company, TODAY)),
        ("OCA aged balance past", lambda: oca_aged_balance(oca_env, company, past)),
    ]


def run_steps(env, company, warmup=False, oca_timeout=None, backend=None):
    """Our steps, then OCA's when it is installed; each printed when done.
    Returns {name: (measurement, output, backend CPU)}."""
    backend = backend or BackendCpu(env.cr)
    steps = [(name, step, None) for name, step in our_steps(env, company)]
    if oca_installed(env):
        steps += [(name, step, oca_timeout) for name, step in oca_steps(env, company)]
    results = {}
    for name, step, timeout in steps:
        # OCA's minutes-long run is measured once (no warm-up run)
        results[name] = measure(env, name, step, backend, warmup=warmup and not timeout,
                                timeout=timeout)
        m, output, pg_cpu = results[name]
        print("  %-24s %8.2f s wall, %7.2f s CPU (Odoo), %s CPU (PostgreSQL), %5.0f MB%s"
              % (name, m.seconds, m.cpu_seconds,
                 "%.2f s" % pg_cpu if pg_cpu is not None else "?", m.rss_peak_mb,
                 "" if output is not None else ", STOPPED after %s s" % timeout), flush=True)
    return results


def compare_debtors(ours, oca):
    """Per-debtor totals of our aging and OCA's: (debtors in both, debtors in
    one only, largest difference)."""
    mine = {debtor.display_name: residual for debtor, residual, _overdue in ours}
    names = set(mine) | set(oca)
    common = set(mine) & set(oca)
    worst = max((abs(mine.get(n, 0.0) - oca.get(n, 0.0)) for n in names), default=0.0)
    return len(common), len(names - common), worst


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the aging and the KPIs of factoring_reports on a large "
                    "generated ledger, side by side with OCA's aged partner balance.")
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
    parser.add_argument("--persist", action="store_true",
                        help="commit the generated ledger and reuse it in later runs of "
                             "the same sizes (the measured steps are still rolled back)")
    parser.add_argument("--oca-addons", metavar="PATH",
                        help="folder holding OCA's account_financial_report, date_range and "
                             "report_xlsx (installed in the database): time its aged "
                             "partner balance on the same data")
    parser.add_argument("--oca-timeout", type=int, default=1200, metavar="SECONDS",
                        help="stop each OCA step after this many seconds (default 1200)")
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
    real_commit = cr.commit
    cr.commit = bench_schedule._refuse_commit
    status = 0
    try:
        env = api.Environment(cr, SUPERUSER_ID, {})
        facts = bench_schedule.machine_facts(env)
        if args.oca_addons and not oca_installed(env):
            print("bench: OCA's account_financial_report is not installed in %r: "
                  "no side by side" % args.database, file=sys.stderr)
        print("%d open and %d paid items over %d debtors and %d clients ..."
              % (args.open_items, args.paid_items, args.debtors, args.clients), flush=True)
        user_env, company, generation = prepare(
            env, args.open_items, args.paid_items, args.debtors, args.clients,
            persist=args.persist, commit=real_commit)
        print("  generated in %.0f s%s" % (generation, " and committed" if args.persist else "")
              if generation is not None else "  reusing the committed ledger of %s"
              % company.name, flush=True)
        if args.explain:
            from odoo.tools import SQL  # noqa: PLC0415
            aging = user_env["factoring.aging.report"]
            for as_of in (TODAY, TODAY - timedelta(days=365)):
                env.cr.execute(SQL(
                    "EXPLAIN (ANALYZE, BUFFERS) SELECT t.debtor_id, SUM(t.residual) "
                    "FROM (%s) t GROUP BY t.debtor_id", aging._factoring_aging_sql(as_of)))
                print("\n".join(row[0] for row in env.cr.fetchall()))
        print("Load average before the steps: %.2f %.2f %.2f" % os.getloadavg(), flush=True)
        results = run_steps(user_env, company, warmup=args.warmup,
                            oca_timeout=args.oca_timeout)
        print("Load average after the steps: %.2f %.2f %.2f" % os.getloadavg(), flush=True)
        past = TODAY - timedelta(days=365)
        expected = {
            "aging today": expected_open(env, company, TODAY),
            "aging past": expected_open(env, company, past),
            "kpis": expected_open(env, company, TODAY),
            "snapshot": expected_open(env, company, MONTH_END),
            "OCA aged balance today": expected_open(env, company, TODAY),
            "OCA aged balance past": expected_open(env, company, past),
        }
        totals = {
            "aging today": lambda out: sum(r[1] for r in out),
            "aging past": lambda out: sum(r[1] for r in out),
            "kpis": lambda out: out[0]["ending_ar"],
            "snapshot": lambda out: sum(r[1] for r in out),
            "OCA aged balance today": lambda out: sum(out.values()),
            "OCA aged balance past": lambda out: sum(out.values()),
        }
        print()
        print("| Step | Wall | CPU (Odoo) | CPU (PostgreSQL) | Peak RSS | Groups | Total "
              "| Expected | Verdict |")
        print("|---|---|---|---|---|---|---|---|---|")
        summary = {}
        for name, (m, output, pg_cpu) in results.items():
            if output is None:
                print("| %s | > %.0f s (stopped) | %.2f s | %s | %.0f MB | | | %.2f "
                      "| DID NOT FINISH |" % (
                          name, m.seconds, m.cpu_seconds,
                          "%.2f s" % pg_cpu if pg_cpu is not None else "?",
                          m.rss_peak_mb, expected[name]))
                continue
            got = totals[name](output)
            ok = abs(got - expected[name]) < 0.01
            status = status or (0 if ok else 1)
            verdict = "OK" if m.seconds < TARGET_SECONDS and m.rss_peak_mb < TARGET_MB \
                else "OVER TARGET"
            print("| %s | %.2f s | %.2f s | %s | %.0f MB | %d | %.2f | %.2f | %s%s |" % (
                name, m.seconds, m.cpu_seconds,
                "%.2f s" % pg_cpu if pg_cpu is not None else "?", m.rss_peak_mb,
                len(output), got, expected[name], verdict, "" if ok else ", WRONG TOTAL"))
        if results["kpis"][1] is not None:
            wrong = check_kpi_months(env, company, results["kpis"][1][0])
            status = status or (1 if wrong else 0)
            print("\nKPIs: AR at the %d month ends of the period (monthly CEIs) %s; CEI %s"
                  % (len(results["kpis"][1][0]["cei_months"]),
                     "WRONG at %s" % wrong if wrong else "equal the direct SQL sums",
                     results["kpis"][1][0]["cei"]))
        for ours, theirs in (("aging today", "OCA aged balance today"),
                             ("aging past", "OCA aged balance past")):
            if theirs not in results:
                continue
            mine, oca = results[ours], results[theirs]
            if oca[1] is None:
                print("\nSide by side, %s: ours %.2f s; OCA stopped after %.0f s "
                      "(ratio > %.0f)" % (ours, mine[0].seconds, oca[0].seconds,
                                          oca[0].seconds / mine[0].seconds))
                summary[ours] = {"ours": mine[0].seconds, "oca": None}
                continue
            common, only_one, worst = compare_debtors(mine[1], oca[1])
            agree = only_one == 0 and worst < 0.01
            status = status or (0 if agree else 1)
            print("\nSide by side, %s: ours %.2f s, OCA %.2f s, ratio OCA / ours %.1f; "
                  "per-debtor totals %s (%d debtors in both, %d in one only, largest "
                  "difference %.2f)" % (
                      ours, mine[0].seconds, oca[0].seconds,
                      oca[0].seconds / mine[0].seconds,
                      "AGREE" if agree else "DISAGREE", common, only_one, worst))
            summary[ours] = {"ours": mine[0].seconds, "oca": oca[0].seconds,
                             "debtors": common, "agree": agree}
        print()
        print("Machine: %(nproc)s cores, %(cpu)s, %(memory)s, Python %(python)s, "
              "PostgreSQL %(postgresql)s, Odoo %(odoo)s" % facts)
        if args.json:
            with open(args.json, "w") as out:
                json.dump({"machine": facts, "generation_seconds": generation,
                           "load": os.getloadavg(),
                           "steps": {n: dict(vars(r[0]), pg_cpu_seconds=r[2],
                                             finished=r[1] is not None)
                                     for n, r in results.items()},
                           "side_by_side": summary}, out, indent=2)
    finally:
        cr.rollback()
        cr.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
