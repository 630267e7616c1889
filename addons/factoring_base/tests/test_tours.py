"""Browser tours (static/tests/tours/factoring_tours.js) in headless Chromium.

They run in `make test`, which starts pytest-odoo with --odoo-http and sends
the screenshots to .logs/screenshots/. A missing browser, websocket client or
HTTP server FAILS these tests: Odoo itself would skip a tour silently.
"""
import base64
import io
import logging
import os
import shutil
import unittest
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import openpyxl

import odoo
from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

# the executables Odoo looks for (odoo.tests.common._find_executable), in its order
BROWSERS = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")
SCREENSHOT_SIGNAL = "factoring-screenshot:"
TOUR_FILE = "factoring_tour_schedule.xlsx"
TOUR_NUMBERS = ["TOUR-0001", "TOUR-0002", "TOUR-0003", "TOUR-0004"]


class _ScreenshotOnSignal(logging.Handler):
    """Takes a screenshot when the tour logs "factoring-screenshot:<name>".

    Odoo logs the browser's console on the test's "<test>.browser" logger; the
    handler runs in the thread reading Chrome's websocket, so it only sends
    the request (take_screenshot returns a future), it never waits."""

    def __init__(self, test):
        super().__init__(logging.INFO)
        self.test = test
        self.requested = []

    def emit(self, record):
        message = record.getMessage()
        if not message.startswith(SCREENSHOT_SIGNAL) or not self.test.factoring_browser:
            return
        name = message[len(SCREENSHOT_SIGNAL):].strip()
        self.requested.append(name)
        self.test.factoring_browser.take_screenshot(prefix=f"factoring_{name}_")


@tagged("post_install", "-at_install")
class TestFactoringTours(HttpCase):
    browser_size = "1440x900"
    factoring_browser = None
    # The browser's requests share the test's cursor one at a time; on a busy
    # machine one of them (the first build of an asset bundle) can hold it for
    # longer than Odoo's 20 s.
    test_cursor_lock_timeout = 180
    # Asset bundles the web client loads, built before the tour starts: their
    # first build takes tens of seconds on a busy machine, eating the 60 s Odoo
    # waits for the tour to be ready.
    WARM_BUNDLES = ("web.assets_web.min.css", "web.assets_web.min.js", "web.assets_tests.min.js")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.client = cls.env.ref("factoring_base.client_valmont", raise_if_not_found=False)

    def setUp(self):
        super().setUp()
        self._check_tours_can_run()

    # ------------------------------------------------------------------ guards
    def _check_tours_can_run(self):
        """Fail, with what to do, where Odoo would skip the tour silently."""
        if not self.client:
            self.fail("The tours need the factoring_base demo data: install the module "
                      "with --with-demo, as `make test` does.")
        if self.http_port() is None:
            self.fail("No Odoo HTTP server runs for the browser tours: run pytest with "
                      "--odoo-http (`make test` does).")
        try:
            import websocket  # noqa: F401, PLC0415
        except ImportError:
            self.fail("The browser tours need the Python package websocket-client "
                      "(requirements.txt; run `make setup`).")
        browser_bin = os.environ.get("ODOO_BROWSER_BIN")
        if not (browser_bin and os.path.exists(browser_bin)) and not any(
                shutil.which(name) for name in BROWSERS):
            self.fail("Chromium is not installed, so the browser tours cannot run. "
                      "Install it (Debian/Ubuntu: sudo apt-get install chromium; `make setup` "
                      "does it when run as root) or set ODOO_BROWSER_BIN to a Chrome binary.")

    @contextmanager
    def allow_requests(self, browser=None, all_requests=False):
        """Keep the browser of the running tour, to take its screenshots."""
        previous = self.factoring_browser
        self.factoring_browser = browser or previous
        try:
            with super().allow_requests(browser=browser, all_requests=all_requests):
                yield
        finally:
            self.factoring_browser = previous

    def run_tour(self, tour, login, screens):
        """Run *tour* as *login* from the home screen; fail (never skip) when the
        browser cannot run it; check a 1440x900 PNG was saved for each screen."""
        handler = _ScreenshotOnSignal(self)
        browser_logger = self._logger.getChild("browser")
        level = browser_logger.level
        browser_logger.addHandler(handler)
        browser_logger.setLevel(logging.INFO)
        for bundle in self.WARM_BUNDLES:
            response = self.url_open(f"/web/assets/any/{bundle}", timeout=300)
            self.assertEqual(response.status_code, 200, f"asset bundle {bundle}")
        started = fields.Datetime.now()
        try:
            self.start_tour("/odoo", tour, login=login, timeout=240)
        except unittest.SkipTest as skipped:
            self.fail(f"The browser tour {tour} could not run ({skipped}): it must not be "
                      "skipped. Check that Chromium starts: chromium --headless --no-sandbox.")
        finally:
            browser_logger.removeHandler(handler)
            browser_logger.setLevel(level)
        self.assertEqual(handler.requested, screens, f"screens reached by {tour}")
        folder = self.screenshot_folder()
        for name in screens:
            shots = sorted(folder.glob(f"factoring_{name}_*_{self._testMethodName}.png"),
                           key=lambda p: p.stat().st_mtime)
            self.assertTrue(shots, f"no screenshot of {name} in {folder}")
            shot = shots[-1]
            self.assertGreaterEqual(shot.stat().st_mtime, started.timestamp() - 1, shot)
            self.assertEqual(self.png_size(shot), (1440, 900), shot)

    @staticmethod
    def screenshot_folder():
        # where odoo.tests.common.save_test_file writes them
        return Path(odoo.tools.config["screenshots"]) / odoo.tests.common.get_db_name() / "screenshots"

    @staticmethod
    def png_size(path):
        header = path.read_bytes()[:24]
        return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")

    # ------------------------------------------------------------------ data
    def make_schedule_file(self):
        """The client's Excel file: four invoices on debtors approved on its
        agreement (two on Berger), uploaded by the tour from an attachment of the client manager."""
        today = self.env.company._factoring_today()
        rows = [
            ("factoring_base.debtor_berger", "TOUR-0001", 6000.00),
            ("factoring_base.debtor_berger", "TOUR-0002", 5000.00),
            ("factoring_base.debtor_van_dijk", "TOUR-0003", 9000.00),
            # (not Comptoir: with factoring_limits its limit is only proposed)
            ("factoring_base.debtor_van_dijk", "TOUR-0004", 8000.00),
        ]
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Debtor VAT", "Invoice Number", "Invoice Date", "Due Date", "Amount"])
        for xmlid, number, amount in rows:
            sheet.append([self.env.ref(xmlid).vat, number, today - timedelta(days=3),
                          today + timedelta(days=57), amount])
        buffer = io.BytesIO()
        workbook.save(buffer)
        manager = self.env.ref("factoring_base.user_client_manager")
        self.env["ir.attachment"].with_user(manager).create({
            "name": TOUR_FILE,
            "datas": base64.b64encode(buffer.getvalue()),
        })
        return sum(amount for _x, _n, amount in rows)

    # ------------------------------------------------------------------ tours
    def test_import_verify_fund_and_collect(self):
        """Client manager: new schedule, Excel import, verification. Operations:
        funding from the schedules to fund. Accounting: a remittance of the
        debtor Berger pays two of the invoices; they are paid and their fees
        posted."""
        total = self.make_schedule_file()
        Schedule = self.env["factoring.schedule"]
        before = Schedule.search([("client_id", "=", self.client.id)])

        self.run_tour("factoring_import_verify_tour", "client.manager",
                      ["schedules", "import_dialog", "schedule_verified"])
        schedule = Schedule.search([("client_id", "=", self.client.id)]) - before
        self.assertEqual(len(schedule), 1, "the tour created one schedule")
        self.assertEqual(schedule.state, "verified")
        self.assertEqual(schedule.create_uid.login, "client.manager")
        self.assertEqual(sorted(schedule.line_ids.mapped("invoice_number")),
                         TOUR_NUMBERS)
        self.assertAlmostEqual(schedule.amount_total, total, places=2)

        problems = schedule._factoring_funding_problems()
        if problems:
            # with the other addons' demo (disputes on Valmont's invoices) the
            # client is over-advanced: funding waits for a credit manager's
            # override, and operations (another person) funds
            self.assertIn("past its availability", problems[0])
            schedule.with_user(self.env.ref("factoring_base.user_credit_manager"))\
                ._factoring_override_funding("Valmont's guarantor covers the deficit.")
        self.run_tour("factoring_fund_tour", "operations",
                      ["schedules_to_fund", "schedule_funded"])
        schedule.invalidate_recordset()
        self.assertEqual(schedule.state, "funded")
        move = schedule.move_id
        self.assertEqual(move.state, "posted")
        items = move.line_ids.filtered(
            lambda rec: rec.account_id == schedule.company_id.factoring_receivable_account_id)
        self.assertEqual(sorted(items.mapped("name")), TOUR_NUMBERS)
        self.assertAlmostEqual(sum(items.mapped("balance")), total, places=2)

        # the debtor pays a month after the funding: the discount fee runs for 30 days
        # (paid on the funding day, it would be zero and no fee entry is posted)
        funded_date = schedule.funded_date - timedelta(days=30)
        self.env.cr.execute("UPDATE factoring_schedule SET funded_date = %s WHERE id = %s",
                            (funded_date, schedule.id))
        self.env.invalidate_all()

        accountant = new_test_user(
            self.env, login="tour.accountant", name="Aylin Accountant",
            groups="account.group_account_user,factoring_base.group_factoring_user",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        self.run_tour("factoring_remittance_tour", accountant.login,
                      ["remittance_checked", "remittance_posted"])
        self.env.invalidate_all()  # the browser's requests changed the records
        remittance = self.env["factoring.remittance"].search(
            [("create_uid", "=", accountant.id)])
        self.assertEqual(len(remittance), 1)
        self.assertEqual(remittance.state, "posted")
        self.assertAlmostEqual(remittance.amount, 11000.0, places=2)
        self.assertTrue(remittance.payment_id, "one native payment")
        lines = schedule.line_ids.sorted("invoice_number")
        paid, still_open = lines[:2], lines[2:]
        self.assertEqual(paid.mapped("invoice_number"), ["TOUR-0001", "TOUR-0002"])
        fee_account = schedule.company_id.factoring_fee_account_id
        for line in paid:
            self.assertEqual(line.payment_state, "paid", line.invoice_number)
            self.assertTrue(line.move_line_id.reconciled, line.invoice_number)
            self.assertEqual(line.move_line_id.amount_residual, 0.0)
            self.assertTrue(line.fee_move_id, f"{line.invoice_number} has its fee entry")
            self.assertEqual(line.fee_move_id.state, "posted")
            days = (line.paid_date - schedule.funded_date).days
            self.assertEqual(days, 30)
            self.assertAlmostEqual(line.fee_amount, schedule.agreement_id._compute_fee(
                line.amount, days), places=2)
            self.assertTrue(line.fee_move_id.line_ids.filtered(
                lambda rec: rec.account_id == fee_account))
        for line in still_open:
            self.assertEqual(line.payment_state, "open", line.invoice_number)
            self.assertFalse(line.fee_move_id)
