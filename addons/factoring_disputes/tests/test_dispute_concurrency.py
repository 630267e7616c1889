import threading

import psycopg2

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.factoring_base.tests.common import ThreadedTestMixin

ROUNDS = 3


@tagged("post_install", "-at_install")
class TestDisputeConcurrency(ThreadedTestMixin, TransactionCase):
    """Two collectors opening a dispute on the same item at the same moment
    leave one open dispute: both pass the Python check (each snapshot predates
    the other's insert), the partial unique index on open dispute lines stops
    the second. Two threads, each with its own cursor that commits."""

    def setUp(self):
        super().setUp()
        self.move_ids = []
        self.partner_id = None
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.company_id = env.ref("base.main_company").id
            env = env(context={"allowed_company_ids": [self.company_id]})
            partner = env["res.partner"].create({"name": "Dispute Race Debtor",
                                                 "is_company": True})
            self.partner_id = partner.id
            moves = env["account.move"].create([{
                "move_type": "out_invoice", "partner_id": partner.id,
                "invoice_date": "2026-10-01",
                "invoice_line_ids": [Command.create({
                    "name": f"Race {index}", "quantity": 1, "price_unit": 100.0,
                    "tax_ids": [Command.clear()]})],
            } for index in range(ROUNDS)])
            moves.action_post()
            self.move_ids = moves.ids
            self.item_ids = moves.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable").ids

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            disputes = env["factoring.dispute"].search([("debtor_id", "=", self.partner_id)])
            disputes.unlink()
            env["factoring.item.hold"].with_context(active_test=False).search(
                [("move_line_id", "in", self.item_ids)]).unlink()
            moves = env["account.move"].browse(self.move_ids).exists()
            moves.button_draft()
            moves.with_context(force_delete=True).unlink()
            env["res.partner"].browse(self.partner_id).exists().unlink()

    def _open_in_thread(self, item_id, barrier, results, key):
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {
                    "allowed_company_ids": [self.company_id]})
                Dispute = env["factoring.dispute"]
                # the snapshot is taken here, before either inserts
                Dispute.search_count([("debtor_id", "=", self.partner_id)])
                barrier.wait(timeout=60)
                Dispute.create({
                    "company_id": self.company_id,
                    "reason_id": env.ref("factoring_disputes.reason_pricing").id,
                    "line_ids": [Command.create({"move_line_id": item_id, "amount": 50.0})],
                })
                env.flush_all()
            results[key] = ("created", None)
        except psycopg2.IntegrityError as exc:
            results[key] = ("refused", exc.diag.constraint_name)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[key] = ("error", repr(exc))

    @mute_logger("odoo.sql_db", "odoo.service.model")  # the loser's refused query
    def test_same_item_disputed_twice_at_once(self):
        for round_number, item_id in enumerate(self.item_ids):
            with self.subTest(round=round_number):
                barrier = threading.Barrier(2)
                results = {}
                threads = [threading.Thread(
                    target=self._open_in_thread, args=(item_id, barrier, results, key))
                    for key in ("first", "second")]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=120)
                self.assertFalse(any(t.is_alive() for t in threads), "an opening hangs")
                outcomes = sorted(results.values())
                self.assertEqual([o[0] for o in outcomes], ["created", "refused"], results)
                self.assertEqual(outcomes[1][1], "factoring_dispute_line_item_open_uniq")
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    self.assertEqual(env["factoring.dispute.line"].search_count([
                        ("move_line_id", "=", item_id), ("dispute_open", "=", True)]), 1)
