#!/usr/bin/env python3
"""Compare the outcomes of Odoo's own tests with our addons and on a baseline.

    python3 scripts/odoo_tests_compare.py BASELINE.json OURS.json [REPORT.txt]

Both files come from scripts/odoo_tests_post_install.py (test id -> pass,
skip, fail or error). Prints the tests that fail or error in each database
and the regressions: tests failing or erroring with our addons that pass (or
are skipped) on the baseline, and tests that ran on the baseline but not with
our addons. Writes the same text to REPORT.txt when given.

With FACTORING_REGRESSIONS_OUT=FILE, writes the ids of the tests that fail
with our addons and pass on the baseline to FILE, one a line (the test
script runs them once more, to tell a flaky browser tour from a regression).

Exit code: 0 when there is no regression, 1 when there is one, 2 when no test
ran in one of the databases.
"""

import json
import os
import re
import sys

BAD = ("fail", "error")
CLASS_SETUP = re.compile(r"^(?:setUpClass|tearDownClass) \((.+)\)$")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def counts(results):
    c = {"pass": 0, "skip": 0, "fail": 0, "error": 0}
    for outcome in results.values():
        c[outcome] += 1
    return c


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    baseline, ours = load(sys.argv[1]), load(sys.argv[2])
    lines = []
    out = lines.append

    def section(title, ids, results_by_db):
        out(f"{title}: {len(ids)}")
        for test_id in sorted(ids):
            detail = ", ".join(f"{name} {res.get(test_id, 'not run')}" for name, res in results_by_db)
            out(f"  {test_id}  ({detail})")

    both = (("ours", ours), ("baseline", baseline))
    cb, co = counts(baseline), counts(ours)
    out(f"baseline (without our addons): {len(baseline)} tests: {cb['pass']} passed, {cb['skip']} skipped, "
        f"{cb['fail']} failed, {cb['error']} errors")
    out(f"with our addons:               {len(ours)} tests: {co['pass']} passed, {co['skip']} skipped, "
        f"{co['fail']} failed, {co['error']} errors")
    section("Failing or erroring WITH our addons", [t for t, o in ours.items() if o in BAD], both)
    section("Failing or erroring on the BASELINE (not counted against us)",
            [t for t, o in baseline.items() if o in BAD], both)

    # A class whose set-up failed with our addons did not run its tests: they
    # are covered by the set-up error, not listed again as "not run".
    broken_classes = {m.group(1) for t, o in ours.items() if o in BAD and (m := CLASS_SETUP.match(t))}
    regressions = sorted(t for t, o in ours.items() if o in BAD and baseline.get(t) not in BAD)
    not_run = sorted(
        t for t in baseline
        if t not in ours and not CLASS_SETUP.match(t) and t.rsplit(".", 1)[0] not in broken_classes
    )
    section("REGRESSIONS: fail with our addons, pass on the baseline", regressions, both)
    if not_run:
        section("REGRESSIONS: ran on the baseline, did not run with our addons", not_run, both)
    failed = len(regressions) + len(not_run)
    passed = len(ours) - len(regressions)  # including skips and failures the baseline shares
    out(f"odoo-core: {passed} passed, {failed} failed")

    if os.environ.get("FACTORING_REGRESSIONS_OUT"):
        with open(os.environ["FACTORING_REGRESSIONS_OUT"], "w", encoding="utf-8") as f:
            f.writelines(f"{test_id}\n" for test_id in regressions)

    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if len(sys.argv) == 4:
        with open(sys.argv[3], "w", encoding="utf-8") as f:
            f.write(text)
    if not baseline or not ours:
        print("ERROR: no test ran in " + ("the baseline" if not baseline else "the database with our addons"),
              file=sys.stderr)
        sys.exit(2)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
