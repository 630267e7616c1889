import threading

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import ThreadedTestMixin

ROUNDS = 3


@tagged("post_install", "-at_install")
class TestClientDebtorConcurrency(ThreadedTestMixin, TransactionCase):
    """Two users approving the same client x debtor pair at the same moment
    leave one record: both pass the Python check (each transaction's snapshot
    predates the other's insert), the database's unique constraint stops the
    second. Two threads, each with its own cursor that commits."""

    def setUp(self):
        super().setUp()
        self.partner_ids = []
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.company_id = env.ref("base.main_company").id
            Partner = env["res.partner"]
            self.client_id = Partner.create({
                "name": "Pair Race Client", "is_company": True,
                "is_factoring_client": True}).id
            self.debtor_ids = Partner.create([{
                "name": f"Pair Race Debtor {index}", "is_company": True,
                "is_factoring_debtor": True} for index in range(ROUNDS)]).ids
            self.partner_ids = [self.client_id, *self.debtor_ids]

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["factoring.client.debtor"].with_context(active_test=False).search(
                [("client_id", "=", self.client_id)]).unlink()
            env["res.partner"].browse(self.partner_ids).exists().unlink()

    def _approve_in_thread(self, debtor_id, barrier, results, key):
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {
                    "allowed_company_ids": [self.company_id]})
                Pair = env["factoring.client.debtor"]
                # the snapshot is taken here, before either inserts
                Pair.with_context(active_test=False).search_count(
                    [("client_id", "=", self.client_id)])
                barrier.wait(timeout=60)
                Pair.create({"client_id": self.client_id, "debtor_id": debtor_id,
                             "company_id": self.company_id})
                env.flush_all()
            results[key] = ("created", None)
        except psycopg2.IntegrityError as exc:
            results[key] = ("refused", exc.diag.constraint_name)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[key] = ("error", repr(exc))

    @mute_logger("odoo.sql_db", "odoo.service.model")  # the loser's refused query
    def test_same_pair_approved_twice_at_once(self):
        for round_number, debtor_id in enumerate(self.debtor_ids):
            with self.subTest(round=round_number):
                barrier = threading.Barrier(2)
                results = {}
                threads = [threading.Thread(
                    target=self._approve_in_thread, args=(debtor_id, barrier, results, key))
                    for key in ("first", "second")]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=120)
                self.assertFalse(any(t.is_alive() for t in threads), "an approval hangs")
                outcomes = sorted(results.values())
                self.assertEqual([o[0] for o in outcomes], ["created", "refused"], results)
                self.assertEqual(outcomes[1][1], "factoring_client_debtor_pair_company_uniq")
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    self.assertEqual(env["factoring.client.debtor"].search_count([
                        ("client_id", "=", self.client_id), ("debtor_id", "=", debtor_id)]), 1)
