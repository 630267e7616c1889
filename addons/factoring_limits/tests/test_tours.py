"""Browser tour of a limit's life cycle (static/tests/tours/factoring_limits_tours.js)
in headless Chromium: request (client manager), propose (credit analyst),
approve (credit manager). Runs in `make test` (pytest-odoo with --odoo-http).
A missing browser, websocket client or HTTP server FAILS the test."""
import os
import shutil
import unittest

from odoo.tests import HttpCase, tagged

BROWSERS = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")


@tagged("post_install", "-at_install")
class TestLimitTour(HttpCase):
    browser_size = "1440x900"
    test_cursor_lock_timeout = 180
    WARM_BUNDLES = ("web.assets_web.min.css", "web.assets_web.min.js", "web.assets_tests.min.js")

    def setUp(self):
        super().setUp()
        self.debtor = self.env.ref("factoring_base.debtor_urban_thread", raise_if_not_found=False)
        if not self.debtor:
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

    def run_tour(self, tour, login):
        for bundle in self.WARM_BUNDLES:
            response = self.url_open(f"/web/assets/any/{bundle}", timeout=300)
            self.assertEqual(response.status_code, 200, f"asset bundle {bundle}")
        try:
            self.start_tour("/odoo", tour, login=login, timeout=240)
        except unittest.SkipTest as skipped:
            self.fail(f"The browser tour {tour} could not run ({skipped}).")

    def test_request_propose_approve(self):
        Limit = self.env["factoring.limit"]
        self.assertFalse(Limit.search([("debtor_id", "=", self.debtor.id)]))
        self.run_tour("factoring_limit_request_tour", "client.manager")
        limit = Limit.search([("debtor_id", "=", self.debtor.id)])
        self.assertEqual(len(limit), 1)
        self.assertEqual(limit.state, "requested")
        self.assertEqual(limit.requester_id.login, "client.manager")
        self.assertEqual(limit.amount, 45000.0)
        self.run_tour("factoring_limit_propose_tour", "credit.analyst")
        limit.invalidate_recordset()
        self.assertEqual(limit.state, "proposed")
        self.assertEqual(limit.proposer_id.login, "credit.analyst")
        self.run_tour("factoring_limit_approve_tour", "credit.manager")
        limit.invalidate_recordset()
        self.assertEqual(limit.state, "active")
        self.assertEqual(limit.approval_ids.user_id.login, "credit.manager")
        self.assertEqual(self.debtor.with_company(limit.company_id).credit_limit, 45000.0)
