"""factoring_limits installs alone on factoring_base and uninstalls cleanly.

Odoo's uninstall reloads the registry and commits, so it cannot run inside a
test transaction of the shared test database. This test drives ``odoo-bin`` in
subprocesses on a scratch database (``factoring_limits_uninstall``, dropped
before and after), as tests/install/test_reports_uninstall.py does for
factoring_reports:

1. ``-i factoring_limits`` without demo data: it installs ``factoring_base``
   as its only factoring dependency, and nothing else of ours;
2. ``odoo-bin module uninstall factoring_limits``;
3. nothing of the addon is left (models, records, tables, the columns it added
   to base's agreement and to the company), and ``factoring_base``'s funding
   tests pass on that database.

Not imported by tests/__init__.py (Odoo's own runner would start odoo-bin from
inside odoo-bin); pytest collects it. It takes a few minutes.
"""
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import odoo
from odoo.tests import BaseCase
from odoo.tools import config

DB = os.environ.get("FACTORING_LIMITS_UNINSTALL_DB", "factoring_limits_uninstall")
ODOO_BIN = str(Path(odoo.__path__[0]).parent / "odoo-bin")
OWN_MODELS = (
    "factoring.limit", "factoring.limit.rule", "factoring.limit.approval",
    "factoring.limit.engine", "factoring.credit.document", "factoring.credit.insurance",
    "factoring.limit.reject")
ADDED_COLUMNS = ("ineligibility_days", "cross_age_percent", "factoring_limit_document_days",
                 "factoring_limit_document_amount")


def run(*args):
    result = subprocess.run([sys.executable, ODOO_BIN, *args], capture_output=True,
                            text=True, timeout=1800, check=False)
    return result.returncode, result.stdout + result.stderr


def free_port():
    """A free local port for the HTTP server Odoo starts whenever tests run (the
    configured one may be taken by another Odoo of the machine)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


def drop_db():
    run("db", "-c", config["config"], "drop", DB)


def query(sql):
    """Rows of one query on the scratch database (through Odoo's own settings)."""
    code = (
        "import json\n"
        "import odoo.sql_db\n"
        "from odoo.tools import config\n"
        f"config.parse_config(['-c', {config['config']!r}])\n"
        f"with odoo.sql_db.db_connect({DB!r}).cursor() as cr:\n"
        f"    cr.execute({sql!r})\n"
        "    print(json.dumps(cr.fetchall(), default=str))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


class TestLimitsUninstall(BaseCase):

    def setUp(self):
        super().setUp()
        drop_db()
        self.addCleanup(drop_db)

    def assert_ok(self, returncode, log, step):
        bad = [line for line in log.splitlines()
               if " ERROR " in line or " CRITICAL " in line or line.startswith("FAIL")]
        self.assertEqual((returncode, bad), (0, []), f"{step}:\n{log[-4000:]}")

    def test_install_alone_then_uninstall_leaves_base_working(self):
        conf = ("-c", config["config"], "-d", DB, "--log-level=warn")
        self.assert_ok(*run(*conf, "-i", "factoring_limits", "--stop-after-init"), "install")
        self.assertEqual(query(
            "SELECT name FROM ir_module_module WHERE name LIKE 'factoring%%' "
            "AND state = 'installed' ORDER BY name"),
            [["factoring_base"], ["factoring_limits"]])
        self.assertEqual(query(
            "SELECT count(*) FROM ir_model WHERE model IN %s" % (OWN_MODELS,)),
            [[len(OWN_MODELS)]])

        self.assert_ok(*run("module", "uninstall", "-c", config["config"], "-d", DB,
                            "factoring_limits"), "uninstall")
        self.assertEqual(query(
            "SELECT name, state FROM ir_module_module "
            "WHERE name IN ('factoring_base', 'factoring_limits') ORDER BY name"),
            [["factoring_base", "installed"], ["factoring_limits", "uninstalled"]])
        self.assertEqual(query(
            "SELECT model FROM ir_model WHERE model IN %s" % (OWN_MODELS,)), [])
        self.assertEqual(query(
            "SELECT column_name FROM information_schema.columns "
            "WHERE column_name IN %s" % (ADDED_COLUMNS,)), [])
        self.assertEqual(query(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_name LIKE 'factoring_limit%%' OR table_name LIKE 'factoring_credit%%'"),
            [])
        self.assertEqual(query(
            "SELECT count(*) FROM ir_model_data WHERE module = 'factoring_limits'"), [[0]])

        returncode, log = run(
            "-c", config["config"], "-d", DB, "--log-level=info",
            "--test-tags", "/factoring_base:TestScheduleFunding",
            "--http-interface=127.0.0.1", "--http-port", free_port(), "--stop-after-init")
        self.assert_ok(returncode, log, "factoring_base tests after the uninstall")
        ran = re.search(r"(\d+) post-tests in", log)
        self.assertTrue(ran and int(ran.group(1)) > 0, f"no factoring_base test ran:\n{log[-4000:]}")
