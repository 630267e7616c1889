#!/usr/bin/env python3
"""Benchmark of an assignment schedule of many invoices: import, verify, fund.

Usage (``make bench`` runs it through scripts/bench.sh)::

    .venv/bin/python tests/benchmarks/bench_schedule.py \\
        --odoo-src $ODOO_SRC --config .odoo-local.conf -d factoring_bench \\
        [--lines 10000] [--debtors 500] [--repeat 1] [--json out.json] [--strict]
        [--tracemalloc] [--profile DIR]

The database must have factoring_base installed (scripts/bench.sh creates it
when missing). Everything happens in ONE transaction that is rolled back at
the end, so the database is left as it was and can be reused:

1. set-up (not measured): a company with the generic chart and the factoring
   accounts, an operations user, N debtors with (valid Belgian) VAT numbers, a
   client, an active agreement approving every debtor, an empty draft schedule,
   and an .xlsx file of L invoice rows spread over the debtors;
2. three measured steps, each run by the operations user as a fresh request
   (caches flushed and emptied before it, ``env.flush_all()`` inside it so its
   SQL is included):
   a) import  -- the ``factoring.schedule.import`` wizard (upload + action_import)
   b) verify  -- ``action_verify``: the schedule must end 'verified'
   c) fund    -- ``action_fund``: the schedule must end 'funded' with a posted,
      balanced entry holding one receivable item per invoice.

For each step it prints the wall time (time.perf_counter; the 30 s target is
checked against it), the CPU time of this process (time.process_time: it
excludes PostgreSQL's work and waiting, and varies less with the load of a
shared machine) and the memory: the process's peak resident set size (RSS)
during the step -- sampled every 5 ms by a thread, and corrected by
getrusage's ru_maxrss high-water mark -- and its growth over the RSS at the
start of the step. The 1 GB target is checked against the absolute peak RSS
(which includes the ~170 MB of a loaded Odoo), the stricter reading.
``--tracemalloc`` also reports the peak of Python allocations per step and
``--profile DIR`` writes a cProfile of each step; both slow the steps down.

Exit status: 0 when every step worked (even if over a target, unless
``--strict``), 1 when a step fails functionally, 2 on a set-up/usage error,
3 with ``--strict`` when a step is over a target.
"""
# A command-line tool: its report goes to stdout.
# pylint: disable=print-used
import argparse
import base64
import contextlib
import gc
import io
import json
import os
import platform
import random
import resource
import sys
import threading
import time
import tracemalloc as _tracemalloc
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

TARGET_SECONDS = 30.0
TARGET_MB = 1024.0
STEPS = ("import", "verify", "fund")
SCHEDULE_DATE = date(2026, 11, 23)
MB = 1024.0 * 1024.0


class BenchFailure(Exception):
    """A step did not produce the expected functional result."""


# ----------------------------------------------------------------------
# Memory and time measurement
# ----------------------------------------------------------------------
def _current_rss():
    """Resident set size of this process, in bytes."""
    try:
        import psutil  # noqa: PLC0415  (an Odoo requirement)
        return psutil.Process().memory_info().rss
    except ImportError:  # pragma: no cover - Linux fallback
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _maxrss():
    """getrusage high-water mark of this process, in bytes (Linux: KiB)."""
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value if sys.platform == "darwin" else value * 1024


@dataclass
class Measurement:
    step: str
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # CPU time of this process (not PostgreSQL's)
    rss_start_mb: float = 0.0
    rss_peak_mb: float = 0.0
    rss_growth_mb: float = 0.0
    py_peak_mb: float | None = None  # tracemalloc peak, only with --tracemalloc
    detail: str = ""

    @property
    def over_time(self):
        return self.seconds >= TARGET_SECONDS

    @property
    def over_memory(self):
        return self.rss_peak_mb >= TARGET_MB

    @property
    def verdict(self):
        over = [what for what, flag in (("time", self.over_time), ("memory", self.over_memory))
                if flag]
        return "OK" if not over else "OVER TARGET (%s)" % ", ".join(over)


class Meter:
    """Context manager measuring wall time and peak RSS of the block."""

    def __init__(self, step, trace=False, interval=0.005, profile_dir=None):
        self.result = Measurement(step)
        self.trace = trace
        self.profile_dir = profile_dir
        self._profiler = None
        self.interval = interval
        self._stop = threading.Event()
        self._peak = 0

    def _sample(self):
        while not self._stop.wait(self.interval):
            rss = _current_rss()
            if rss > self._peak:
                self._peak = rss

    def __enter__(self):
        gc.collect()
        self._start_rss = self._peak = _current_rss()
        self._start_maxrss = _maxrss()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        if self.trace:
            _tracemalloc.start()
        if self.profile_dir:
            import cProfile  # noqa: PLC0415
            self._profiler = cProfile.Profile()
            self._profiler.enable()
        self._cpu0 = time.process_time()
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        seconds = time.perf_counter() - self._t0
        cpu_seconds = time.process_time() - self._cpu0
        if self._profiler:
            self._profiler.disable()
            os.makedirs(self.profile_dir, exist_ok=True)
            self._profiler.dump_stats(os.path.join(self.profile_dir, self.result.step + ".prof"))
        py_peak = None
        if self.trace:
            py_peak = _tracemalloc.get_traced_memory()[1]
            _tracemalloc.stop()
        self._stop.set()
        self._thread.join()
        peak = max(self._peak, _current_rss())
        maxrss = _maxrss()
        if maxrss > self._start_maxrss:
            # the process reached a new high-water mark during the block
            peak = max(peak, maxrss)
        result = self.result
        result.seconds = seconds
        result.cpu_seconds = cpu_seconds
        result.rss_start_mb = self._start_rss / MB
        result.rss_peak_mb = peak / MB
        result.rss_growth_mb = (peak - self._start_rss) / MB
        result.py_peak_mb = py_peak / MB if py_peak is not None else None
        return False


# ----------------------------------------------------------------------
# Data generation
# ----------------------------------------------------------------------
def belgian_vat(index):
    """A valid Belgian VAT number (mod-97 check digits), distinct per index."""
    first8 = "0%07d" % (7_000_000 + index)
    return "BE%s%02d" % (first8, 97 - int(first8) % 97)


def generate_rows(lines, debtor_vats, seed=20261123):
    """The invoice rows of the file: (debtor VAT, number, invoice date, due
    date, amount, currency). Deterministic for a seed. Some VATs are written
    the way clients do (spaces, dots, lower case) to exercise the matching."""
    rng = random.Random(seed)
    rows = []
    for i in range(lines):
        vat = debtor_vats[i % len(debtor_vats)]
        if i % 7 == 3:
            vat = "%s %s.%s.%s" % (vat[:2].lower(), vat[2:6], vat[6:9], vat[9:])
        invoice_date = SCHEDULE_DATE - timedelta(days=rng.randint(1, 60))
        due_date = invoice_date + timedelta(days=rng.choice((30, 45, 60, 90)))
        amount = round(rng.uniform(50.0, 25_000.0), 2)
        rows.append((vat, "BENCH-%06d" % (i + 1), invoice_date, due_date, amount, "EUR"))
    return rows


def generate_xlsx(rows):
    """The .xlsx file a client would send: a header row, then one invoice per
    row, with real date cells and numeric amounts."""
    import xlsxwriter  # noqa: PLC0415

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Schedule")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, header in enumerate(("Debtor VAT or Reference", "Invoice Number", "Invoice Date",
                                  "Due Date", "Amount", "Currency")):
        sheet.write_string(0, col, header)
    for r, (vat, number, invoice_date, due_date, amount, currency) in enumerate(rows, start=1):
        sheet.write_string(r, 0, vat)
        sheet.write_string(r, 1, number)
        sheet.write_datetime(r, 2, datetime.combine(invoice_date, datetime.min.time()),
                             date_format)
        sheet.write_datetime(r, 3, datetime.combine(due_date, datetime.min.time()),
                             date_format)
        sheet.write_number(r, 4, amount)
        sheet.write_string(r, 5, currency)
    workbook.close()
    return buffer.getvalue()


# ----------------------------------------------------------------------
# Set-up and steps (importable: tests/benchmarks/test_bench_smoke.py)
# ----------------------------------------------------------------------
@dataclass
class Prepared:
    env: object  # the operations user's environment the steps run with
    company: object
    client: object
    agreement: object
    schedule: object
    debtors: object
    lines: int
    content: bytes
    filename: str
    expected_total: float
    setup_seconds: dict = field(default_factory=dict)


def prepare(env, lines=10_000, debtors=500, seed=20261123):
    """Create the bench's company, user, debtors, client, agreement and empty
    draft schedule, and the .xlsx file of *lines* invoices. *env* must be a
    superuser environment; nothing is committed here."""
    from odoo import Command  # noqa: PLC0415

    if lines < 1 or debtors < 1:
        raise ValueError("lines and debtors must be positive")
    timings = {}
    t0 = time.perf_counter()
    env = env(context=dict(env.context, tracking_disable=True))
    eur = env.ref("base.EUR")
    eur.active = True
    # No country: outside tests, creating a company in a country installs that
    # country's modules (button_immediate_install), which COMMITS the transaction.
    company = env["res.company"].create({
        "name": "Bench Factor %s" % datetime.now().strftime("%Y%m%d%H%M%S%f"),
        "currency_id": eur.id,
    })
    env["account.chart.template"].try_loading("generic_coa", company=company,
                                              install_demo=False)
    company.currency_id = eur  # the generic chart sets its own currency
    company._factoring_setup_accounting()
    if "factoring_fund_without_limit" in company._fields:
        # factoring_limits installed: its debtors have no limits here
        company.factoring_fund_without_limit = True
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    timings["company and chart"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    user = env["res.users"].create({
        "name": "Bench Operations",
        "login": "bench_operations_%s" % company.id,
        "group_ids": [Command.set([env.ref("factoring_base.group_factoring_operations").id])],
        "company_id": company.id,
        "company_ids": [Command.set(company.ids)],
    })
    Partner = env["res.partner"]
    debtor_records = Partner.create([{
        "name": "Bench Debtor %04d" % i,
        "is_company": True,
        "is_factoring_debtor": True,
        "vat": belgian_vat(i),
        "ref": "BENCH-D%04d" % i,
        "company_id": company.id,
    } for i in range(debtors)])
    client = Partner.create({
        "name": "Bench Client", "is_company": True, "is_factoring_client": True,
        "vat": belgian_vat(debtors), "company_id": company.id,
    })
    agreement = env["factoring.agreement"].create({
        "client_id": client.id,
        "company_id": company.id,
        "currency_id": eur.id,
        "advance_rate": 85.0,
        "discount_fee_rate": 1.2,
        "invoice_fee": 2.5,
        "approved_debtor_ids": [Command.set(debtor_records.ids)],
        "date_start": date(2026, 1, 1),
    })
    agreement.action_activate()
    schedule = env["factoring.schedule"].create({
        "agreement_id": agreement.id, "date": SCHEDULE_DATE})
    env.flush_all()
    timings["partners and agreement"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    rows = generate_rows(lines, debtor_records.mapped("vat"), seed)
    content = generate_xlsx(rows)
    timings["xlsx file"] = time.perf_counter() - t0

    user_env = env(user=user.id, context={
        "allowed_company_ids": [company.id], "lang": "en_US", "tz": "UTC"})
    return Prepared(
        env=user_env,
        company=company.with_env(user_env),
        client=client.with_env(user_env),
        agreement=agreement.with_env(user_env),
        schedule=schedule.with_env(user_env),
        debtors=debtor_records.with_env(user_env),
        lines=lines,
        content=content,
        filename="bench_%d_invoices.xlsx" % lines,
        expected_total=round(sum(row[4] for row in rows), 2),
        setup_seconds=timings,
    )


# ---------------------------------------------------------------------------
# Shared by the benchmarks of the other addons (bench_limits, bench_reports,
# bench_disputes): a company of their own and set-based partners.
# ---------------------------------------------------------------------------
def bench_company(env, name):
    """A new company in euros with the generic chart and the factoring set-up."""
    eur = env.ref("base.EUR")
    eur.active = True
    company = env["res.company"].create({"name": "%s %s" % (name, time.time_ns()),
                                         "currency_id": eur.id})
    env["account.chart.template"].try_loading("generic_coa", company=company,
                                              install_demo=False)
    company.currency_id = eur
    company._factoring_setup_accounting()
    if "factoring_fund_without_limit" in company._fields:
        # factoring_limits installed: its debtors have no limits here
        company.factoring_fund_without_limit = True
    return company


def bench_manager(env, company, name, login):
    """A factoring manager of *company* only: the benchmarks measure as one."""
    from odoo import Command  # noqa: PLC0415

    return env["res.users"].create({
        "name": name, "login": "%s_%s" % (login, company.id),
        "group_ids": [Command.set([env.ref("factoring_base.group_factoring_manager").id])],
        "company_id": company.id, "company_ids": [Command.set(company.ids)],
    })


def insert_partners(env, company, debtors, clients):
    """*debtors* debtors then *clients* clients of *company*, one INSERT each
    (no ORM: at benchmark scale creating them would dominate the set-up).

    :return: (debtor ids, client ids)
    """
    from odoo.tools import SQL  # noqa: PLC0415

    cr = env.cr
    ids = {}
    for kind, flag, count in (("Debtor", "is_factoring_debtor", debtors),
                              ("Client", "is_factoring_client", clients)):
        cr.execute(SQL("""
            INSERT INTO res_partner (name, complete_name, active, is_company, type,
                                     %(flag)s, company_id, autopost_bills)
            SELECT 'Bench ' || %(kind)s || ' ' || i, 'Bench ' || %(kind)s || ' ' || i,
                   TRUE, TRUE, 'contact', TRUE, %(company)s, 'ask'
              FROM generate_series(1, %(n)s) i RETURNING id""",
            flag=SQL.identifier(flag), kind=kind, company=company.id, n=count))
        ids[kind] = [row[0] for row in cr.fetchall()]
    cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
                   ids["Debtor"] + ids["Client"]))
    env["res.partner"].invalidate_model()
    return ids["Debtor"], ids["Client"]


def _fresh_request(env):
    """What separates two HTTP requests: pending writes flushed, caches emptied."""
    env.flush_all()
    env.invalidate_all()
    gc.collect()


def _check(condition, message):
    if not condition:
        raise BenchFailure(message)


def run_steps(prepared, trace=False, profile_dir=None, results=None):
    """Run and measure import, verification and funding of the prepared
    schedule; check each step's functional result (raise BenchFailure).
    Return {step: Measurement}; *results*, if given, is filled step by step
    (so the steps measured before a failure are still known)."""
    env = prepared.env
    schedule = prepared.schedule
    n = prepared.lines
    results = {} if results is None else results

    # a) import through the wizard, as the upload form does
    _fresh_request(env)
    with Meter("import", trace, profile_dir=profile_dir) as meter:
        wizard = env["factoring.schedule.import"].create({
            "schedule_id": schedule.id,
            "file": base64.b64encode(prepared.content),
            "filename": prepared.filename,
        })
        wizard.action_import()
        env.flush_all()
    results["import"] = meter.result
    _fresh_request(env)
    _check(schedule.line_count == n,
           "import: schedule %s has %s lines, expected %s"
           % (schedule.name, schedule.line_count, n))
    currency = schedule.currency_id
    _check(currency.compare_amounts(schedule.amount_total, prepared.expected_total) == 0,
           "import: schedule %s totals %s, the file %s"
           % (schedule.name, schedule.amount_total, prepared.expected_total))
    meter.result.detail = "%d lines, total %.2f" % (n, schedule.amount_total)

    # b) verification
    _fresh_request(env)
    with Meter("verify", trace, profile_dir=profile_dir) as meter:
        schedule.action_verify()
        env.flush_all()
    results["verify"] = meter.result
    _fresh_request(env)
    _check(schedule.state == "verified",
           "verify: schedule %s is %s, expected verified: %s"
           % (schedule.name, schedule.state, (schedule.verification_note or "")[:2000]))
    meter.result.detail = "state %s, %d error(s)" % (schedule.state, schedule.error_count)

    # c) funding
    _fresh_request(env)
    with Meter("fund", trace, profile_dir=profile_dir) as meter:
        schedule.action_fund()
        env.flush_all()
    results["fund"] = meter.result
    _fresh_request(env)
    check_funded(prepared)
    move = schedule.move_id
    meter.result.detail = "%s: %d journal items" % (move.name, len(move.line_ids))
    return results


def check_funded(prepared):
    """The schedule is funded by one posted, balanced entry with one receivable
    item per invoice, on the debtor, for the invoice's amount."""
    schedule = prepared.schedule
    n = prepared.lines
    move = schedule.move_id
    _check(schedule.state == "funded",
           "fund: schedule %s is %s, expected funded" % (schedule.name, schedule.state))
    _check(move and move.state == "posted",
           "fund: schedule %s has no posted entry (%s)"
           % (schedule.name, move.state if move else "none"))
    company = prepared.company
    items = move.line_ids.filtered(lambda rec: rec.factoring_schedule_line_id)
    _check(len(items) == n,
           "fund: entry %s has %d receivable items, expected %d" % (move.name, len(items), n))
    _check(items.account_id == company.factoring_receivable_account_id,
           "fund: entry %s: receivable items on %s, expected %s"
           % (move.name, items.account_id.mapped("code"),
              company.factoring_receivable_account_id.code))
    mismatched = items.filtered(
        lambda rec: rec.partner_id != rec.factoring_schedule_line_id.debtor_id
        or rec.currency_id.compare_amounts(
            rec.amount_currency, rec.factoring_schedule_line_id.amount) != 0)
    _check(not mismatched,
           "fund: entry %s: %d item(s) differ from their invoice, e.g. %s"
           % (move.name, len(mismatched), mismatched[:1].name))
    currency = company.currency_id
    debit, credit = sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit"))
    _check(currency.compare_amounts(debit, credit) == 0,
           "fund: entry %s is not balanced (debit %s, credit %s)" % (move.name, debit, credit))
    _check(currency.compare_amounts(sum(items.mapped("balance")), prepared.expected_total) == 0,
           "fund: entry %s: receivable items total %s, the file %s"
           % (move.name, sum(items.mapped("balance")), prepared.expected_total))
    return move


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------
def machine_facts(env):
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count()
    cpu_model = platform.processor() or ""
    with contextlib.suppress(OSError):  # no /proc: keep platform.processor()
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
    memory = ""
    with contextlib.suppress(ImportError):  # psutil is optional
        import psutil  # noqa: PLC0415
        memory = "%.1f GB" % (psutil.virtual_memory().total / 1024 ** 3)
    env.cr.execute("SHOW server_version")
    pg_version = env.cr.fetchone()[0]
    import odoo.release  # noqa: PLC0415
    return {
        "nproc": cpus,
        "cpu": cpu_model,
        "memory": memory,
        "python": platform.python_version(),
        "postgresql": pg_version,
        "odoo": odoo.release.version,
        "os": platform.platform(),
    }


def format_report(runs, lines, debtors, facts, setup_seconds):
    """A plain-text table of every run's steps."""
    out = []
    out.append("Assignment schedule benchmark: %d invoice lines, %d debtors (%s)"
               % (lines, debtors, date.today().isoformat()))
    out.append("Machine: nproc %(nproc)s, %(cpu)s, RAM %(memory)s, Python %(python)s, "
               "PostgreSQL %(postgresql)s, Odoo %(odoo)s" % facts)
    out.append("Set-up (not measured): " + ", ".join(
        "%s %.1f s" % (k, v) for k, v in setup_seconds.items()))
    out.append("Targets per step: < %.0f s and < %.0f MB peak RSS" % (TARGET_SECONDS, TARGET_MB))
    tm = any(m.py_peak_mb is not None for run in runs for m in run.values())
    header = "%-4s %-8s %9s %9s %12s %14s" % (
        "run", "step", "seconds", "CPU s", "peak RSS MB", "RSS growth MB")
    if tm:
        header += " %12s" % "py peak MB"
    header += "  %-20s %s" % ("result", "detail")
    out.append("")
    out.append(header)
    out.append("-" * len(header))
    for number, run in enumerate(runs, start=1):
        for step in STEPS:
            m = run.get(step)
            if m is None:
                continue
            row = "%-4s %-8s %9.2f %9.2f %12.0f %14.0f" % (
                number, step, m.seconds, m.cpu_seconds, m.rss_peak_mb, m.rss_growth_mb)
            if tm:
                row += " %12s" % ("%.0f" % m.py_peak_mb if m.py_peak_mb is not None else "-")
            row += "  %-20s %s" % (m.verdict, m.detail)
            out.append(row)
    if len(runs) > 1:
        out.append("")
        out.append("Over %d runs:" % len(runs))
        for step in STEPS:
            times = sorted(run[step].seconds for run in runs if step in run)
            if not times:
                continue
            peak = max(run[step].rss_peak_mb for run in runs if step in run)
            out.append("  %-8s best %7.2f s, median %7.2f s, highest peak RSS %.0f MB"
                       % (step, times[0], times[len(times) // 2], peak))
    if tm:
        out.append("")
        out.append("(--tracemalloc slows every step: use the timings of a run without it)")
    return "\n".join(out)


# ----------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------
def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark import, verification and funding of a large assignment "
                    "schedule (everything rolled back).")
    parser.add_argument("--odoo-src", required=True,
                        help="Odoo 19.0 source tree (the folder containing odoo-bin)")
    parser.add_argument("--config", "-c", required=True, help="Odoo configuration file")
    parser.add_argument("--database", "-d", required=True,
                        help="database with factoring_base installed")
    parser.add_argument("--lines", type=int, default=10_000,
                        help="invoice rows in the file (default 10000)")
    parser.add_argument("--debtors", type=int, default=500,
                        help="debtors the rows are spread over (default 500)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs, each in its own rolled-back transaction (default 1)")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also report the peak of Python allocations (slower)")
    parser.add_argument("--profile", metavar="DIR",
                        help="write a cProfile of each step to DIR/<step>.prof (slower)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--strict", action="store_true",
                        help="exit 3 when a step is over its time or memory target")
    parser.add_argument("--log-level", default="warn", help="Odoo log level (default warn)")
    args = parser.parse_args(argv)
    if args.lines < 1 or args.debtors < 1 or args.repeat < 1:
        parser.error("--lines, --debtors and --repeat must be positive")
    return args


def load_registry(args):
    src = os.path.abspath(args.odoo_src)
    if not os.path.isfile(os.path.join(src, "odoo", "release.py")):
        raise SystemExit("bench: %s is not an Odoo source tree (no odoo/release.py)" % src)
    if src not in sys.path:
        sys.path.insert(0, src)
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", args.config, "-d", args.database,
                         "--log-level", args.log_level], setup_logging=True)
    oca_addons = getattr(args, "oca_addons", None)
    if oca_addons:
        # Side-by-side runs: OCA's unpacked wheels join the addons path of this
        # process only (the benchmark database), never the project's config.
        paths = [*config["addons_path"], os.path.abspath(oca_addons)]
        config.parse_config(["-c", args.config, "-d", args.database, "--log-level",
                             args.log_level, "--addons-path", ",".join(paths)], setup_logging=True)
    threading.current_thread().dbname = args.database
    try:
        return odoo, Registry(args.database)
    except Exception as exc:  # noqa: BLE001 - reported as a usage error
        raise SystemExit("bench: cannot open database %r: %s" % (args.database, exc)) from exc


def _refuse_commit():
    raise RuntimeError("bench: something tried to COMMIT the benchmark's transaction; "
                       "nothing was committed, the run is aborted")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    _odoo, registry = load_registry(args)
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    if "factoring.schedule" not in registry:
        print("bench: database %r does not have factoring_base installed; run `make bench` "
              "(scripts/bench.sh creates the database) or odoo-bin -d %s -i factoring_base"
              % (args.database, args.database), file=sys.stderr)
        return 2
    runs, facts, setup_seconds, status = [], None, {}, 0
    for _run in range(args.repeat):
        cr = registry.cursor()
        cr.commit = _refuse_commit  # everything must stay in one rolled-back transaction
        try:
            env = api.Environment(cr, SUPERUSER_ID, {})
            facts = facts or machine_facts(env)
            print("Preparing %d invoices over %d debtors ..." % (args.lines, args.debtors),
                  flush=True)
            results = {}
            try:
                prepared = prepare(env, args.lines, args.debtors, args.seed)
                setup_seconds = prepared.setup_seconds
                run_steps(prepared, trace=args.tracemalloc, profile_dir=args.profile,
                          results=results)
            except BenchFailure as exc:
                print("FAILED: %s" % exc, file=sys.stderr)
                status = 1
            except Exception as exc:
                if type(exc).__name__ in ("UndefinedColumn", "UndefinedTable"):
                    print("bench: the schema of %r is older than the code (%s): update it "
                          "(odoo-bin -d %s -u factoring_base) or drop it so that make bench "
                          "recreates it" % (args.database, exc, args.database), file=sys.stderr)
                    return 2
                raise
            runs.append(results)
            for step, m in results.items():
                print("  run %d %-7s %7.2f s, peak RSS %5.0f MB  %s"
                      % (len(runs), step, m.seconds, m.rss_peak_mb, m.verdict), flush=True)
        finally:
            cr.rollback()  # leave the database as it was
            cr.close()
        if status:
            break
    runs = [run for run in runs if run]
    if runs:
        print()
        print(format_report(runs, args.lines, args.debtors, facts, setup_seconds))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({
                "date": date.today().isoformat(),
                "lines": args.lines, "debtors": args.debtors, "machine": facts,
                "targets": {"seconds": TARGET_SECONDS, "peak_rss_mb": TARGET_MB},
                "runs": [{step: asdict(m) for step, m in run.items()} for run in runs],
            }, out, indent=2)
    if status:
        return status
    if args.strict and any(m.over_time or m.over_memory for run in runs for m in run.values()):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
