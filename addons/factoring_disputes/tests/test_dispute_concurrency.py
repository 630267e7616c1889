import threading
from functools import partial

import psycopg2

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.service.model import retrying
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


@tagged("post_install", "-at_install")
class TestResolutionConcurrency(ThreadedTestMixin, TransactionCase):
    """Two people resolving the same dispute at the same moment cannot resolve
    more than its disputed amount. Each round commits a dispute of 50 on one
    item; two threads, each with its own cursor that commits, reject 30 of it
    at once. Both read the item as unresolved (50) before either writes, so
    both pass the amount check; the resolution writes the dispute's row first,
    so under REPEATABLE READ the second writer gets a serialization failure.
    Odoo's RPC layer retries such a request (``odoo.service.model.retrying``,
    used here too): the retry sees 20 left and refuses 30 with a clear error.
    One resolution, 30 resolved, 20 still open."""

    def setUp(self):
        super().setUp()
        self.move_ids = []
        self.dispute_ids = []
        self.partner_id = None
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.company_id = env.ref("base.main_company").id
            env = env(context={"allowed_company_ids": [self.company_id]})
            partner = env["res.partner"].create({"name": "Resolution Race Debtor",
                                                 "is_company": True})
            self.partner_id = partner.id
            moves = env["account.move"].create([{
                "move_type": "out_invoice", "partner_id": partner.id,
                "invoice_date": "2026-10-01",
                "invoice_line_ids": [Command.create({
                    "name": f"Resolution race {index}", "quantity": 1, "price_unit": 100.0,
                    "tax_ids": [Command.clear()]})],
            } for index in range(ROUNDS)])
            moves.action_post()
            self.move_ids = moves.ids
            items = moves.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable")
            self.item_ids = items.ids
            disputes = env["factoring.dispute"].create([{
                "company_id": self.company_id,
                "reason_id": env.ref("factoring_disputes.reason_pricing").id,
                "line_ids": [Command.create({"move_line_id": item.id, "amount": 50.0})],
            } for item in items])
            self.dispute_ids = disputes.ids

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # the resolutions go with their dispute (database cascade)
            env["factoring.dispute"].browse(self.dispute_ids).exists().unlink()
            env["factoring.item.hold"].with_context(active_test=False).search(
                [("move_line_id", "in", self.item_ids)]).unlink()
            moves = env["account.move"].browse(self.move_ids).exists()
            moves.button_draft()
            moves.with_context(force_delete=True).unlink()
            env["res.partner"].browse(self.partner_id).exists().unlink()

    def _resolve_in_thread(self, dispute_id, barrier, results, key):
        attempts = []
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {
                    "allowed_company_ids": [self.company_id]})

                def resolve():
                    dispute = env["factoring.dispute"].browse(dispute_id)
                    line = dispute.line_ids
                    # the snapshot is taken here; on the first attempt both
                    # threads read 50 unresolved before either resolves
                    unresolved = line.amount_unresolved
                    if not attempts:
                        barrier.wait(timeout=60)
                    attempts.append(unresolved)
                    dispute._factoring_resolve("rejected", {line: 30.0})

                retrying(partial(resolve), env)
            results[key] = ("resolved", attempts)
        except UserError as exc:
            results[key] = ("refused", str(exc), attempts)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[key] = ("error", repr(exc), attempts)

    @mute_logger("odoo.sql_db", "odoo.service.model")  # the loser's refused query
    def test_same_dispute_resolved_twice_at_once(self):
        for round_number, dispute_id in enumerate(self.dispute_ids):
            with self.subTest(round=round_number):
                barrier = threading.Barrier(2)
                results = {}
                threads = [threading.Thread(
                    target=self._resolve_in_thread,
                    args=(dispute_id, barrier, results, key))
                    for key in ("first", "second")]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=300)
                self.assertFalse(any(t.is_alive() for t in threads), "a resolution hangs")
                outcomes = sorted(results.values(), key=lambda o: o[0])
                self.assertEqual([o[0] for o in outcomes], ["refused", "resolved"], results)
                refused = outcomes[0]
                self.assertIn("more than its unresolved disputed amount", refused[1])
                # the loser read 50 first, then (retried) the 20 left
                self.assertEqual(refused[2][0], 50.0)
                self.assertEqual(refused[2][-1], 20.0)
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    dispute = env["factoring.dispute"].browse(dispute_id)
                    self.assertIn(dispute.name, refused[1], "the error names the dispute")
                    self.assertEqual(len(dispute.resolution_ids), 1)
                    self.assertEqual(dispute.line_ids.amount_resolved, 30.0)
                    self.assertEqual(dispute.line_ids.amount_unresolved, 20.0)
                    self.assertEqual(dispute.state, "open")
