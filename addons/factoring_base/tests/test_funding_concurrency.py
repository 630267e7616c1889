import threading
from datetime import date

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from ..models.factoring_guard import guarded
from .common import ThreadedTestMixin

ROUNDS = 3


@tagged("post_install", "-at_install")
class TestFundingConcurrency(ThreadedTestMixin, TransactionCase):
    """Two fundings at once cannot take the same invoice (issue 5, section 2).

    Each round commits two verified schedules holding one invoice, then funds
    both at the same moment from two threads, each with its own database
    cursor that commits, as two users' requests would. Odoo runs REPEATABLE
    READ: each transaction takes its snapshot before the other one commits, so
    the duplicate check alone cannot see the other funding; the database's
    unique index over funded invoices must stop the second one.
    """

    def setUp(self):
        super().setUp()
        self.created = {"moves": [], "schedules": [], "agreements": [], "partners": []}
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company, client, debtor, agreement = self._commit_client_and_debtor(
                env, "Concurrency")
            self.created["partners"] = [client.id, debtor.id]
            self.created["agreements"] = agreement.ids
            self.company_id = company.id
            self.agreement_id = agreement.id
            self.debtor_id = debtor.id

    def _cleanup(self):
        """Remove what the rounds committed (entries, schedules, agreement,
        partners), so the database is as before the test."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            moves = env["account.move"].browse(self.created["moves"]).exists()
            schedules = env["factoring.schedule"].browse(self.created["schedules"]).exists()
            moves |= schedules.move_id
            if moves:
                cr.execute(SQL("DELETE FROM account_move_line WHERE move_id = ANY(%s)", moves.ids))
                cr.execute(SQL("DELETE FROM account_move WHERE id = ANY(%s)", moves.ids))
            if schedules:
                guarded(schedules).write({"state": "cancelled", "move_id": False})
                schedules.unlink()
            env["factoring.agreement"].browse(self.created["agreements"]).exists().unlink()
            # the client x debtor record the agreement's approved debtors made
            env["factoring.client.debtor"].with_context(active_test=False).search(
                [("client_id", "in", self.created["partners"])]).unlink()
            env["res.partner"].browse(self.created["partners"]).exists().unlink()
            env.invalidate_all()

    def _two_verified_schedules(self, number):
        """Two verified schedules with the same invoice, committed: what two
        users verifying at the same moment leave behind (verification does
        not hold invoices; funding does)."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})
            schedules = env["factoring.schedule"]
            for _index in range(2):
                schedule = env["factoring.schedule"].create({
                    "agreement_id": self.agreement_id,
                    "date": date(2026, 10, 1),
                    "line_ids": [Command.create({
                        "debtor_id": self.debtor_id, "invoice_number": number,
                        "invoice_date": date(2026, 9, 1), "due_date": date(2026, 11, 30),
                        "amount": 1000.0,
                        "currency_id": env["res.company"].browse(
                            self.company_id).currency_id.id})],
                })
                schedules |= schedule
            guarded(schedules).write({"state": "verified"})
            self.created["schedules"] += schedules.ids
            return schedules.ids

    def _fund_in_thread(self, schedule_id, barrier, results):
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})
                schedule = env["factoring.schedule"].browse(schedule_id)
                # the transaction's snapshot is taken here, before either funds
                self.assertEqual(schedule.state, "verified")
                barrier.wait(timeout=60)
                schedule.action_fund()
                results[schedule_id] = ("funded", schedule.move_id.id)
        except UserError as exc:
            results[schedule_id] = ("refused", str(exc))
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            results[schedule_id] = ("error", repr(exc))

    @mute_logger("odoo.sql_db", "odoo.service.model")  # the loser's refused query
    def test_two_fundings_of_one_invoice_at_once(self):
        for round_number in range(ROUNDS):
            with self.subTest(round=round_number):
                number = f"RACE-{round_number}-{self.agreement_id}"
                first, second = self._two_verified_schedules(number)
                barrier = threading.Barrier(2)
                results = {}
                threads = [
                    threading.Thread(target=self._fund_in_thread, args=(sid, barrier, results))
                    for sid in (first, second)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=300)
                self.assertFalse(any(t.is_alive() for t in threads), "a funding hangs")
                outcomes = sorted(results.values())
                self.assertEqual([o[0] for o in outcomes], ["funded", "refused"], results)
                winner = next(sid for sid, o in results.items() if o[0] == "funded")
                loser = next(sid for sid, o in results.items() if o[0] == "refused")
                self.created["moves"].append(results[winner][1])
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    schedules = env["factoring.schedule"].browse([winner, loser])
                    message = results[loser][1]
                    self.assertIn(schedules[1].name, message)
                    self.assertIn(number, message)
                    self.assertIn(schedules[0].name, message, "the other schedule is named")
                    self.assertEqual(schedules[0].state, "funded")
                    self.assertEqual(schedules[1].state, "verified")
                    self.assertFalse(schedules[1].move_id, "nothing posted for the loser")
                    self.assertFalse(schedules[1].line_ids.is_funded)
                    items = env["account.move.line"].search([
                        ("factoring_schedule_line_id", "in", schedules.line_ids.ids)])
                    self.assertEqual(len(items), 1, "one receivable item for the invoice")
                    self.assertEqual(items.move_id, schedules[0].move_id)
                    self.assertEqual(items.move_id.state, "posted")
