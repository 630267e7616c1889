import threading
from datetime import date

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.factoring_base.tests.common import ThreadedTestMixin

# a month end no other test or demo snapshot uses
MONTH_END = date(2031, 1, 31)


@tagged("post_install", "-at_install")
class TestSnapshotConcurrency(ThreadedTestMixin, TransactionCase):
    """Two snapshot jobs of the same month at once (the cron and a manager's
    backfill) leave one row per month, company, client and debtor: each
    transaction deletes and inserts in its own snapshot, so only the unique
    index can stop the second one from adding its rows to the first one's.
    The loser either waits and replaces the rows or fails with a
    serialization error (the cron runs again): never duplicates."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # the demo company's ledger (any company with receivable items)
            cr.execute(SQL(
                """SELECT l.company_id FROM account_move_line l
                     JOIN account_account a ON a.id = l.account_id
                    WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted'
                    GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1"""))
            row = cr.fetchone()
            self.company_id = row[0] if row else env.ref("base.main_company").id
            env["factoring.report.snapshot"]._factoring_take_snapshot(
                MONTH_END, env["res.company"].browse(self.company_id))
            cr.execute(SQL("SELECT COUNT(*) FROM factoring_report_snapshot WHERE date = %s",
                           MONTH_END))
            self.expected = cr.fetchone()[0]
            cr.execute(SQL("DELETE FROM factoring_report_snapshot WHERE date = %s", MONTH_END))

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute(SQL("DELETE FROM factoring_report_snapshot WHERE date = %s", MONTH_END))

    def _take_in_thread(self, name, barrier, results):
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                # the transaction's snapshot is taken here, before either writes
                env["factoring.report.snapshot"].search_count([("date", "=", MONTH_END)])
                barrier.wait(timeout=60)
                env["factoring.report.snapshot"]._factoring_take_snapshot(
                    MONTH_END, env["res.company"].browse(self.company_id))
            results[name] = "taken"
        except SerializationFailure:
            results[name] = "retry"
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            results[name] = repr(exc)

    @mute_logger("odoo.sql_db")  # the loser's refused query
    def test_two_snapshots_of_one_month_at_once(self):
        self.assertTrue(self.expected, "the company has receivable items to snapshot")
        for round_number in range(2):
            with self.subTest(round=round_number):
                barrier = threading.Barrier(2)
                results = {}
                threads = [threading.Thread(target=self._take_in_thread,
                                            args=(name, barrier, results))
                           for name in ("cron", "backfill")]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=300)
                self.assertFalse(any(t.is_alive() for t in threads), "a snapshot hangs")
                self.assertTrue(set(results.values()) <= {"taken", "retry"}, results)
                self.assertIn("taken", results.values(), results)
                with self.registry.cursor() as cr:
                    cr.execute(SQL(
                        """SELECT COUNT(*), COUNT(DISTINCT (company_id, COALESCE(client_id, 0),
                                                           COALESCE(debtor_id, 0)))
                             FROM factoring_report_snapshot WHERE date = %s""", MONTH_END))
                    self.assertEqual(cr.fetchone(), (self.expected, self.expected))
