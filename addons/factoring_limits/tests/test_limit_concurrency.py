import threading
from datetime import date, timedelta
from functools import partial

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.factoring_base.models.factoring_guard import guarded
from odoo.addons.factoring_base.tests.common import ThreadedTestMixin

ROUNDS = 3


@tagged("post_install", "-at_install")
class TestLimitConcurrency(ThreadedTestMixin, TransactionCase):
    """Two fundings at once cannot both take the last headroom.

    Each round commits two verified schedules on one debtor, each within the
    debtor's headroom but not both together, then funds both at the same
    moment from two threads, each with its own cursor that commits, through
    Odoo's own retry of serialization failures (what an RPC request gets).
    Funding writes the active limit rows it relies on: the second funding
    fails to write them (its snapshot predates the first funding's commit),
    is retried, sees the first funding's items and fails the headroom check;
    it goes back to draft with the reason (committed: nothing stays verified
    and counting in the utilisation).
    Pattern of factoring_base/tests/test_funding_concurrency.py.
    """

    def setUp(self):
        super().setUp()
        self.created = {"moves": [], "schedules": [], "agreements": [], "partners": [],
                        "limits": []}
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company, client, debtor, agreement = self._commit_client_and_debtor(
                env, "Limit Race")
            limit = env["factoring.limit"].with_company(company).create({
                "scope": "debtor", "debtor_id": debtor.id, "company_id": company.id,
                "currency_id": company.currency_id.id, "amount": 200000.0,
                "date_from": date(2026, 1, 1), "reason": "race"})
            limit.action_propose()
            limit.action_approve()
            assert limit.state == "active"
            self.created.update(partners=[client.id, debtor.id], agreements=agreement.ids,
                                limits=limit.ids)
            self.company_id = company.id
            self.agreement_id = agreement.id
            self.debtor_id = debtor.id
            self.limit_id = limit.id

    def _cleanup(self):
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
            cr.execute(SQL("DELETE FROM factoring_limit WHERE id = ANY(%s)",
                           self.created["limits"]))
            env["factoring.agreement"].browse(self.created["agreements"]).exists().unlink()
            env["factoring.client.debtor"].with_context(active_test=False).search(
                [("client_id", "in", self.created["partners"])]).unlink()
            env["res.partner"].browse(self.created["partners"]).exists().unlink()
            env.invalidate_all()

    def _two_verified_schedules(self, round_number, headroom):
        """Two verified schedules, each taking 60 % of the headroom left."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})
            currency = env["res.company"].browse(self.company_id).currency_id
            schedules = env["factoring.schedule"]
            for index in range(2):
                schedules |= env["factoring.schedule"].create({
                    "agreement_id": self.agreement_id,
                    "date": date(2026, 10, 1),
                    "line_ids": [Command.create({
                        "debtor_id": self.debtor_id,
                        "invoice_number": f"LR-{round_number}-{index}-{self.limit_id}",
                        # recent invoices: eligible, so that availability allows funding
                        "invoice_date": date.today() - timedelta(days=10),
                        "due_date": date.today() + timedelta(days=50),
                        "amount": round(headroom * 0.6, 2), "currency_id": currency.id})],
                })
            # what two users verifying at the same moment leave behind
            guarded(schedules).write({"state": "verified"})
            self.created["schedules"] += schedules.ids
            return schedules.ids

    def _headroom(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})
            return env["factoring.limit"].browse(self.limit_id).headroom

    def _fund_in_thread(self, schedule_id, barrier, results):
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})
                schedule = env["factoring.schedule"].browse(schedule_id)
                # the transaction's snapshot is taken here, before either funds
                self.assertEqual(schedule.state, "verified")
                barrier.wait(timeout=60)
                result = retrying(partial(schedule.action_fund), env)
                if schedule.state == "funded":
                    results[schedule_id] = ("funded", schedule.move_id.id)
                else:
                    # refused on its limits: back to draft, committed with
                    # this cursor, the refusal returned as a warning
                    results[schedule_id] = ("refused", result["params"]["message"])
        except UserError as exc:
            results[schedule_id] = ("refused", str(exc))
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            results[schedule_id] = ("error", repr(exc))

    @mute_logger("odoo.sql_db", "odoo.service.model")  # the loser's refused query
    def test_two_fundings_cannot_both_take_the_last_headroom(self):
        for round_number in range(ROUNDS):
            with self.subTest(round=round_number):
                headroom = self._headroom()
                first, second = self._two_verified_schedules(round_number, headroom)
                barrier = threading.Barrier(2)
                results = {}
                threads = [
                    threading.Thread(target=self._fund_in_thread, args=(sid, barrier, results))
                    for sid in (first, second)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=300)
                self.assertFalse(any(t.is_alive() for t in threads), "a funding hangs")
                outcomes = sorted(o[0] for o in results.values())
                self.assertEqual(outcomes, ["funded", "refused"], results)
                winner = next(sid for sid, o in results.items() if o[0] == "funded")
                loser = next(sid for sid, o in results.items() if o[0] == "refused")
                self.created["moves"].append(results[winner][1])
                self.assertIn("debtor limit", results[loser][1])
                self.assertIn("headroom", results[loser][1])
                with self.registry.cursor() as cr:
                    env = api.Environment(
                        cr, SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})
                    schedules = env["factoring.schedule"].browse([winner, loser])
                    self.assertEqual(schedules[0].state, "funded")
                    self.assertFalse(schedules[1].move_id, "nothing posted for the loser")
                    # nothing stale: the loser is back to draft, says why, and
                    # no longer counts in the debtor's utilisation
                    self.assertEqual(schedules[1].state, "draft")
                    self.assertIn("debtor limit", schedules[1].line_ids.check_message)
                    self.assertTrue(schedules[1].message_ids.filtered(
                        lambda m: "Back to draft: funding refused" in (m.body or "")))
                    limit = env["factoring.limit"].browse(self.limit_id)
                    self.assertGreaterEqual(limit.headroom, 0.0, "the limit is not exceeded")
                    self.assertAlmostEqual(limit.headroom, headroom * 0.4, places=1)
                    # and the next verification on the debtor is not blocked by it
                    schedules[1].action_verify()
                    self.assertEqual(schedules[1].state, "draft")
                    self.assertIn("headroom", schedules[1].line_ids.check_message)
                    guarded(schedules[1]).write({"state": "cancelled"})
