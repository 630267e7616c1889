import threading
from datetime import timedelta
from functools import partial

import psycopg2

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import ValidationError
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.factoring_base.tests.common import ThreadedTestMixin


@tagged("post_install", "-at_install")
class TestDunningConcurrency(ThreadedTestMixin, TransactionCase):
    """Two dunning runs started at the same moment for the same company send
    each debtor's level once.

    Each round commits a debtor of its own (with an accounts-payable contact,
    so the e-mail channel is used) and overdue invoices reaching two levels of
    a policy of its own, then starts two runs from two threads, each with its
    own cursor that commits, as the cron and a supervisor's "Run Now" would.
    The partial unique index on running runs lets one run in; the other is
    refused. When the other's insert waited for the first run to commit (Run
    Now commits at the end, when the run is no longer running), its write of
    the company's row fails to serialize and Odoo's ``retrying`` starts it
    again with a fresh snapshot: it finds every item at its level and sends
    nothing. Either way the debtor gets one communication, one e-mail and one
    activity per level; the unique index on (company, debtor, level, day)
    stands behind it.
    """

    def setUp(self):
        super().setUp()
        self.created = {"moves": [], "partners": [], "policies": [], "runs_before": 0}
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            if not company.chart_template:
                env["account.chart.template"].try_loading(
                    "generic_coa", company=company, install_demo=False)
            env = env(context={"allowed_company_ids": [company.id]})
            self.company_id = company.id
            self.today = company._factoring_today()
            template = env.ref("factoring_collections.mail_template_dunning")
            policy = env["factoring.dunning.policy"].create({
                "name": "Race policy", "company_id": company.id,
                "level_ids": [
                    Command.create({"name": "Race reminder", "days": 1, "channel_email": True,
                                    "mail_template_id": template.id}),
                    Command.create({"name": "Race notice", "days": 15, "channel_email": True,
                                    "mail_template_id": template.id, "channel_call": True}),
                    Command.create({"name": "Race final", "days": 400, "channel_letter": True}),
                ]})
            self.created["policies"] = policy.ids
            self.policy_id = policy.id
            [[self.created["runs_before"]]] = env.execute_query(SQL(
                "SELECT COALESCE(MAX(id), 0) FROM factoring_dunning_run"))

    def _cleanup(self):
        """Remove what the rounds committed, so the database is as before."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partners = env["res.partner"].browse(self.created["partners"]).exists()
            item_ids = env["account.move.line"].search(
                [("move_id", "in", self.created["moves"])]).ids
            comm_ids = env["factoring.dunning.communication"].search(
                [("partner_id", "in", partners.ids)]).ids
            env["mail.mail"].search([
                ("model", "=", "factoring.dunning.communication"),
                ("res_id", "in", comm_ids)]).unlink()
            cr.execute(SQL("DELETE FROM factoring_dunning_item WHERE move_line_id = ANY(%s)",
                           item_ids))
            cr.execute(SQL("DELETE FROM factoring_dunning_communication WHERE partner_id = ANY(%s)",
                           partners.ids))
            # the races' runs (the communications of other debtors, if any, go with them)
            cr.execute(SQL("DELETE FROM factoring_dunning_run WHERE id > %s",
                           self.created["runs_before"]))
            env["mail.activity"].search([
                ("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)]).unlink()
            moves = env["account.move"].browse(self.created["moves"]).exists()
            moves.button_draft()
            moves.with_context(force_delete=True).unlink()
            partners.unlink()
            env["factoring.dunning.policy"].browse(self.created["policies"]).exists().unlink()
            env.invalidate_all()

    def _race_setup(self, number):
        """A debtor with an AP contact and items 5 and 20 days overdue (levels 1, 2)."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})
            debtor = env["res.partner"].create({
                "name": f"Dunning Race Debtor {number}", "is_company": True,
                "is_factoring_debtor": True, "company_id": self.company_id,
                "factoring_dunning_policy_id": self.policy_id,
                "child_ids": [Command.create({
                    "name": "Race AP", "email": f"ap{number}@race.example.com",
                    "factoring_contact_role": "ap"})]})
            self.created["partners"] += [debtor.id, *debtor.child_ids.ids]
            moves = env["account.move"].create([{
                "move_type": "out_invoice", "partner_id": debtor.id,
                "invoice_date": self.today - timedelta(days=60),
                "invoice_date_due": self.today - timedelta(days=days),
                "invoice_line_ids": [Command.create({
                    "name": f"Race {days}", "quantity": 1, "price_unit": 1000.0,
                    "tax_ids": [Command.clear()]})],
            } for days in (5, 20, 21)])
            moves.action_post()
            self.created["moves"] += moves.ids
            levels = env["factoring.dunning.policy"].browse(self.policy_id).level_ids
            return debtor.id, levels.sorted("days")[:2].ids

    def _run_in_thread(self, commit, barrier, results, key):
        attempts = []
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {
                    "allowed_company_ids": [self.company_id]})

                def run():
                    company = env["res.company"].browse(self.company_id)
                    # the snapshot is taken here, before either run starts
                    env["factoring.dunning.run"].search_count([])
                    if not attempts:
                        barrier.wait(timeout=60)
                    attempts.append(1)
                    return env["factoring.dunning.run"]._run(company, self.today, commit=commit)

                run = retrying(partial(run), env)
                results[key] = ("ran", run.id)
        except (ValidationError, psycopg2.IntegrityError) as exc:
            results[key] = ("refused", str(exc))
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[key] = ("error", repr(exc))

    def _race(self, number, commit):
        debtor_id, (level_1, level_2) = self._race_setup(number)
        barrier = threading.Barrier(2)
        results = {}
        threads = [threading.Thread(target=self._run_in_thread,
                                    args=(commit, barrier, results, key))
                   for key in ("first", "second")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        self.assertFalse(any(t.is_alive() for t in threads), "a run hangs")
        self.assertFalse([r for r in results.values() if r[0] == "error"], results)
        ran = [r[1] for r in results.values() if r[0] == "ran"]
        self.assertTrue(ran, results)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for message in (r[1] for r in results.values() if r[0] == "refused"):
                self.assertIn("already running", message)
            comms = env["factoring.dunning.communication"].search(
                [("partner_id", "=", debtor_id)])
            self.assertEqual(sorted(comms.level_id.ids), sorted([level_1, level_2]),
                             "one communication per level")
            self.assertEqual(len(comms), 2, "each level once")
            self.assertEqual({c.level_id.id: c.item_count for c in comms},
                             {level_1: 1, level_2: 2}, "each item listed once")
            self.assertIn(comms.run_id.id, ran)
            runs = env["factoring.dunning.run"].browse(ran)
            self.assertEqual(set(runs.mapped("state")), {"done"},
                             {run.id: (run.state, run.log) for run in runs})
            self.assertEqual(sorted(runs.mapped("communication_count"))[:-1],
                             [0] * (len(runs) - 1), "a later run sends nothing")
            mails = env["mail.mail"].search([
                ("model", "=", "factoring.dunning.communication"), ("res_id", "in", comms.ids)])
            self.assertEqual(len(mails), 2, "one e-mail per level")
            activities = env["mail.activity"].search([
                ("res_model", "=", "res.partner"), ("res_id", "=", debtor_id)])
            self.assertEqual(len(activities), 1, "one call activity (level 2)")

    @mute_logger("odoo.sql_db", "odoo.service.model",
                 "odoo.addons.factoring_collections.models.factoring_dunning_run")
    def test_two_runs_now_at_once(self):
        """Run Now twice at once (each run commits at its end)."""
        for round_number in range(2):
            with self.subTest(round=round_number):
                self._race(f"N{round_number}", commit=False)

    @mute_logger("odoo.sql_db", "odoo.service.model",
                 "odoo.addons.factoring_collections.models.factoring_dunning_run")
    def test_two_cron_runs_at_once(self):
        """Two committing runs (batches committed) at once."""
        for round_number in range(2):
            with self.subTest(round=round_number):
                self._race(f"C{round_number}", commit=True)
