"""Each addon installs alone on factoring_base and uninstalls cleanly.

Odoo's uninstall (``button_immediate_uninstall``) reloads the registry and
commits, so it cannot run inside a test transaction of the shared test
database. This test drives ``odoo-bin`` in subprocesses on a scratch database
(``factoring_addons_uninstall``, dropped before and after). For every addon of
``addons/`` except factoring_base, one after the other in that database:

1. ``-i <addon>`` with demo data: it installs ``factoring_base`` as its only
   factoring dependency and nothing else of ours, and its demo data loads
   without a sibling;
2. ``odoo-bin module uninstall <addon>``;
3. nothing of the addon is left: its models, its records (``ir_model_data``),
   the columns its fields added to other models' tables, the SQL functions and
   indexes it created.

Then ``factoring_base``'s own funding tests (fund, pay, fee) pass on that
database. It takes a few minutes per addon on a busy machine.
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

DB = os.environ.get("FACTORING_UNINSTALL_DB", "factoring_addons_uninstall")
ODOO_BIN = str(Path(odoo.__path__[0]).parent / "odoo-bin")
ADDONS = Path(__file__).resolve().parents[2] / "addons"
BASE = "factoring_base"


def addons_to_check():
    """Every addon of addons/ but the base (FACTORING_UNINSTALL_ADDONS narrows it)."""
    wanted = os.environ.get("FACTORING_UNINSTALL_ADDONS")
    names = sorted(p.parent.name for p in ADDONS.glob("*/__manifest__.py") if p.parent.name != BASE)
    return [n for n in names if not wanted or n in wanted.split(",")]


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


def query(sql, *params):
    """Rows of one query on the scratch database (through Odoo's own settings)."""
    code = (
        "import json, sys\n"
        "import odoo.sql_db\n"
        "from odoo.tools import config\n"
        f"config.parse_config(['-c', {config['config']!r}])\n"
        "sql, params = json.loads(sys.stdin.read())\n"
        "def adapt(p):\n"
        "    return tuple(adapt(x) for x in p) if isinstance(p, list) else p\n"
        f"with odoo.sql_db.db_connect({DB!r}).cursor() as cr:\n"
        "    cr.execute(sql, [adapt(p) for p in params])\n"
        "    print(json.dumps(cr.fetchall(), default=str))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            input=json.dumps([sql, params]), check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


class TestAddonsUninstall(BaseCase):

    def setUp(self):
        super().setUp()
        drop_db()
        self.addCleanup(drop_db)

    def assert_ok(self, returncode, log, step):
        bad = [line for line in log.splitlines()
               if " ERROR " in line or " CRITICAL " in line or line.startswith("FAIL")]
        self.assertEqual((returncode, bad), (0, []), f"{step}:\n{log[-4000:]}")

    def installed(self):
        return query("SELECT name FROM ir_module_module WHERE name LIKE 'factoring%%' "
                     "AND state = 'installed' ORDER BY name")

    def owned(self, addon):
        """The models the addon defines and the stored columns its fields add,
        from Odoo's own records of what each module created."""
        models = [r[0] for r in query(
            "SELECT m.model FROM ir_model m JOIN ir_model_data d "
            "ON d.model = 'ir.model' AND d.res_id = m.id WHERE d.module = %s "
            # a model it only extends has an xmlid in the module that defines it too
            "AND NOT EXISTS (SELECT 1 FROM ir_model_data o WHERE o.model = 'ir.model' "
            "AND o.res_id = m.id AND o.module != d.module)", addon)]
        columns = [tuple(r) for r in query(
            "SELECT replace(f.model, '.', '_'), f.name FROM ir_model_fields f "
            "JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id "
            "WHERE d.module = %s AND f.store AND f.ttype NOT IN ('one2many', 'many2many') "
            "AND NOT EXISTS (SELECT 1 FROM ir_model_data o WHERE o.model = 'ir.model.fields' "
            "AND o.res_id = f.id AND o.module != d.module)", addon)]
        return models, columns

    def sql_objects(self):
        """The SQL functions and indexes named after factoring (an addon may
        create them in its models' init, on other addons' tables too)."""
        return query(
            "SELECT 'function', proname FROM pg_proc WHERE proname LIKE 'factoring%%' "
            "UNION ALL SELECT 'index', indexname FROM pg_indexes "
            "WHERE indexname LIKE '%%factoring%%' ORDER BY 1, 2")

    def test_each_addon_installs_alone_and_uninstalls_cleanly(self):
        addons = addons_to_check()
        self.assertTrue(addons, "no addon besides factoring_base in addons/")
        conf = ("-c", config["config"], "-d", DB, "--log-level=warn")
        # factoring_base first: what is there before each addon comes
        self.assert_ok(*run(*conf, "-i", BASE, "--with-demo", "--stop-after-init"),
                       f"install {BASE} with its demo data")
        for addon in addons:
            with self.subTest(addon=addon):
                sql_objects = self.sql_objects()
                self.assert_ok(*run(*conf, "-i", addon, "--with-demo", "--stop-after-init"),
                               f"install {addon} with its demo data")
                self.assertEqual(self.installed(), [[BASE], [addon]],
                                 f"{addon} installs factoring_base and no sibling")
                models, columns = self.owned(addon)
                self.assertTrue(models or columns, f"{addon} created no model and no field?")

                self.assert_ok(*run("module", "uninstall", "-c", config["config"], "-d", DB,
                                    addon), f"uninstall {addon}")
                self.assertEqual(self.installed(), [[BASE]])
                if models:
                    self.assertEqual(query(
                        "SELECT model FROM ir_model WHERE model IN %s", models), [],
                        f"{addon}'s models are gone")
                if columns:
                    left = query(
                        "SELECT table_name, column_name FROM information_schema.columns "
                        "WHERE (table_name, column_name) IN %s", [list(c) for c in columns])
                    self.assertEqual(left, [], f"{addon}'s columns are dropped")
                self.assertEqual(query(
                    "SELECT count(*) FROM ir_model_data WHERE module = %s", addon), [[0]],
                    f"{addon}'s records are gone")
                self.assertEqual(self.sql_objects(), sql_objects,
                                 f"{addon}'s SQL functions and indexes are dropped")

        returncode, log = run(
            "-c", config["config"], "-d", DB, "--log-level=info",
            "--test-tags", "/factoring_base:TestScheduleFunding",
            "--http-interface=127.0.0.1", "--http-port", free_port(), "--stop-after-init")
        self.assert_ok(returncode, log, "factoring_base tests after the uninstalls")
        ran = re.search(r"(\d+) post-tests in", log)
        self.assertTrue(ran and int(ran.group(1)) > 0, f"no factoring_base test ran:\n{log[-4000:]}")
