#!/usr/bin/env python3
"""odoo-bin that runs the selected at_install tests in the post-install phase
and writes the outcome of every test to a JSON file.

    FACTORING_TEST_RESULTS=out.json python scripts/odoo_tests_post_install.py \
        -c .odoo-local.conf -d DB --test-enable --test-tags /crm,/account:TestX --stop-after-init

Why: most of Odoo's own crm tests are tagged at_install. They run while crm
is being loaded, before addons that depend on crm are in the registry, so
``--test-tags /crm`` on a database with our addons never runs them with our
overrides active. Here no test runs while modules load; once the registry is
complete, every test selected by --test-tags that is tagged at_install OR
post_install runs (Odoo's post_install pass). Run it without -i/-u on an
existing database.

The JSON file maps each test id (``odoo.addons.crm.tests.test_x.Class.test_y``,
or ``setUpClass (odoo.addons....Class)`` for class set-up errors) to one of
"pass", "skip", "fail", "error". Failures of subtests count for their test.
Everything else is plain odoo-bin (same options, same log, same exit code).
"""

import json
import os
import sys
from unittest import case

import odoo.cli
from odoo.tests import loader
from odoo.tests.result import OdooTestResult
from odoo.tests.suite import OdooSuite
from odoo.tests.tag_selector import TagsSelector
from odoo.tools import config

RESULTS_FILE = os.environ.get("FACTORING_TEST_RESULTS")
RANK = {"pass": 0, "skip": 1, "fail": 2, "error": 3}
outcomes = {}


def _record(test, outcome):
    while isinstance(test, case._SubTest):
        test = test.test_case
    test_id = test.id()
    if RANK[outcome] >= RANK.get(outcomes.get(test_id), -1):
        outcomes[test_id] = outcome


def _wrap(method_name, outcome):
    original = getattr(OdooTestResult, method_name)

    def method(self, test, *args, **kwargs):
        # Odoo's "soft fail" blocks (retries) do not count as a failure
        if not (outcome in ("fail", "error") and self._soft_fail):
            _record(test, outcome)
        return original(self, test, *args, **kwargs)

    setattr(OdooTestResult, method_name, method)


_wrap("addSuccess", "pass")
_wrap("addSkip", "skip")
_wrap("addFailure", "fail")
_wrap("addError", "error")


def _modules_in_tags(spec):
    """Modules named by the include filters of --test-tags (None = any module)."""
    selector = TagsSelector(spec)
    modules = {module for (_tag, module, _klass, _method, file_path) in selector.include}
    if None in modules or not modules:
        return None
    return modules


def make_suite(module_names, position="at_install"):
    if position == "at_install":
        return OdooSuite([])
    wanted = _modules_in_tags(config["test_tags"] or "")
    if wanted is not None:
        module_names = [m for m in module_names if m in wanted]
    config_tags = TagsSelector(config["test_tags"])
    phase = TagsSelector("at_install,post_install")
    tests = (
        t
        for module_name in module_names
        for m in loader.get_test_modules(module_name)
        for t in loader.get_module_test_cases(m)
        if phase.check(t) and config_tags.check(t)
    )
    return OdooSuite(sorted(tests, key=lambda t: getattr(t, "test_sequence", 0)))


loader.make_suite = make_suite


def main():
    if not RESULTS_FILE:
        sys.exit("FACTORING_TEST_RESULTS (path of the JSON results file) is not set")
    if any(a in ("-i", "-u") or a.startswith(("--init", "--update", "-i", "-u")) for a in sys.argv[1:]):
        sys.exit("run this wrapper on an installed database, without -i/-u")
    try:
        odoo.cli.main()
    finally:
        tmp = f"{RESULTS_FILE}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(outcomes, f, indent=0, sort_keys=True)
        os.replace(tmp, RESULTS_FILE)


if __name__ == "__main__":
    main()
