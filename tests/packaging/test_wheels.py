"""The addons install with ``pip``, from their wheels, as OCA's addons do.

``make wheels`` (scripts/wheels.sh) builds one wheel per addon with whool.
This test builds them into a scratch folder and checks each one's metadata
(name ``odoo-addon-<addon>``, the manifest's version, the dependencies pip
needs), then does what an integrator does with them:

1. a new virtual environment beside Odoo: it reuses the packages of the
   project's ``.venv`` (Odoo's requirements, and the Odoo source through
   ``.venv``'s .pth file) through a .pth file of its own, so nothing is
   downloaded;
2. ``pip install --no-index --no-deps`` of the five wheels into it
   (``--no-deps``: Odoo runs from its source tree here, not as an installed
   ``odoo`` distribution, so pip could not satisfy ``odoo==19.0.*``; the
   metadata check above proves the dependencies are declared);
3. ``odoo-bin -i <the five addons>`` from that environment into a new database
   (``factoring_wheels``, dropped before and after), with an addons path that
   does NOT contain the repository's ``addons/`` folder: Odoo finds the addons
   in ``site-packages/odoo/addons`` through the ``odoo.addons`` namespace.

Then every addon is installed, and Odoo resolves each one to the copy in the
new environment's site-packages. About two minutes (no demo data).
"""

import ast
import email.parser
import json
import os
import re
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path

import odoo
from odoo.tests import BaseCase, tagged
from odoo.tools import config

PROJECT = Path(__file__).resolve().parents[2]
ADDONS = PROJECT / "addons"
ODOO_SRC = Path(odoo.__path__[0]).parent
DB = os.environ.get("FACTORING_WHEELS_DB", "factoring_wheels")
ODOO_SERIES = "19.0"


def our_addons():
    """{addon name: its manifest} for every addon of addons/."""
    return {m.parent.name: ast.literal_eval(m.read_text()) for m in sorted(ADDONS.glob("*/__manifest__.py"))}


def wheel_metadata(wheel):
    """The METADATA of a wheel, as an email.message.Message."""
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(zf.read(name).decode())


def run(cmd, env_extra=None, **kwargs):
    """Run a command; (exit code, stdout + stderr). PYTHONPATH is dropped so that
    the new environment sees only what it has itself."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(env_extra or {})
    result = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, timeout=1800, check=False, env=env, **kwargs
    )
    return result.returncode, result.stdout + result.stderr


@tagged("post_install", "-at_install", "factoring_packaging")
class TestWheels(BaseCase):
    def setUp(self):
        super().setUp()
        tmp = tempfile.TemporaryDirectory(prefix="factoring-wheels-")
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)
        self.drop_db()
        self.addCleanup(self.drop_db)

    def drop_db(self):
        run([sys.executable, ODOO_SRC / "odoo-bin", "db", "-c", config["config"], "drop", DB])

    def assert_ok(self, returncode, log, step):
        bad = [line for line in log.splitlines() if " ERROR " in line or " CRITICAL " in line]
        self.assertEqual((returncode, bad), (0, []), f"{step}:\n{log[-4000:]}")

    def build_wheels(self):
        """scripts/wheels.sh into a scratch folder: {addon name: wheel path}."""
        dist = self.tmp / "dist"
        self.assert_ok(
            *run(["bash", PROJECT / "scripts" / "wheels.sh"], cwd=PROJECT, env_extra={"WHEELS_DIR": str(dist)}),
            "make wheels",
        )
        wheels = {}
        for wheel in sorted(dist.glob("*.whl")):
            match = re.fullmatch(r"odoo_addon_(\w+)-([\d.]+)-py3-none-any\.whl", wheel.name)
            self.assertTrue(match, f"{wheel.name} is not named as OCA's addon wheels")
            wheels[match.group(1)] = wheel
        return wheels

    def check_metadata(self, wheels, manifests):
        for addon, manifest in manifests.items():
            with self.subTest(addon=addon):
                meta = wheel_metadata(wheels[addon])
                self.assertEqual(meta["Name"], f"odoo-addon-{addon}")
                version = meta["Version"]
                # the manifest's version, or OCA's post-version: + "." and the
                # number of commits since the manifest's version last changed
                self.assertRegex(version, r"^%s(\.\d+)?$" % re.escape(manifest["version"]))
                self.assertTrue(version.startswith(ODOO_SERIES + "."), version)
                expected = {f"odoo=={ODOO_SERIES}.*"}
                expected |= {
                    f"odoo-addon-{dep}=={ODOO_SERIES}.*" for dep in manifest.get("depends", []) if dep in manifests
                }
                expected |= set(manifest.get("external_dependencies", {}).get("python", []))
                self.assertEqual(
                    set(meta.get_all("Requires-Dist") or []),
                    expected,
                    f"{addon}: Odoo, its factoring dependencies and its "
                    "Python libraries, nothing else (Odoo's own addons come with Odoo)",
                )

    def make_venv(self):
        """A new virtual environment that sees .venv's packages (Odoo's requirements,
        and the Odoo source through .venv's own .pth file): (python, site-packages)."""
        venv = self.tmp / "venv"
        self.assert_ok(*run([sys.executable, "-m", "venv", venv]), "python -m venv")
        python = venv / "bin" / "python"
        code, site = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
        self.assertEqual(code, 0, site)
        site = Path(site.strip())
        # after the environment's own site-packages: the wheels come first
        (site / "factoring_shared_venv.pth").write_text(
            f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n"
        )
        return python, site

    def test_addons_install_from_their_wheels(self):
        manifests = our_addons()
        wheels = self.build_wheels()
        self.assertEqual(sorted(wheels), sorted(manifests), "one wheel per addon of addons/")
        self.check_metadata(wheels, manifests)

        python, site = self.make_venv()
        self.assert_ok(
            *run([python, "-m", "pip", "install", "-q", "--no-index", "--no-deps", *wheels.values()]),
            "pip install the wheels",
        )
        code, listing = run([python, "-m", "pip", "list", "--format=json"])
        self.assertEqual(code, 0, listing)
        installed = {d["name"]: d["version"] for d in json.loads(listing.strip().splitlines()[-1])}
        for addon, wheel in wheels.items():
            self.assertEqual(
                installed.get(f"odoo-addon-{addon}"), wheel_metadata(wheel)["Version"], f"pip list shows {addon}"
            )

        addons_path = str(ODOO_SRC / "addons")  # NOT the repository's addons/
        names = ",".join(manifests)
        self.assert_ok(
            *run(
                [
                    python,
                    ODOO_SRC / "odoo-bin",
                    "-c",
                    config["config"],
                    "-d",
                    DB,
                    "--addons-path",
                    addons_path,
                    "-i",
                    names,
                    "--stop-after-init",
                    "--log-level=warn",
                ],
                cwd=self.tmp,
            ),
            "odoo-bin -i from the wheels' environment",
        )

        # where that Odoo finds each addon, and what the database says
        code, out = run(
            [
                python,
                "-c",
                (
                    "import json, sys\n"
                    "from odoo.tools import config\n"
                    "from odoo.modules.module import get_module_path, initialize_sys_path\n"
                    "from odoo.sql_db import db_connect\n"
                    "config.parse_config(['-c', sys.argv[1], '--addons-path', sys.argv[2]])\n"
                    "initialize_sys_path()\n"
                    "names = sys.argv[4].split(',')\n"
                    "with db_connect(sys.argv[3]).cursor() as cr:\n"
                    "    cr.execute('SELECT name, state FROM ir_module_module WHERE name = ANY(%s)', [names])\n"
                    "    states = dict(cr.fetchall())\n"
                    "print(json.dumps({'paths': {n: get_module_path(n) for n in names}, 'states': states}))\n"
                ),
                config["config"],
                addons_path,
                DB,
                names,
            ],
            cwd=self.tmp,
        )
        self.assertEqual(code, 0, out)
        found = json.loads(out.strip().splitlines()[-1])
        self.assertEqual(found["states"], dict.fromkeys(manifests, "installed"))
        for addon in manifests:
            self.assertEqual(
                found["paths"][addon],
                str(site / "odoo" / "addons" / addon),
                f"{addon} is loaded from the wheel's copy in site-packages, not from the repository",
            )
