#!/usr/bin/env python3
"""Benchmark of factoring_disputes: many open disputes over many open items.

Usage::

    .venv/bin/python tests/benchmarks/bench_disputes.py \\
        --odoo-src $ODOO_SRC --config .odoo-local.conf -d factoring_bench \\
        [--items 100000] [--disputes 10000] [--debtors 2000] [--clients 100] [--json out.json]

The database needs factoring_disputes installed. Everything happens in ONE
transaction rolled back at the end (the database is left as it was):

1. set-up (not measured): a company with the generic chart and the factoring
   accounts, debtors, clients, ``--items`` open factored receivable items
   (set-based INSERT ... SELECT, the rows carry what the queries read).
   The same ledger is generated twice, in two companies: one without
   disputes, one where ``--disputes`` items (one in ten) are disputed, with
   the items' ``factoring_on_hold`` flag set at insertion (as base's holds set
   it; an UPDATE afterwards would leave dead row versions in the heap and
   measure those instead of the holds).
2. set-up: ``--disputes`` open disputes in the second company, one item each,
   spread over reasons, owners and open stages, with their lines and holds.
3. the real computations the holds take part in, on each company, with and
   without the disputes' holds (the benchmark script may use sibling addons;
   the addons never depend on each other):
   - factoring_limits installed: its set-based eligibility and availability
     computation ``factoring.limit.engine._availability(company, clients)``
     for every client, alternately on each company, median of ``--rounds``
     runs; without factoring_limits, a stand-in eligibility query (the open,
     not held factored items summed by client);
   - factoring_collections installed: its dunning run
     ``factoring.dunning.run._run(company, day)`` (as bench_collections.py
     drives it: the run's test mode, no commits) with a three-level policy,
     ``--dunning-rounds`` runs per company in the order plain, disputed,
     disputed, plain..., each in a savepoint rolled back afterwards.
   Wall time, CPU of this process (Odoo) and CPU of the PostgreSQL backend
   serving the transaction (read from /proc, same machine) for each, the
   ratio with / without holds (target: less than 10 % more), and the load
   average before and after. Outcomes are checked: the availability leaves
   out exactly the held items' eligible residual, the dunning run skips
   exactly the held overdue items.
4. measured, as the factoring manager in the second company, each as a fresh request (caches
   emptied), target 1 s each:
   - the kanban board (grouped by stage, counts and sums) and the first page
     of the list;
   - filters: my disputes, one debtor (by name), one reason and owner, past
     deadline; the pivot by reason and owner;
   - the open items list with the disputed column.
   It prints a Markdown table; the figures go into the addon's readme.
   Missed targets are printed (exit 0, or 3 with ``--strict``); a wrong
   outcome exits 1.
"""
# pylint: disable=print-used
import argparse
import json
import os
import statistics
import sys
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_schedule  # noqa: E402  (shared measurement and registry helpers)

TARGET_SECONDS = 1.0
TARGET_HOLD_OVERHEAD = 10.0  # percent
TODAY = date(2026, 11, 23)


def _company(env, name):
    return bench_schedule.bench_company(env, name)


def _ledger(env, company, items, debtor_ids, client_ids, held):
    """``items`` open factored items of ``company``, each bought in a funded
    schedule of its client (one agreement, schedule and funding entry per
    client, one schedule line per item: what base's availability counts); the
    first ``held`` items with i % 10 = 0 are flagged on hold at insertion (as
    base's holds flag them: no dunning, not eligible), so that both ledgers
    have the same physical layout."""
    from odoo.tools import SQL  # noqa: PLC0415

    cr = env.cr
    journal = company.factoring_journal_id
    account = company.factoring_receivable_account_id
    currency = company.currency_id
    terms = {"ineligibility_days": 90, "cross_age_percent": 0.0} \
        if "ineligibility_days" in env["factoring.agreement"]._fields else {}
    agreements = env["factoring.agreement"].create([{
        "client_id": client_id, "company_id": company.id, "currency_id": currency.id,
        "advance_rate": 80.0, "date_start": date(2026, 1, 1), **terms,
    } for client_id in client_ids])
    env.flush_all()
    cr.execute(SQL("""
        INSERT INTO account_move (name, date, state, move_type, journal_id, company_id,
                                  currency_id, auto_post)
        SELECT 'BENCHD/' || %(company)s || '/' || i, %(today)s, 'posted', 'entry',
               %(journal)s, %(company)s, %(currency)s, 'no'
          FROM generate_series(1, %(n)s) i RETURNING id""",
        today=TODAY, journal=journal.id, company=company.id, currency=currency.id,
        n=len(client_ids)))
    move_ids = [row[0] for row in cr.fetchall()]
    cr.execute(SQL("""
        INSERT INTO factoring_schedule (name, client_id, agreement_id, company_id,
                                        currency_id, date, state, move_id)
        SELECT 'BENCHD-S/' || %(company)s || '/' || n, client_id, agreement_id,
               %(company)s, %(currency)s, %(today)s, 'funded', move_id
          FROM unnest(%(clients)s::int[], %(agreements)s::int[], %(moves)s::int[])
                   WITH ORDINALITY AS t(client_id, agreement_id, move_id, n)
        RETURNING id""",
        company=company.id, currency=currency.id, today=TODAY, clients=client_ids,
        agreements=[agreements.filtered(lambda a, c=c: a.client_id.id == c).id
                    for c in client_ids],
        moves=move_ids))
    schedule_ids = [row[0] for row in cr.fetchall()]
    cr.execute(SQL("""
        CREATE TEMP TABLE bench_items ON COMMIT DROP AS
        SELECT i, 1 + (i * 104729) %% %(n_clients)s AS k,
               (%(debtors)s)[1 + (i * 7919) %% %(n_debtors)s] AS debtor_id,
               %(today)s::date - (i %% 200)::int AS d,
               (100 + (i * 37) %% 9900)::numeric AS amount,
               (i %% 10 = 0 AND i / 10 <= %(held)s) AS held
          FROM generate_series(1::bigint, %(items)s) i""",
        n_clients=len(client_ids), debtors=debtor_ids, n_debtors=len(debtor_ids),
        today=TODAY, items=items, held=held))
    cr.execute(SQL("""
        INSERT INTO factoring_schedule_line (schedule_id, client_id, debtor_id, currency_id,
                                             sequence, invoice_number, invoice_date,
                                             due_date, amount, is_funded)
        SELECT (%(schedules)s)[k], (%(clients)s)[k], debtor_id, %(currency)s, i,
               'BD' || i, d, d + 30 + (i %% 61)::int, amount, TRUE
          FROM bench_items""",
        schedules=schedule_ids, clients=client_ids, currency=currency.id))
    cr.execute(SQL("""
        INSERT INTO account_move_line (
            move_id, journal_id, company_id, company_currency_id, currency_id, account_id,
            partner_id, factoring_client_id, factoring_schedule_line_id, name,
            display_type, date, date_maturity, parent_state, balance, debit, credit,
            amount_currency, amount_residual, amount_residual_currency, reconciled,
            factoring_on_hold, factoring_dunning_hold, factoring_ineligible_hold)
        SELECT (%(moves)s)[b.k], %(journal)s, %(company)s, %(currency)s, %(currency)s,
               %(account)s, b.debtor_id, (%(clients)s)[b.k], sl.id, 'BD' || b.i,
               'product', b.d, sl.due_date, 'posted', b.amount, b.amount, 0, b.amount,
               b.amount, b.amount, FALSE, b.held, b.held, b.held
          FROM bench_items b
          JOIN factoring_schedule_line sl
            ON sl.schedule_id = (%(schedules)s)[b.k] AND sl.invoice_number = 'BD' || b.i""",
        moves=move_ids, journal=journal.id, company=company.id, currency=currency.id,
        account=account.id, clients=client_ids, schedules=schedule_ids))
    cr.execute("DROP TABLE bench_items")


def prepare(env, items, debtors, clients, disputes):
    """Two companies with the same ledger: one without disputes, one whose
    ``disputes`` disputed items are held. Returns the manager's environment in
    the second, both companies and the dispute owners."""
    from odoo import Command  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    env = env(context=dict(env.context, tracking_disable=True))
    plain = _company(env, "Bench No Disputes")
    company = _company(env, "Bench Disputes")
    user = env["res.users"].create({
        "name": "Bench Manager", "login": "bench_disputes_%s" % company.id,
        "group_ids": [Command.set([env.ref("factoring_base.group_factoring_manager").id])],
        "company_id": company.id, "company_ids": [Command.set(company.ids)],
    })
    owners = env["res.users"].create([{
        "name": "Bench Collector %d" % i, "login": "bench_disp_coll_%s_%d" % (company.id, i),
        "group_ids": [Command.set([env.ref("factoring_base.group_factoring_collector").id])],
        "company_id": company.id, "company_ids": [Command.set(company.ids)],
    } for i in range(10)]) | user
    env.flush_all()
    cr = env.cr
    cr.execute(SQL("""
        INSERT INTO res_partner (name, complete_name, active, is_company, type,
                                 is_factoring_debtor, autopost_bills)
        SELECT 'Bench Debtor ' || i, 'Bench Debtor ' || i, TRUE, TRUE, 'contact',
               TRUE, 'ask'
          FROM generate_series(1, %(n)s) i RETURNING id""", n=debtors))
    debtor_ids = [row[0] for row in cr.fetchall()]
    cr.execute(SQL("""
        INSERT INTO res_partner (name, complete_name, active, is_company, type,
                                 is_factoring_client, autopost_bills)
        SELECT 'Bench Client ' || i, 'Bench Client ' || i, TRUE, TRUE, 'contact',
               TRUE, 'ask'
          FROM generate_series(1, %(n)s) i RETURNING id""", n=clients))
    client_ids = [row[0] for row in cr.fetchall()]
    cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
                   debtor_ids + client_ids))
    _ledger(env, plain, items, debtor_ids, client_ids, 0)
    _ledger(env, company, items, debtor_ids, client_ids, disputes)
    cr.execute("ANALYZE account_move_line")
    user_env = env(user=user.id, context={
        "allowed_company_ids": [company.id], "lang": "en_US", "tz": "UTC"})
    return user_env, plain, company, owners


def add_disputes(env, company, owners, disputes):
    """``disputes`` open disputes, one item each (every tenth item), with their
    lines and holds, in SQL; returns the ids of the disputed items."""
    from odoo.tools import SQL  # noqa: PLC0415

    reasons = env["factoring.dispute.reason"].search([]).ids
    stages = env["factoring.dispute.stage"].search([("stage_type", "=", "open")]).ids
    cr = env.cr
    cr.execute(SQL("""
        CREATE TEMP TABLE bench_disputed ON COMMIT DROP AS
        SELECT l.id AS item_id, l.partner_id, l.factoring_client_id, l.amount_residual,
               row_number() OVER (ORDER BY l.id) AS n
          FROM account_move_line l
         WHERE l.company_id = %(company)s AND l.factoring_on_hold
         ORDER BY l.id LIMIT %(n)s""", company=company.id, n=disputes))
    cr.execute(SQL("""
        INSERT INTO factoring_dispute (
            name, company_id, debtor_id, client_id, reason_id, user_id, stage_id, state,
            priority, date_open, date_deadline, item_count, amount_disputed,
            amount_credited, amount_written_off, amount_debtor_pays, amount_rejected,
            amount_unresolved, approval_pending, payment_pending, days_to_resolve,
            create_uid, create_date, write_uid, write_date)
        SELECT 'BENCH/' || n, %(company)s, partner_id, factoring_client_id,
               (%(reasons)s)[1 + n %% %(n_reasons)s], (%(owners)s)[1 + n %% %(n_owners)s],
               (%(stages)s)[1 + n %% %(n_stages)s], 'open', '0',
               %(today)s::date - (n %% 60)::int, %(today)s::date - (n %% 60)::int + 10,
               1, round(amount_residual / 2, 2), 0, 0, 0, 0, round(amount_residual / 2, 2),
               FALSE, FALSE, 0, 1, now(), 1, now()
          FROM bench_disputed RETURNING id, name""",
        company=company.id, reasons=reasons, n_reasons=len(reasons), owners=owners.ids,
        n_owners=len(owners), stages=stages, n_stages=len(stages), today=TODAY))
    cr.execute(SQL("""
        INSERT INTO factoring_dispute_line (dispute_id, company_id, move_line_id, amount,
                                            amount_company, dispute_open)
        SELECT d.id, %(company)s, b.item_id, round(b.amount_residual / 2, 2),
               round(b.amount_residual / 2, 2), TRUE
          FROM bench_disputed b JOIN factoring_dispute d
            ON d.company_id = %(company)s AND d.name = 'BENCH/' || b.n""",
        company=company.id))
    cr.execute(SQL("""
        INSERT INTO factoring_item_hold (move_line_id, company_id, partner_id, reason, source,
                                         res_model, res_id, user_id, date, active)
        SELECT l.move_line_id, %(company)s, b.partner_id, 'Disputed', 'dispute',
               'factoring.dispute', l.dispute_id, 1, now(), TRUE
          FROM factoring_dispute_line l JOIN bench_disputed b ON b.item_id = l.move_line_id
         WHERE l.company_id = %(company)s""", company=company.id))
    for table in ("factoring_dispute", "factoring_dispute_line", "factoring_item_hold",
                  "account_move_line"):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    env.invalidate_all()


def eligibility_sql(company):
    """Availability-style query: per client, the open factored items that may be
    funded (not held), as a set-based sum."""
    from odoo.tools import SQL  # noqa: PLC0415

    return SQL("""
        SELECT l.factoring_client_id, count(*), sum(l.amount_residual)
          FROM account_move_line l
         WHERE l.company_id = %(company)s AND l.account_id = %(account)s
           AND l.parent_state = 'posted' AND l.reconciled IS NOT TRUE
           AND l.factoring_client_id IS NOT NULL
           AND l.factoring_on_hold IS NOT TRUE
         GROUP BY l.factoring_client_id""",
        company=company.id, account=company.factoring_receivable_account_id.id)


def backend_cpu(cr):
    """CPU seconds (user + system) the PostgreSQL backend of ``cr`` has used so
    far, read from /proc (the cluster runs on this machine), or None."""
    cr.execute("SELECT pg_backend_pid()")
    pid = cr.fetchone()[0]
    try:
        with open("/proc/%d/stat" % pid) as stat:
            # fields after "(comm)": state is field 3, utime 14, stime 15
            values = stat.read().rsplit(")", 1)[1].split()
        return (int(values[11]) + int(values[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def measure(env, name, function):
    """Run ``function`` as a fresh request; returns (row, its output): wall
    and CPU seconds of this process and of the PostgreSQL backend."""
    bench_schedule._fresh_request(env)
    pg_before = backend_cpu(env.cr)
    with bench_schedule.Meter(name) as meter:
        output = function()
        env.flush_all()
    pg_after = backend_cpu(env.cr)
    row = {"step": name, "seconds": meter.result.seconds,
           "cpu_seconds": meter.result.cpu_seconds,
           "pg_cpu_seconds": (pg_after - pg_before
                              if pg_before is not None and pg_after is not None else None)}
    return row, output


def _median_row(name, rows):
    """One row of medians (wall, CPU) of several runs of a step."""
    def median(key):
        values = [row[key] for row in rows if row[key] is not None]
        return statistics.median(values) if values else None
    return {"step": name, "seconds": median("seconds"), "cpu_seconds": median("cpu_seconds"),
            "pg_cpu_seconds": median("pg_cpu_seconds"), "runs": len(rows)}


def _compare(plain_row, held_row):
    """The ratio row of ``held_row`` against ``plain_row``: target < +10 %."""
    overhead = (100.0 * (held_row["seconds"] - plain_row["seconds"]) / plain_row["seconds"]
                if plain_row["seconds"] else 0.0)
    held_row.update({"overhead_pct": overhead, "target": "< +%d %%" % TARGET_HOLD_OVERHEAD,
                     "ok": overhead < TARGET_HOLD_OVERHEAD})
    return overhead


def _alternate(companies, rounds):
    """(round, company) in the order A B B A A B ... so that neither company
    always runs first (warmer buffers, dead row versions of the last run)."""
    for index in range(rounds):
        for company in (companies if index % 2 == 0 else companies[::-1]):
            yield index, company


def time_stand_in(env, plain, company, held, rounds):
    """Without factoring_limits: the stand-in eligibility query."""
    def query(target):
        env.cr.execute(eligibility_sql(target))
        return env.cr.fetchall()

    query(plain), query(company)  # warm the buffers
    samples = {plain: [], company: []}
    outputs = {}
    for _index, target in _alternate((plain, company), rounds):
        row, outputs[target] = measure(env, "stand-in", lambda t=target: query(t))
        samples[target].append(row)
    plain_row = _median_row("eligibility query (stand-in), no disputes", samples[plain])
    held_row = _median_row("eligibility query (stand-in), %d held items" % held,
                           samples[company])
    _compare(plain_row, held_row)
    failures = []
    left_out = sum(r[1] for r in outputs[plain]) - sum(r[1] for r in outputs[company])
    if left_out != held:
        failures.append("eligibility left out %d items, expected %d held" % (left_out, held))
    return [plain_row, held_row], failures


def time_availability(env, plain, company, client_ids, held, rounds):
    """factoring_limits' eligibility and availability of every client, on the
    ledger without disputes and on the one with the disputes' holds."""
    from odoo.tools import SQL  # noqa: PLC0415

    Engine = env["factoring.limit.engine"]
    for target in (plain, company):  # warm the buffers
        Engine._availability(target, client_ids, TODAY)
    samples = {plain: [], company: []}
    outputs = {}
    for _index, target in _alternate((plain, company), rounds):
        row, outputs[target] = measure(env, "availability", lambda t=target: (
            Engine._availability(t, client_ids, TODAY)))
        samples[target].append(row)
    plain_row = _median_row("availability (factoring_limits), no disputes", samples[plain])
    held_row = _median_row("availability (factoring_limits), %d held items" % held,
                           samples[company])
    _compare(plain_row, held_row)
    # the held items leave the eligible amount, except those already
    # ineligible by age (the same 90-day default as the engine's)
    from odoo.addons.factoring_limits.models.factoring_limit_engine import (  # noqa: PLC0415
        DEFAULT_INELIGIBILITY_DAYS,
    )
    [[expected]] = env.execute_query(SQL(
        """
        SELECT COALESCE(SUM(amount_residual), 0) FROM account_move_line
         WHERE company_id = %(company)s AND factoring_on_hold
           AND date >= %(today)s::date - %(days)s""",
        company=company.id, today=TODAY, days=DEFAULT_INELIGIBILITY_DAYS))

    def eligible(target):
        return sum(figures["eligible"] for figures in outputs[target].values())

    failures = []
    left_out = eligible(plain) - eligible(company)
    if abs(left_out - float(expected)) > 0.01 * len(client_ids):
        failures.append("availability left out %.2f of eligible items, expected %.2f held"
                        % (left_out, expected))
    return [plain_row, held_row], failures, {"left_out": left_out, "expected": float(expected)}


def dunning_policy(env, company):
    """bench_collections.py's three-level policy, the company's default."""
    import bench_collections  # noqa: PLC0415  (same folder, on sys.path)

    return bench_collections.dunning_policy(env, company)


def time_dunning(env, plain, company, rounds):
    """factoring_collections' dunning run of TODAY on each ledger, each run
    rolled back (savepoint) so that every run starts from the same state."""
    from odoo.tools import SQL  # noqa: PLC0415

    for target in (plain, company):
        dunning_policy(env, target)
    env.flush_all()
    Run = env["factoring.dunning.run"]
    samples = {plain: [], company: []}
    outcomes = {}
    for _index, target in _alternate((plain, company), rounds):
        savepoint = env.cr.savepoint()
        try:
            row, run = measure(env, "dunning", lambda t=target: Run.with_company(t)._run(
                t, TODAY))
            outcomes[target] = (run.item_count, run.skipped_hold, run.communication_count)
        finally:
            savepoint.close(rollback=True)
            env.invalidate_all()
        samples[target].append(row)
    plain_row = _median_row("dunning run (factoring_collections), no disputes",
                            samples[plain])
    held_row = _median_row("dunning run (factoring_collections), held items",
                           samples[company])
    _compare(plain_row, held_row)
    [[held_overdue]] = env.execute_query(SQL(
        """
        SELECT count(*) FROM account_move_line
         WHERE company_id = %(company)s AND factoring_on_hold AND date_maturity < %(today)s
           AND amount_residual > 0""", company=company.id, today=TODAY))
    held_row["step"] = "dunning run (factoring_collections), %d held overdue items" % (
        held_overdue)
    failures = []
    (plain_items, plain_held, _c), (items, skipped_hold, _c2) = (
        outcomes[plain], outcomes[company])
    if plain_held or skipped_hold != held_overdue or plain_items - items != held_overdue:
        failures.append(
            "dunning run: %d items dunned without disputes, %d with (%d skipped on hold); "
            "expected %d held overdue items skipped" % (
                plain_items, items, skipped_hold, held_overdue))
    return [plain_row, held_row], failures, {
        "items_plain": plain_items, "items_held": items, "skipped_hold": skipped_hold,
        "communications_plain": outcomes[plain][2], "communications_held": outcomes[company][2]}


def listing_steps(env):
    Dispute = env["factoring.dispute"]
    fields_list = ["name", "debtor_id", "client_id", "reason_id", "user_id", "date_open",
                   "date_deadline", "stage_id", "amount_disputed", "amount_unresolved",
                   "state", "activity_exception_decoration", "is_overdue"]
    open_ = [("state", "=", "open")]

    def page(domain):
        records = Dispute.search_fetch(domain, fields_list, limit=80)
        records.read(fields_list)
        return Dispute.search_count(domain), len(records)

    reason = env["factoring.dispute.reason"].search([], limit=1)
    owner = Dispute.search([], limit=1).user_id
    item_fields = ["partner_id", "factoring_client_id", "factoring_invoice_number",
                   "date_maturity", "amount_residual", "factoring_disputed_amount",
                   "factoring_dispute_id", "factoring_on_hold"]
    Line = env["account.move.line"]
    from odoo.fields import Domain  # noqa: PLC0415
    disputed = Line._factoring_open_items_domain() & Domain("factoring_dispute_id", "!=", False)
    return [
        ("kanban board", lambda: (
            Dispute._read_group(open_, ["stage_id"], ["__count", "amount_disputed:sum"]),
            [Dispute.search_fetch(open_ + [("stage_id", "=", stage.id)], fields_list,
                                  limit=40)
             for [stage] in Dispute._read_group(open_, ["stage_id"])])),
        ("list first page", lambda: page(open_)),
        ("filter my disputes", lambda: page(open_ + [("user_id", "=", env.uid)])),
        ("filter debtor name", lambda: page(open_ + [("debtor_id", "ilike", "Debtor 17")])),
        ("filter reason+owner", lambda: page(
            open_ + [("reason_id", "=", reason.id), ("user_id", "=", owner.id)])),
        ("filter past deadline", lambda: page([("is_overdue", "=", True)])),
        ("pivot reason x owner", lambda: Dispute._read_group(
            open_, ["reason_id", "user_id"], ["amount_disputed:sum", "__count"])),
        ("open items + disputed", lambda: Line.search_fetch(
            disputed, item_fields, limit=80).read(item_fields)),
    ]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark listing and filtering many disputes and the cost of their "
                    "holds on an eligibility query (everything rolled back).")
    parser.add_argument("--odoo-src", required=True)
    parser.add_argument("--config", "-c", required=True)
    parser.add_argument("--database", "-d", required=True,
                        help="database with factoring_disputes installed")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--disputes", type=int, default=10_000)
    parser.add_argument("--debtors", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7,
                        help="runs of the availability computation per company (median)")
    parser.add_argument("--dunning-rounds", type=int, default=2,
                        help="dunning runs per company (median; 0: no dunning run)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 3 when a target is missed")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--log-level", default="warn")
    args = parser.parse_args(argv)
    if min(args.items, args.disputes, args.debtors, args.clients, args.rounds) < 1 \
            or args.dunning_rounds < 0:
        parser.error("sizes must be positive")
    if args.disputes * 10 > args.items:
        parser.error("--disputes must be at most a tenth of --items (one item in ten)")
    return args


def run(env, args):
    """Everything measured; returns (rows of the table, failures, missed
    targets, details of the outcomes)."""
    user_env, plain, company, owners = prepare(env, args.items, args.debtors, args.clients,
                                               args.disputes)
    add_disputes(env, company, owners, args.disputes)
    results, failures, missed, details = [], [], [], {}
    details["load_before"] = os.getloadavg()
    if "factoring.limit.engine" in env:
        client_ids = env["res.partner"].search(
            [("name", "=like", "Bench Client %"), ("is_factoring_client", "=", True)]).ids
        rows, failed, details["availability"] = time_availability(
            env, plain, company, client_ids, args.disputes, args.rounds)
    else:
        rows, failed = time_stand_in(env, plain, company, args.disputes, args.rounds)
    results += rows
    failures += failed
    if "factoring.dunning.run" in env and args.dunning_rounds:
        rows, failed, details["dunning"] = time_dunning(env, plain, company,
                                                        args.dunning_rounds)
        results += rows
        failures += failed
    details["load_after"] = os.getloadavg()
    user_env = user_env(context=dict(user_env.context))
    for name, step in listing_steps(user_env):
        step()  # first read of freshly generated rows (PostgreSQL's buffers)
        row, _output = measure(user_env, name, step)
        row.update({"target": "< %g s" % TARGET_SECONDS, "ok": row["seconds"] < TARGET_SECONDS})
        results.append(row)
    for row in results:
        if row.get("ok") is False:
            missed.append("%s: %.3f s%s" % (row["step"], row["seconds"], (
                " (%+.1f %%)" % row["overhead_pct"]) if "overhead_pct" in row else ""))
    return results, failures, missed, details


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    _odoo, registry = bench_schedule.load_registry(args)
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    if "factoring.dispute" not in registry:
        print("bench: database %r does not have factoring_disputes installed"
              % args.database, file=sys.stderr)
        return 2
    cr = registry.cursor()
    cr.commit = bench_schedule._refuse_commit
    try:
        env = api.Environment(cr, SUPERUSER_ID, {})
        facts = bench_schedule.machine_facts(env)
        print("Generating %d open items, %d open disputes ..." % (args.items, args.disputes),
              flush=True)
        results, failures, missed, details = run(env, args)
    finally:
        cr.rollback()
        cr.close()
    print()
    print("| Step | Wall (s) | CPU Odoo (s) | CPU PostgreSQL (s) | Target | Verdict |")
    print("|---|---|---|---|---|---|")

    def fmt(value):
        return "" if value is None else "%.3f" % value

    for row in results:
        extra = " (%+.1f %%)" % row["overhead_pct"] if "overhead_pct" in row else ""
        verdict = "" if "ok" not in row else ("OK" if row["ok"] else "OVER TARGET")
        print("| %s | %s%s | %s | %s | %s | %s |" % (
            row["step"], fmt(row["seconds"]), extra, fmt(row["cpu_seconds"]),
            fmt(row["pg_cpu_seconds"]), row.get("target", ""), verdict))
    print()
    print("Load average (1, 5, 15 min) before the availability and dunning runs: "
          "%.2f %.2f %.2f; after: %.2f %.2f %.2f" % (
              *details["load_before"], *details["load_after"]))
    for key in ("availability", "dunning"):
        if key in details:
            print("%s: %s" % (key, ", ".join("%s %s" % item for item in details[key].items())))
    print("Machine: %(nproc)s CPU (%(cpu)s), %(memory)s, PostgreSQL %(postgresql)s, "
          "Odoo %(odoo)s" % facts)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"date": TODAY.isoformat(), "items": args.items,
                       "disputes": args.disputes, "machine": facts, "results": results,
                       "details": details}, out, indent=2)
    if missed:
        print("Targets missed: " + "; ".join(missed))
    if failures:
        print("FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 3 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
