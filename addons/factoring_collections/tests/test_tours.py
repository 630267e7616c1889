"""Browser tour of the collector's morning (static/tests/tours/factoring_collections_tours.js)
in headless Chromium: the demo collector opens My Worklist, logs a call from the
top row and records a promise from the top row. Runs in `make test` (pytest-odoo with
--odoo-http). A missing browser, websocket client or HTTP server FAILS the test."""
import os
import shutil
import unittest

from odoo.tests import HttpCase, tagged

BROWSERS = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")


@tagged("post_install", "-at_install")
class TestWorklistTour(HttpCase):
    browser_size = "1440x900"
    test_cursor_lock_timeout = 180
    WARM_BUNDLES = ("web.assets_web.min.css", "web.assets_web.min.js", "web.assets_tests.min.js")

    def setUp(self):
        super().setUp()
        self.collector = self.env.ref("factoring_base.user_collector_1", raise_if_not_found=False)
        if not self.collector:
            self.fail("The tour needs the demo data: install with --with-demo, as `make test` does.")
        if self.http_port() is None:
            self.fail("No Odoo HTTP server runs for the browser tour: run pytest with "
                      "--odoo-http (`make test` does).")
        try:
            import websocket  # noqa: F401, PLC0415
        except ImportError:
            self.fail("The browser tour needs the Python package websocket-client.")
        browser_bin = os.environ.get("ODOO_BROWSER_BIN")
        if not (browser_bin and os.path.exists(browser_bin)) and not any(
                shutil.which(name) for name in BROWSERS):
            self.fail("Chromium is not installed, so the browser tour cannot run.")

    def test_worklist_call_and_promise(self):
        company = self.collector.company_id
        top = self.env["factoring.worklist"].with_user(self.collector).with_company(
            company).search([("collector_id", "=", self.collector.id),
                             ("overdue_amount", ">", 0)], limit=1)
        self.assertTrue(top, "the demo collector has a worklist")
        debtor = top.partner_id
        Call = self.env["factoring.collection.call"]
        Promise = self.env["factoring.promise"]
        calls_before = Call.search([("debtor_id", "=", debtor.id)])
        promises_before = Promise.search([("user_id", "=", self.collector.id)])
        for bundle in self.WARM_BUNDLES:
            response = self.url_open(f"/web/assets/any/{bundle}", timeout=300)
            self.assertEqual(response.status_code, 200, f"asset bundle {bundle}")
        try:
            self.start_tour("/odoo", "factoring_collections_worklist_tour",
                            login=self.collector.login, timeout=240)
        except unittest.SkipTest as skipped:
            self.fail(f"The browser tour could not run ({skipped}).")
        call = Call.search([("debtor_id", "=", debtor.id)]) - calls_before
        self.assertEqual(len(call), 1, "one call logged on the top-ranked debtor")
        self.assertEqual((call.outcome, call.user_id), ("promise", self.collector))
        self.assertIn("promises 100", call.note)
        # the call made the debtor's "no contact" points drop: the promise goes
        # to the row now on top, a debtor of the same collector
        promise = Promise.search([("user_id", "=", self.collector.id)]) - promises_before
        self.assertEqual(len(promise), 1, "one promise recorded")
        self.assertEqual((promise.amount, promise.state), (100.0, "pending"))
        self.assertEqual(promise.debtor_id.factoring_collector_id, self.collector)
        self.assertGreater(promise.date, call.date.date())
