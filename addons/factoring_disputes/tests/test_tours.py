"""Browser tour of the dispute flow (static/tests/tours/factoring_disputes_tours.js)
in headless Chromium: a collector opens a dispute from an item, its owner
resolves it with a credit note. Run by `make test` (pytest-odoo --odoo-http).
A missing browser or HTTP server FAILS the test: Odoo would skip it silently."""
import os
import shutil
import unittest
from datetime import timedelta

from odoo import Command
from odoo.tests import HttpCase, tagged

BROWSERS = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")


@tagged("post_install", "-at_install")
class TestDisputeTours(HttpCase):
    test_cursor_lock_timeout = 180

    def setUp(self):
        super().setUp()
        self.debtor = self.env.ref("factoring_base.debtor_belle_epine",
                                   raise_if_not_found=False)
        if not self.debtor:
            self.fail("The tour needs the factoring_base demo data (make test installs it).")
        if self.http_port() is None:
            self.fail("No Odoo HTTP server for the browser tour: run pytest with --odoo-http.")
        browser_bin = os.environ.get("ODOO_BROWSER_BIN")
        if not (browser_bin and os.path.exists(browser_bin)) and not any(
                shutil.which(name) for name in BROWSERS):
            self.fail("Chromium is not installed: the browser tour cannot run.")

    def test_collector_opens_owner_resolves_with_credit_note(self):
        company = self.env.ref("base.main_company")
        today = company._factoring_today()
        invoice = self.env["account.move"].with_company(company).create({
            "move_type": "out_invoice",
            "partner_id": self.debtor.id,
            "invoice_date": today - timedelta(days=20),
            "payment_reference": "TOUR-DSP-1",
            "invoice_line_ids": [Command.create({
                "name": "Advisory", "quantity": 1, "price_unit": 1234.56,
                "tax_ids": [Command.clear()]})],
        })
        invoice.action_post()
        item = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable")
        self.assertEqual(item.name, "TOUR-DSP-1")
        for bundle in ("web.assets_web.min.css", "web.assets_web.min.js",
                       "web.assets_tests.min.js"):
            self.url_open(f"/web/assets/any/{bundle}", timeout=300)
        try:
            self.start_tour("/odoo", "factoring_dispute_open_tour", login="collector1",
                            timeout=240)
            self.env.invalidate_all()
            dispute = self.env["factoring.dispute"].search(
                [("line_ids.move_line_id", "=", item.id)])
            self.assertEqual(len(dispute), 1)
            self.assertEqual(dispute.create_uid.login, "collector1")
            self.assertEqual(dispute.user_id.login, "collections.supervisor")
            self.assertEqual(dispute.amount_disputed, 1234.56)
            self.assertTrue(item.factoring_on_hold)
            self.start_tour("/odoo", "factoring_dispute_resolve_tour",
                            login="collections.supervisor", timeout=240)
        except unittest.SkipTest as skipped:
            self.fail(f"The browser tour could not run ({skipped}).")
        self.env.invalidate_all()
        self.assertEqual(dispute.state, "resolved")
        refund = dispute.resolution_ids.move_id
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertTrue(item.reconciled)
        self.assertFalse(item.factoring_on_hold)
