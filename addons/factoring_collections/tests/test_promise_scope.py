from datetime import timedelta

from odoo import Command
from odoo.tests import Form
from odoo.tools import format_amount

from odoo.addons.factoring_base.models.factoring_guard import guarded

from .common import CollectionsCommon


class TestPromiseScope(CollectionsCommon):
    """A promise to pay holds the promised items or, when none are chosen, the
    debtor's oldest overdue items up to the promised amount; its hold stops
    dunning and leaves the items eligible for funding. The overdue figure
    names what the holds keep from dunning, per source."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t = cls.today
        cls.oldest = cls.make_invoice(cls.debtor_a, 3000.0, t - timedelta(days=40), ref="P-1")
        cls.middle = cls.make_invoice(cls.debtor_a, 2000.0, t - timedelta(days=20), ref="P-2")
        cls.recent = cls.make_invoice(cls.debtor_a, 1500.0, t - timedelta(days=5), ref="P-3")
        cls.not_due = cls.make_invoice(cls.debtor_a, 800.0, t + timedelta(days=10), ref="P-4")
        cls.all_items = cls.oldest | cls.middle | cls.recent | cls.not_due
        template = cls.env.ref("factoring_collections.mail_template_dunning")
        cls.company.factoring_dunning_policy_id = cls.env["factoring.dunning.policy"].create({
            "name": "Scope", "company_id": cls.company.id,
            "level_ids": [Command.create({"name": "Reminder", "days": 1, "channel_email": True,
                                          "mail_template_id": template.id})]})

    def promise(self, **vals):
        return self.env["factoring.promise"].with_user(self.collector).create({
            "debtor_id": self.debtor_a.id, "amount": 1000.0, "date": self.days(7), **vals})

    def held(self):
        return self.all_items.filtered("factoring_on_hold")

    def test_without_items_holds_oldest_overdue_up_to_amount(self):
        promise = self.promise(amount=2500.0)
        self.assertEqual(self.held(), self.oldest, "3,000 already covers 2,500")
        promise.amount = 4000.0
        self.assertEqual(self.held(), self.oldest | self.middle)
        promise.amount = 3000.0
        self.assertEqual(self.held(), self.oldest, "exactly covered: no further item")

    def test_chosen_items_only(self):
        self.promise(amount=1500.0, item_ids=[Command.set(self.recent.ids)])
        self.assertEqual(self.held(), self.recent)

    def test_disputed_items_are_left_to_the_dispute(self):
        # the oldest item is disputed (held from dunning and funding already)
        self.oldest._factoring_set_hold("Disputed quality", "manual")
        promise = self.promise(amount=2000.0)
        holds = self.env["factoring.item.hold"].search([
            ("res_model", "=", "factoring.promise"), ("res_id", "=", promise.id)])
        self.assertEqual(holds.move_line_id, self.middle)

    def test_promise_stops_dunning_only(self):
        promise = self.promise(amount=1000.0)
        hold = self.oldest.factoring_hold_ids
        self.assertEqual(hold.source, "promise")
        self.assertEqual((hold.stops_dunning, hold.makes_ineligible), (True, False))
        self.assertTrue(self.oldest.factoring_dunning_hold)
        self.assertFalse(self.oldest.factoring_ineligible_hold)
        run = self.env["factoring.dunning.run"]._run(self.company, self.today)
        dunned = run.communication_ids.item_ids
        self.assertNotIn(self.oldest, dunned)
        self.assertIn(self.middle, dunned)
        self.assertEqual(run.skipped_hold, 1)
        promise.unlink()
        self.assertFalse(self.oldest.factoring_on_hold)

    def test_ineligible_only_hold_is_still_dunned(self):
        self.oldest._factoring_set_hold("Invoice copy missing", "manual",
                                        stops_dunning=False, makes_ineligible=True)
        run = self.env["factoring.dunning.run"]._run(self.company, self.today)
        self.assertIn(self.oldest, run.communication_ids.item_ids)
        self.assertEqual(run.skipped_hold, 0)

    def test_amount_defaults_to_what_the_items_owe(self):
        form = Form(self.env["factoring.promise"].with_user(self.collector).with_context(
            default_debtor_id=self.debtor_a.id))
        form.date = self.days(7)
        form.item_ids.add(self.middle)
        form.item_ids.add(self.recent)
        self.assertEqual(form.amount, 3500.0)
        promise = form.save()
        self.assertEqual(promise.item_ids, self.middle | self.recent)

    def test_overdue_figure_names_the_held_parts(self):
        self.oldest._factoring_set_hold("Disputed quality", "manual")
        self.promise(amount=2000.0)
        partner = self.debtor_a
        partner.invalidate_recordset()
        overdue = 3000.0 + 2000.0 + 1500.0
        self.assertEqual(partner.factoring_overdue_amount, overdue)
        self.assertEqual(partner.factoring_dunnable_amount, 1500.0)
        money = lambda amount: format_amount(self.env, amount, self.eur)  # noqa: E731
        self.assertEqual(
            partner.factoring_overdue_detail,
            f"{money(3000.0)} held manually, {money(2000.0)} promised, {money(1500.0)} to chase")

    def test_promised_factored_item_stays_eligible(self):
        schedule = self.make_schedule([{"invoice_number": "PF-1", "amount": 4000.0}])
        schedule.action_verify()
        schedule.action_fund()
        item = schedule.move_id.line_ids.filtered("factoring_schedule_line_id")
        before = self.client._factoring_availability(self.company)[self.client.id]
        # the client's tab counts its factored items as the debtor's does
        self.assertLess(item.date_maturity, self.today)
        self.assertEqual(self.client.factoring_dunnable_amount, 4000.0)
        self.promise(amount=4000.0, item_ids=[Command.set(item.ids)])
        self.client.invalidate_recordset()
        self.assertEqual(self.client.factoring_overdue_amount, 4000.0)
        self.assertEqual(self.client.factoring_dunnable_amount, 0.0)
        self.assertIn("promised", self.client.factoring_overdue_detail)
        self.assertTrue(item.factoring_dunning_hold)
        after = self.client._factoring_availability(self.company)[self.client.id]
        self.assertEqual(after["eligible"], before["eligible"])
        self.assertEqual(after["availability"], before["availability"])
        self.assertEqual(after["held_by_source"], {}, "nothing left out of availability")

    def test_client_overdue_to_chase(self):
        """A client's Overdue to Chase counts its factored items (as its
        Overdue does): what no hold keeps from dunning."""
        schedule = self.make_schedule([
            {"invoice_number": "PC-1", "amount": 4000.0, "invoice_date": self.days(-40),
             "due_date": self.days(-10)},
            {"invoice_number": "PC-2", "amount": 1000.0, "invoice_date": self.days(-40),
             "due_date": self.days(-5)},
        ], schedule_date=self.days(-30))
        schedule.action_verify()
        schedule.action_fund()
        promised = schedule.move_id.line_ids.filtered(
            lambda line: line.factoring_schedule_line_id and line.name == "PC-1")
        self.promise(amount=4000.0, item_ids=[Command.set(promised.ids)])
        client = self.client.with_user(self.collector)
        client.invalidate_recordset()
        self.assertEqual(client.factoring_overdue_amount, 5000.0)
        self.assertEqual(client.factoring_dunnable_amount, 1000.0)
        self.assertIn(f"{format_amount(self.env, 1000.0, self.eur)} to chase",
                      client.factoring_overdue_detail)

    def test_client_promised_is_its_part_of_the_debtors_promises(self):
        """A client's Promised (pending) is its part of the debtor's pending
        promises: a promise holding the client's factored item and the
        debtor's own invoice is shared pro rata of the residual it holds."""
        schedule = self.make_schedule([{"invoice_number": "PP-1", "amount": 4000.0}])
        schedule.action_verify()
        schedule.action_fund()
        factored = schedule.move_id.line_ids.filtered("factoring_schedule_line_id")
        self.assertEqual(self.client.factoring_promise_pending_amount, 0.0)
        # 3,000 promised on the factored 4,000 and the own 2,000 (middle)
        promise = self.promise(amount=3000.0, item_ids=[Command.set((factored | self.middle).ids)])
        client = self.client.with_user(self.collector)
        client.invalidate_recordset()
        self.assertAlmostEqual(client.factoring_promise_pending_amount, 3000.0 * 4000.0 / 6000.0)
        self.assertEqual(client.factoring_promise_next_date, promise.date)
        # the debtor's tab still shows the whole promise
        self.debtor_a.invalidate_recordset()
        self.assertEqual(self.debtor_a.factoring_promise_pending_amount, 3000.0)
        # a promise that ends is no longer pending for the client either
        guarded(promise.sudo()).write({"state": "broken"})
        client.invalidate_recordset()
        self.assertEqual(client.factoring_promise_pending_amount, 0.0)
