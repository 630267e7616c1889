import threading
from datetime import date
from functools import partial

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from ..models.factoring_guard import guarded
from .common import ThreadedTestMixin


@tagged("post_install", "-at_install")
class TestRemittanceConcurrency(ThreadedTestMixin, TransactionCase):
    """Two remittances posted at the same moment cannot both pay one invoice.

    Each round commits one open item (an own invoice, or a factored item funded
    from a schedule) and two draft remittances paying it in full, then posts
    both from two threads, each with its own cursor that commits, as two
    accountants' requests would. Each transaction reads the item before the
    other commits, so both pass the residual check; reconciling writes the
    item's residual, and under REPEATABLE READ the second writer gets a
    serialization failure. Odoo's RPC layer retries such a request
    (``odoo.service.model.retrying``, used here too): the retry sees the item
    paid and refuses with a clear error. One payment, nothing posted twice.
    """

    def setUp(self):
        super().setUp()
        self.created = {"moves": [], "remittances": [], "schedules": [], "agreements": [],
                        "partners": []}
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company, client, debtor, agreement = self._commit_client_and_debtor(
                env, "Remittance Race")
            self.created["partners"] = [client.id, debtor.id]
            self.created["agreements"] = agreement.ids
            self.company_id = company.id
            self.agreement_id = agreement.id
            self.debtor_id = debtor.id
            self.bank_journal_id = env["account.journal"].search([
                ("company_id", "=", company.id), ("type", "=", "bank")], limit=1).id
            self.income_account_id = env["account.account"].search([
                ("company_ids", "in", company.id), ("account_type", "=", "income")],
                limit=1).id
            self.assertTrue(self.bank_journal_id and self.income_account_id)

    def _cleanup(self):
        """Remove what the rounds committed, so the database is as before."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            remittances = env["factoring.remittance"].browse(self.created["remittances"]).exists()
            schedules = env["factoring.schedule"].browse(self.created["schedules"]).exists()
            moves = env["account.move"].browse(self.created["moves"]).exists()
            moves |= schedules.move_id | remittances.transfer_move_id | remittances.payment_id.move_id
            # the fee entries the settled factored items caused
            moves |= env["account.move"].search([
                ("line_ids.partner_id", "in", self.created["partners"])])
            payments = remittances.payment_id
            if remittances:
                cr.execute(SQL("DELETE FROM factoring_remittance WHERE id = ANY(%s)",
                               remittances.ids))
            if payments:
                cr.execute(SQL("DELETE FROM account_payment WHERE id = ANY(%s)", payments.ids))
            if moves:
                cr.execute(SQL("DELETE FROM account_partial_reconcile WHERE debit_move_id IN "
                               "(SELECT id FROM account_move_line WHERE move_id = ANY(%(m)s)) "
                               "OR credit_move_id IN (SELECT id FROM account_move_line "
                               "WHERE move_id = ANY(%(m)s))", m=moves.ids))
                cr.execute(SQL("DELETE FROM account_move_line WHERE move_id = ANY(%s)", moves.ids))
                cr.execute(SQL("DELETE FROM account_move WHERE id = ANY(%s)", moves.ids))
            if schedules:
                cr.execute(SQL("DELETE FROM factoring_schedule_line WHERE schedule_id = ANY(%s)",
                               schedules.ids))
                cr.execute(SQL("DELETE FROM factoring_schedule WHERE id = ANY(%s)", schedules.ids))
            env["factoring.agreement"].browse(self.created["agreements"]).exists().unlink()
            env["factoring.client.debtor"].with_context(active_test=False).search(
                [("client_id", "in", self.created["partners"])]).unlink()
            env["res.partner"].browse(self.created["partners"]).exists().unlink()
            env.invalidate_all()

    # ------------------------------------------------------------------
    # What each round commits before the race
    # ------------------------------------------------------------------
    def _own_invoice(self, env, number):
        invoice = env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.debtor_id,
            "invoice_date": date(2026, 9, 1), "invoice_date_due": date(2026, 10, 1),
            "payment_reference": number,
            "invoice_line_ids": [Command.create({
                "name": "Fabric", "quantity": 1, "price_unit": 1000.0,
                "account_id": self.income_account_id, "tax_ids": [Command.clear()]})],
        })
        invoice.action_post()
        self.created["moves"].append(invoice.id)
        return invoice.line_ids.filtered(lambda rec: rec.account_type == "asset_receivable")

    def _factored_item(self, env, number):
        schedule = env["factoring.schedule"].create({
            "agreement_id": self.agreement_id,
            "date": date(2026, 10, 1),
            "line_ids": [Command.create({
                "debtor_id": self.debtor_id, "invoice_number": number,
                "invoice_date": date(2026, 9, 1), "due_date": date(2026, 11, 30),
                "amount": 1000.0,
                "currency_id": env["res.company"].browse(self.company_id).currency_id.id})],
        })
        self.created["schedules"].append(schedule.id)
        guarded(schedule).write({"state": "verified"})
        schedule.action_fund()
        return env["account.move.line"].search([
            ("factoring_schedule_line_id", "in", schedule.line_ids.ids)])

    def _race_setup(self, kind, number):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})
            item = (self._own_invoice if kind == "own" else self._factored_item)(env, number)
            self.assertEqual(len(item), 1)
            remittances = env["factoring.remittance"].create([{
                "debtor_id": self.debtor_id, "journal_id": self.bank_journal_id,
                "date": date(2026, 11, 2), "amount": 1000.0, "memo": f"{number}-{index}",
                "line_ids": [Command.create({"invoice_ref": number, "amount": 1000.0})],
            } for index in range(2)])
            self.assertEqual(remittances.line_ids.move_line_id, item, "both match the item")
            self.created["remittances"] += remittances.ids
            return item.id, remittances.ids

    def _post_in_thread(self, remittance_id, barrier, results):
        attempts = []
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})

                def post():
                    remittance = env["factoring.remittance"].browse(remittance_id)
                    # the snapshot is taken here; on the first attempt both
                    # threads read the item as open before either posts
                    remittance.line_ids.move_line_id.mapped("amount_residual")
                    if not attempts:
                        barrier.wait(timeout=60)
                    attempts.append(1)
                    remittance.action_post()

                retrying(partial(post), env)
            results[remittance_id] = ("posted", len(attempts))
        except UserError as exc:
            results[remittance_id] = ("refused", str(exc))
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[remittance_id] = ("error", repr(exc))

    def _race(self, kind, number):
        item_id, (first, second) = self._race_setup(kind, number)
        barrier = threading.Barrier(2)
        results = {}
        threads = [threading.Thread(target=self._post_in_thread, args=(rid, barrier, results))
                   for rid in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        self.assertFalse(any(t.is_alive() for t in threads), "a posting hangs")
        outcomes = sorted(results.values(), key=lambda o: o[0])
        self.assertEqual([o[0] for o in outcomes], ["posted", "refused"], results)
        winner = next(rid for rid, o in results.items() if o[0] == "posted")
        loser = next(rid for rid, o in results.items() if o[0] == "refused")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            won, lost = env["factoring.remittance"].browse([winner, loser])
            self.assertIn(lost.name, results[loser][1], "the error names the remittance")
            self.assertIn(number, results[loser][1], "and the invoice")
            self.assertEqual(won.state, "posted")
            self.assertEqual(lost.state, "draft", "the loser stays a draft")
            self.assertFalse(lost.payment_id, "no payment for the loser")
            item = env["account.move.line"].browse(item_id)
            self.assertTrue(item.reconciled)
            self.assertEqual(item.company_currency_id.compare_amounts(item.amount_residual, 0), 0)
            payments = env["account.payment"].search([
                ("partner_id", "=", self.debtor_id), ("memo", "like", number)])
            self.assertEqual(payments, won.payment_id, "one payment in the ledger")

    @mute_logger("odoo.sql_db", "odoo.service.model")  # the loser's refused query
    def test_two_remittances_pay_one_own_invoice_at_once(self):
        for round_number in range(2):
            with self.subTest(round=round_number):
                self._race("own", f"RR-OWN-{round_number}-{self.agreement_id}")

    @mute_logger("odoo.sql_db", "odoo.service.model")  # the loser's refused query
    def test_two_remittances_pay_one_factored_item_at_once(self):
        for round_number in range(2):
            with self.subTest(round=round_number):
                self._race("factored", f"RR-FAC-{round_number}-{self.agreement_id}")
