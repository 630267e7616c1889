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
3. the eligibility query: a set-based availability per client (sum of the
   open, not held factored items by client, as funding availability reads
   them) on each company, alternately, median of 3 x ``--rounds`` runs.
4. measured, as the factoring manager in the second company, each as a fresh request (caches
   emptied), target 1 s each:
   - the kanban board (grouped by stage, counts and sums) and the first page
     of the list;
   - filters: my disputes, one debtor (by name), one reason and owner, past
     deadline; the pivot by reason and owner;
   - the open items list with the disputed column;
   - the eligibility query again WITH the disputes' holds (target: less than
     10 % above its time without them).
   It prints a Markdown table; the figures go into the addon's readme.
"""
# pylint: disable=print-used
import argparse
import json
import os
import statistics
import sys
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_schedule  # noqa: E402  (shared measurement and registry helpers)

TARGET_SECONDS = 1.0
TARGET_HOLD_OVERHEAD = 10.0  # percent
TODAY = date(2026, 11, 23)


def _company(env, name):
    return bench_schedule.bench_company(env, name)


def _ledger(env, company, items, debtor_ids, client_ids, held):
    """``items`` open factored items of ``company``; the first ``held`` items
    with i % 10 = 0 are flagged on hold at insertion (as base's holds flag
    them), so that both ledgers have the same physical layout."""
    from odoo.tools import SQL  # noqa: PLC0415

    cr = env.cr
    journal = company.factoring_journal_id
    account = company.factoring_receivable_account_id
    currency = company.currency_id
    cr.execute(SQL("""
        INSERT INTO account_move (name, date, state, move_type, journal_id, company_id,
                                  currency_id, auto_post)
        SELECT 'BENCHD/' || i, %(today)s, 'posted', 'entry', %(journal)s, %(company)s,
               %(currency)s, 'no'
          FROM generate_series(1, %(n)s) i RETURNING id""",
        today=TODAY, journal=journal.id, company=company.id, currency=currency.id,
        n=items // 1000 + 1))
    move_ids = [row[0] for row in cr.fetchall()]
    cr.execute(SQL("""
        INSERT INTO account_move_line (
            move_id, journal_id, company_id, company_currency_id, currency_id, account_id,
            partner_id, factoring_client_id, name, display_type, date, date_maturity,
            parent_state, balance, debit, credit, amount_currency, amount_residual,
            amount_residual_currency, reconciled, factoring_on_hold)
        SELECT (%(moves)s)[1 + (i / 1000)], %(journal)s, %(company)s, %(currency)s,
               %(currency)s, %(account)s,
               (%(debtors)s)[1 + (i * 7919) %% %(n_debtors)s],
               (%(clients)s)[1 + (i * 104729) %% %(n_clients)s],
               'BD' || i, 'product', d, d + 30 + (i %% 61)::int, 'posted',
               amount, amount, 0, amount, amount, amount, FALSE,
               (i %% 10 = 0 AND i / 10 <= %(held)s)
          FROM (SELECT i, %(today)s::date - (i %% 200)::int AS d,
                       (100 + (i * 37) %% 9900)::numeric AS amount
                  FROM generate_series(1::bigint, %(items)s) i) g""",
        moves=move_ids, journal=journal.id, company=company.id, currency=currency.id,
        account=account.id, debtors=debtor_ids, clients=client_ids,
        n_debtors=len(debtor_ids), n_clients=len(client_ids), items=items, today=TODAY,
        held=held))


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
                                            dispute_open)
        SELECT d.id, %(company)s, b.item_id, round(b.amount_residual / 2, 2), TRUE
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


def time_eligibility(env, company, rounds):
    timings, rows = [], None
    query = eligibility_sql(company)
    env.cr.execute(query)  # warm the buffers
    for _round in range(rounds):
        t0 = time.perf_counter()
        env.cr.execute(query)
        rows = env.cr.fetchall()
        timings.append(time.perf_counter() - t0)
    return statistics.median(timings), rows


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
                        help="runs of the eligibility query (median)")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--log-level", default="warn")
    args = parser.parse_args(argv)
    if min(args.items, args.disputes, args.debtors, args.clients, args.rounds) < 1:
        parser.error("sizes must be positive")
    if args.disputes * 10 > args.items:
        parser.error("--disputes must be at most a tenth of --items (one item in ten)")
    return args


def run(env, args):
    """Everything measured; returns (rows of the table, failures)."""
    user_env, plain, company, owners = prepare(env, args.items, args.debtors, args.clients,
                                               args.disputes)
    add_disputes(env, company, owners, args.disputes)
    # alternate the two companies' queries so that neither gets warmer buffers
    base_seconds = held_seconds = 0.0
    base_timings, held_timings = [], []
    for _round in range(3):
        seconds, base_rows = time_eligibility(env, plain, args.rounds)
        base_timings.append(seconds)
        seconds, held_rows = time_eligibility(env, company, args.rounds)
        held_timings.append(seconds)
    base_seconds = statistics.median(base_timings)
    held_seconds = statistics.median(held_timings)
    results, failures = [], []
    user_env = user_env(context=dict(user_env.context))
    for name, step in listing_steps(user_env):
        step()  # first read of freshly generated rows (PostgreSQL's buffers)
        bench_schedule._fresh_request(user_env)
        with bench_schedule.Meter(name) as meter:
            step()
        seconds = meter.result.seconds
        results.append({"step": name, "seconds": seconds, "target": TARGET_SECONDS,
                        "ok": seconds < TARGET_SECONDS})
        if seconds >= TARGET_SECONDS:
            failures.append("%s took %.2f s" % (name, seconds))
    overhead = 100.0 * (held_seconds - base_seconds) / base_seconds if base_seconds else 0.0
    held_items = sum(r[1] for r in base_rows) - sum(r[1] for r in held_rows)
    if held_items != args.disputes:
        failures.append("eligibility left out %d items, expected %d held"
                        % (held_items, args.disputes))
    results.append({"step": "eligibility without disputes", "seconds": base_seconds})
    results.append({"step": "eligibility with %d held items" % held_items,
                    "seconds": held_seconds, "overhead_pct": overhead,
                    "target": "< %d %%" % TARGET_HOLD_OVERHEAD,
                    "ok": overhead < TARGET_HOLD_OVERHEAD})
    if overhead >= TARGET_HOLD_OVERHEAD:
        failures.append("holds cost %.1f %% on the eligibility query" % overhead)
    return results, failures


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
        results, failures = run(env, args)
    finally:
        cr.rollback()
        cr.close()
    print()
    print("| Step | Wall (s) | Target | Verdict |")
    print("|---|---|---|---|")
    for row in results:
        extra = " (%+.1f %%)" % row["overhead_pct"] if "overhead_pct" in row else ""
        verdict = "" if "ok" not in row else ("OK" if row["ok"] else "OVER TARGET")
        print("| %s | %.3f%s | %s | %s |" % (row["step"], row["seconds"], extra,
                                            row.get("target", ""), verdict))
    print()
    print("Machine: %(nproc)s CPU (%(cpu)s), %(memory)s, PostgreSQL %(postgresql)s, "
          "Odoo %(odoo)s" % facts)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"date": TODAY.isoformat(), "items": args.items,
                       "disputes": args.disputes, "machine": facts, "results": results},
                      out, indent=2)
    if failures:
        print("FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
