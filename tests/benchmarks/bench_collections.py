#!/usr/bin/env python3
"""Benchmark of factoring_collections on a large generated ledger.

Usage::

    .venv/bin/python tests/benchmarks/bench_collections.py \\
        --odoo-src $ODOO_SRC --config .odoo-local.conf -d factoring_bench \\
        [--debtors 10000] [--items 100000] [--overdue 0.6] [--collectors 5] [--json out.json]
        [--explain] [--profile DIR] [--oca-addons PATH]

The database needs factoring_collections installed (without demo data). Everything
happens in ONE transaction rolled back at the end (nothing is committed; the
dunning run runs in its test mode, without the cron's commits):

1. set-up (not measured): a company with the generic chart and the factoring
   accounts, ``--collectors`` collectors sharing ``--debtors`` debtors (four in
   five with an accounts-payable contact with an e-mail address, the others
   without, so that the run falls back to call activities), ``--items`` open
   factored receivable items (set-based INSERT ... SELECT), ``--overdue`` of them
   past due by 1 to 120 days, and a dunning policy of three levels (e-mail after
   1 day, call after 30, letter after 60) as the company's default.
2. measured, each as a fresh request (caches emptied):
   a) the dunning run of today (communications, item levels, e-mails queued,
      activities) - target 60 s;
   b) the same run again the same day, which must send nothing - target 10 s;
   c) the worklist of one collector, as that collector: every row with its score
      and its reason in words - target 1 s;
   d) the worklist of all debtors, as the factoring manager - target 2 s;
   e) what the web client reads of those lists (not a target): the first page
      of 80 rows and the count, as ``web_search_read`` does.

With ``--oca-addons PATH`` (a folder holding OCA's ``account_credit_control``
19.0, unpacked from its wheel, outside the project; the module installed in the
database): OCA's run (``credit.control.run`` generating its credit control
lines) on the same items with an equivalent policy (same accounts, levels after
1, 30 and 60 days past due by e-mail, phone, letter), timed right after ours;
both times and the ratio are printed. OCA's run only creates its draft lines
(no e-mail, no activity); its first run puts every overdue item on the first
level (each level waits for the previous one).
"""
# pylint: disable=print-used
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_schedule  # noqa: E402  (shared measurement and registry helpers)

TARGETS = {"dunning run": 60.0, "dunning rerun": 10.0, "worklist one collector": 1.0,
           "worklist all": 2.0}


def dunning_policy(env, company):
    """Three levels (e-mail after 1 day, call after 30, letter after 60), made
    the company's default; bench_disputes.py uses the same."""
    from odoo import Command  # noqa: PLC0415

    template = env.ref("factoring_collections.mail_template_dunning")
    policy = env["factoring.dunning.policy"].create({
        "name": "Bench policy", "company_id": company.id, "level_ids": [
            Command.create({"name": "Reminder", "days": 1, "channel_email": True,
                            "mail_template_id": template.id}),
            Command.create({"name": "Call", "days": 30, "channel_call": True}),
            Command.create({"name": "Letter", "days": 60, "channel_letter": True}),
        ]})
    company.factoring_dunning_policy_id = policy
    return policy


def prepare(env, debtors, items, overdue, collectors):
    from odoo import Command, fields  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    env = env(context=dict(env.context, tracking_disable=True))
    today = fields.Date.context_today(env["res.partner"])
    eur = env.ref("base.EUR")
    eur.active = True
    company = env["res.company"].create({"name": "Bench Collections %s" % time.time_ns(),
                                         "currency_id": eur.id})
    env["account.chart.template"].try_loading("generic_coa", company=company,
                                              install_demo=False)
    company.currency_id = eur
    company._factoring_setup_accounting()
    manager = env["res.users"].create({
        "name": "Bench Manager", "login": "bench_coll_mgr_%s" % company.id,
        "group_ids": [Command.set([env.ref("factoring_base.group_factoring_manager").id])],
        "company_id": company.id, "company_ids": [Command.set(company.ids)],
    })
    collector_users = env["res.users"].create([{
        "name": "Bench Collector %s" % i, "login": "bench_coll_%s_%s" % (company.id, i),
        "group_ids": [Command.set([env.ref("factoring_base.group_factoring_collector").id])],
        "company_id": company.id, "company_ids": [Command.set(company.ids)],
    } for i in range(collectors)])
    dunning_policy(env, company)
    env.flush_all()
    cr = env.cr
    t0 = time.perf_counter()
    cr.execute(SQL("""
        INSERT INTO res_partner (name, complete_name, active, is_company, type,
                                 is_factoring_debtor, company_id, autopost_bills,
                                 factoring_collector_id)
        SELECT 'Bench Debtor ' || i, 'Bench Debtor ' || i, TRUE, TRUE, 'contact',
               TRUE, %(company)s, 'ask', (%(collectors)s)[1 + i %% %(n)s]
          FROM generate_series(1, %(debtors)s) i RETURNING id""",
        company=company.id, collectors=collector_users.ids, n=len(collector_users),
        debtors=debtors))
    debtor_ids = [row[0] for row in cr.fetchall()]
    cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
                   debtor_ids))
    # accounts-payable contacts with an address for four debtors in five
    cr.execute(SQL("""
        INSERT INTO res_partner (name, complete_name, active, is_company, type, parent_id,
                                 commercial_partner_id, company_id, autopost_bills,
                                 factoring_contact_role, email, email_normalized)
        SELECT 'AP ' || d, 'AP ' || d, TRUE, FALSE, 'contact', d, d, %(company)s, 'ask',
               'ap', 'ap' || d || '@bench.example.com', 'ap' || d || '@bench.example.com'
          FROM UNNEST(%(debtors)s::int[]) d WHERE d %% 5 != 0""",
        company=company.id, debtors=debtor_ids))
    journal = company.factoring_journal_id
    account = company.factoring_receivable_account_id
    cr.execute(SQL("""
        INSERT INTO account_move (name, date, state, move_type, journal_id, company_id,
                                  currency_id, auto_post)
        SELECT 'BENCH/' || i, %(today)s, 'posted', 'entry', %(journal)s, %(company)s,
               %(currency)s, 'no'
          FROM generate_series(1, %(n)s) i RETURNING id""",
        today=today, journal=journal.id, company=company.id, currency=eur.id,
        n=items // 1000 + 1))
    move_ids = [row[0] for row in cr.fetchall()]
    n_overdue = int(items * overdue)
    cr.execute(SQL("""
        INSERT INTO account_move_line (
            move_id, journal_id, company_id, company_currency_id, currency_id, account_id,
            partner_id, name, display_type, date, date_maturity, parent_state, balance,
            debit, credit, amount_currency, amount_residual, amount_residual_currency,
            reconciled, no_followup, factoring_on_hold)
        SELECT (%(moves)s)[1 + (i / 1000)], %(journal)s, %(company)s, %(currency)s,
               %(currency)s, %(account)s, (%(debtors)s)[1 + (i * 7919) %% %(n_debtors)s],
               'B' || i, 'product', due - 30, due, 'posted', amount, amount, 0, amount,
               amount, amount, FALSE, FALSE, FALSE
          FROM (SELECT i, (100 + (i * 37) %% 9900)::numeric AS amount,
                       CASE WHEN i <= %(overdue)s THEN %(today)s::date - (1 + i %% 120)::int
                            ELSE %(today)s::date + (1 + i %% 60)::int END AS due
                  FROM generate_series(1::bigint, %(items)s) i) g""",
        moves=move_ids, journal=journal.id, company=company.id, currency=eur.id,
        account=account.id, debtors=debtor_ids, n_debtors=len(debtor_ids),
        overdue=n_overdue, items=items, today=today))
    cr.execute("ANALYZE account_move_line")
    cr.execute("ANALYZE res_partner")
    generation = time.perf_counter() - t0
    ctx = {"allowed_company_ids": [company.id], "lang": "en_US", "tz": "UTC"}
    oca_policy = oca_prepare(env, company, account) if oca_installed(env) else None
    return {
        "oca_policy": oca_policy,
        "env": env, "company": company, "today": today, "generation": generation,
        "manager_env": env(user=manager.id, context=ctx),
        "collector_env": env(user=collector_users[0].id, context=ctx),
        "debtors": debtors, "debtors_per_collector": -(-debtors // collectors),
        "overdue_items": n_overdue,
    }


OCA_STEP = "OCA credit control run"


def oca_installed(env):
    return "credit.control.run" in env


def oca_prepare(env, company, account):
    """OCA's equivalent policy: the same receivable account, levels after 1, 30
    and 60 days past due (e-mail, phone, letter), the company's default."""
    from odoo import Command  # noqa: PLC0415

    template = env.ref("account_credit_control.email_template_credit_control_base")
    levels = [(1, "Reminder", 1, "email"), (2, "Call", 30, "phone"), (3, "Letter", 60, "letter")]
    policy = env["credit.control.policy"].create({
        "name": "Bench policy (OCA)", "company_id": company.id,
        "account_ids": [Command.set(account.ids)],
        "level_ids": [Command.create({
            "name": name, "level": level, "computation_mode": "net_days", "delay_days": days,
            "channel": channel, "email_template_id": template.id, "custom_text": name,
            "custom_mail_text": name}) for level, name, days, channel in levels],
    })
    company.credit_policy_id = policy
    env.flush_all()
    return policy


def oca_run(env, company, today, policy):
    run = env["credit.control.run"].with_company(company).create({
        "date": today, "company_id": company.id, "policy_ids": [(6, 0, policy.ids)]})
    run.generate_credit_lines()
    return run


def web_page(env, company, domain=()):
    """What the list view asks: the first page of 80 rows with their fields,
    and the count for the pager (web_search_read)."""
    Worklist = env["factoring.worklist"].with_company(company)
    spec = {name: {} for name in ("score", "reason", "overdue_amount", "oldest_days",
                                   "last_contact", "broken_count", "promise_today_amount")}
    spec.update({name: {"fields": {"display_name": {}}} for name in (
        "partner_id", "collector_id", "company_id")})
    return Worklist.web_search_read(list(domain), spec, limit=80, count_limit=10001)


def run_steps(prepared, profile_dir=None):
    env, company, today = prepared["env"], prepared["company"], prepared["today"]
    Run = env["factoring.dunning.run"].with_company(company)
    fields_read = ["partner_id", "score", "reason", "overdue_amount", "oldest_days",
                   "collector_id", "last_contact"]
    outputs = {}
    steps = [
        ("dunning run", lambda: Run._run(company, today)),
        ("dunning rerun", lambda: Run._run(company, today)),
        ("worklist one collector", lambda: prepared["collector_env"][
            "factoring.worklist"].search_read([], fields_read)),
        ("worklist all", lambda: prepared["manager_env"]["factoring.worklist"].search_read(
            [("company_id", "=", company.id)], fields_read)),
        ("web page one collector", lambda: web_page(prepared["collector_env"], company)),
        ("web page all", lambda: web_page(prepared["manager_env"], company)),
    ]
    if prepared.get("oca_policy"):
        steps.insert(1, (OCA_STEP, lambda: oca_run(env, company, today,
                                                    prepared["oca_policy"])))
    results = {}
    backend = pg_backend(env)
    for name, step in steps:
        bench_schedule._fresh_request(env)
        pg_cpu0 = pg_cpu_seconds(backend)
        with bench_schedule.Meter(name, profile_dir=profile_dir) as meter:
            output = step()
            env.flush_all()
        pg_cpu1 = pg_cpu_seconds(backend)
        meter.result.pg_cpu_seconds = pg_cpu1 - pg_cpu0 if pg_cpu0 is not None \
            and pg_cpu1 is not None else None
        results[name] = meter.result
        outputs[name] = output
    return results, outputs


def pg_backend(env):
    env.cr.execute("SELECT pg_backend_pid()")
    return env.cr.fetchone()[0]


def pg_cpu_seconds(pid):
    """CPU time (user + system) of the PostgreSQL backend serving the
    benchmark's cursor, when it runs on this machine and is readable."""
    try:
        with open("/proc/%d/stat" % pid) as stat:
            parts = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")



def check(prepared, outputs):
    """What each measured step produced and what it should have:
    {step: (count, expected count, detail)}."""
    first, rerun = outputs["dunning run"], outputs["dunning rerun"]
    checks = {
        "dunning run": (first.item_count, prepared["overdue_items"],
                        "%d communications, %d e-mails, %d calls (%d instead of e-mail), "
                        "%d letters" % (first.communication_count, first.email_count,
                                        first.call_count, first.fallback_count,
                                        first.letter_count)),
        "dunning rerun": (rerun.communication_count, 0,
                          "%d items already at their level" % rerun.skipped_already),
        "worklist one collector": (len(outputs["worklist one collector"]),
                                   prepared["debtors_per_collector"], "rows"),
        "worklist all": (len(outputs["worklist all"]), prepared["debtors"], "rows"),
        "web page one collector": (outputs["web page one collector"]["length"],
                                   prepared["debtors_per_collector"],
                                   "%d rows read" % len(
                                       outputs["web page one collector"]["records"])),
        "web page all": (outputs["web page all"]["length"], prepared["debtors"],
                         "%d rows read" % len(outputs["web page all"]["records"])),
    }
    if OCA_STEP in outputs:
        checks[OCA_STEP] = (len(outputs[OCA_STEP].line_ids), prepared["overdue_items"],
                            "credit control lines (draft)")
    return checks


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the dunning run and the worklist of factoring_collections "
                    "on a large generated ledger (everything rolled back).")
    parser.add_argument("--odoo-src", required=True)
    parser.add_argument("--config", "-c", required=True)
    parser.add_argument("--database", "-d", required=True,
                        help="database with factoring_collections installed")
    parser.add_argument("--debtors", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--overdue", type=float, default=0.6)
    parser.add_argument("--collectors", type=int, default=5)
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--log-level", default="warn")
    parser.add_argument("--explain", action="store_true",
                        help="also print EXPLAIN ANALYZE of the worklist query (all debtors)")
    parser.add_argument("--profile", metavar="DIR",
                        help="write a cProfile file per step (<step>.prof) into DIR")
    parser.add_argument("--oca-addons", metavar="PATH",
                        help="folder holding OCA's account_credit_control (installed in the "
                        "database): time its credit control run on the same items too")
    args = parser.parse_args(argv)
    if min(args.debtors, args.items, args.collectors) < 1 or not 0 <= args.overdue <= 1:
        parser.error("sizes must be positive and --overdue between 0 and 1")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    _odoo, registry = bench_schedule.load_registry(args)
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    if "factoring.worklist" not in registry:
        print("bench: database %r does not have factoring_collections installed"
              % args.database, file=sys.stderr)
        return 2
    if args.oca_addons and "credit.control.run" not in registry:
        print("bench: database %r does not have OCA's account_credit_control installed"
              % args.database, file=sys.stderr)
        return 2
    cr = registry.cursor()
    cr.commit = bench_schedule._refuse_commit
    status = 0
    try:
        env = api.Environment(cr, SUPERUSER_ID, {})
        facts = bench_schedule.machine_facts(env)
        print("Generating %d debtors, %d open items (%d %% overdue), %d collectors ..."
              % (args.debtors, args.items, args.overdue * 100, args.collectors), flush=True)
        prepared = prepare(env, args.debtors, args.items, args.overdue, args.collectors)
        print("  generated in %.0f s; load average before the steps: %.2f %.2f %.2f"
              % (prepared["generation"], *os.getloadavg()), flush=True)
        results, outputs = run_steps(prepared, profile_dir=args.profile)
        checks = check(prepared, outputs)
        load = os.getloadavg()
        print()
        print("| Step | Wall | CPU (Odoo) | CPU (PostgreSQL) | Peak RSS | Target | Count "
              "| Expected | Detail | Verdict |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for name, m in results.items():
            got, expected, detail = checks[name]
            ok = got == expected
            status = status or (0 if ok else 1)
            target = TARGETS.get(name)
            verdict = "-" if target is None else "OK" if m.seconds < target else "OVER TARGET"
            pg_cpu = "-" if m.pg_cpu_seconds is None else "%.2f s" % m.pg_cpu_seconds
            print("| %s | %.2f s | %.2f s | %s | %.0f MB | %s | %d | %d | %s | %s%s |" % (
                name, m.seconds, m.cpu_seconds, pg_cpu, m.rss_peak_mb,
                "-" if target is None else "%.0f s" % target, got, expected,
                detail, verdict, "" if ok else ", WRONG COUNT"))
        if OCA_STEP in results:
            ours, theirs = results["dunning run"], results[OCA_STEP]
            print()
            print("Side by side, same %d overdue items: factoring_collections' dunning run "
                  "%.2f s (%.2f s CPU), OCA account_credit_control's run %.2f s (%.2f s CPU): "
                  "ratio OCA / ours %.2f" % (
                      prepared["overdue_items"], ours.seconds, ours.cpu_seconds,
                      theirs.seconds, theirs.cpu_seconds,
                      theirs.seconds / ours.seconds if ours.seconds else 0.0))
        print()
        print("Load average at the end: %.2f %.2f %.2f" % load)
        print("Machine: %(nproc)s cores, %(cpu)s, %(memory)s, Python %(python)s, "
              "PostgreSQL %(postgresql)s, Odoo %(odoo)s" % facts)
        if args.explain:
            from odoo.tools import SQL  # noqa: PLC0415

            worklist = prepared["manager_env"]["factoring.worklist"].with_company(
                prepared["company"])
            plan = env.execute_query(SQL(
                "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM (%s) w ORDER BY score DESC",
                worklist._table_query))
            print("\nEXPLAIN ANALYZE of the worklist (all debtors):")
            print("\n".join(row[0] for row in plan))
        if args.json:
            with open(args.json, "w") as out:
                json.dump({"machine": facts, "generation_seconds": prepared["generation"],
                           "steps": {n: vars(m) for n, m in results.items()}}, out,
                          indent=2, default=str)
    finally:
        cr.rollback()
        cr.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
