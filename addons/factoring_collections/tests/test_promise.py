from datetime import timedelta
from unittest.mock import patch

from odoo.exceptions import UserError

from .common import CollectionsCommon


class TestPromise(CollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.item_1 = cls.make_invoice(cls.debtor_a, 3000.0, cls.today - timedelta(days=20))
        cls.item_2 = cls.make_invoice(cls.debtor_a, 2000.0, cls.today - timedelta(days=5))

    def promise(self, **vals):
        return self.env["factoring.promise"].with_user(self.collector).create({
            "debtor_id": self.debtor_a.id, "amount": 1000.0, "date": self.days(3), **vals})

    def check(self, promises, on):
        with patch.object(type(self.env["res.company"]), "_factoring_today", lambda *a, **k: on):
            promises._check_state(today=on)

    def test_refused_past_date_and_over_balance(self):
        with self.assertRaisesRegex(UserError, "Grand Magasin.*in the past"):
            self.promise(date=self.days(-1))
        with self.assertRaisesRegex(UserError, "Grand Magasin.*more than the open balance"):
            self.promise(amount=5000.01)
        with self.assertRaisesRegex(UserError, "more than the open balance"):
            self.promise(amount=2500.0, item_ids=[(6, 0, self.item_2.ids)])
        other = self.make_invoice(self.debtor_b, 100.0, self.days(10))
        with self.assertRaisesRegex(UserError, "not open items of this debtor"):
            self.promise(item_ids=[(6, 0, other.ids)])
        self.assertFalse(self.env["factoring.promise"].search([("debtor_id", "=", self.debtor_a.id)]))
        # the whole open balance may be promised
        self.assertEqual(self.promise(amount=5000.0).state, "pending")

    def test_pending_holds_items_and_kept_lifts(self):
        promise = self.promise(amount=1500.0, item_ids=[(6, 0, self.item_1.ids)])
        self.assertTrue(self.item_1.factoring_on_hold)
        self.assertFalse(self.item_2.factoring_on_hold)
        self.assertEqual(self.item_1.factoring_hold_ids.source, "promise")
        self.pay(self.item_1, 1500.0, self.today)
        self.check(promise, self.today)
        self.assertEqual(promise.state, "kept")
        self.assertEqual(promise.paid_amount, 1500.0)
        self.assertFalse(self.item_1.factoring_on_hold)

    def test_whole_debtor_promise_holds_all_open_items(self):
        promise = self.promise(amount=4000.0)
        self.assertTrue(self.item_1.factoring_on_hold and self.item_2.factoring_on_hold)
        self.pay(self.item_2, 2000.0, self.today)
        self.check(promise, self.today)
        self.assertEqual(promise.state, "pending")
        self.assertEqual(promise.paid_amount, 2000.0)
        self.check(promise, self.days(4))
        self.assertEqual(promise.state, "partial")
        self.assertFalse(self.item_1.factoring_on_hold)

    def test_broken_gives_activity_and_log(self):
        promise = self.promise(amount=1000.0)
        # a payment on another debtor does not count
        other = self.make_invoice(self.debtor_b, 1000.0, self.days(-3))
        self.pay(other, 1000.0, self.today)
        self.check(promise, self.days(4))
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.paid_amount, 0.0)
        activity = self.debtor_a.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(
                "factoring_collections.mail_activity_type_broken_promise"))
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn("broken", self.debtor_a.message_ids[0].body)
        self.assertFalse(self.item_1.factoring_on_hold)

    def test_credit_note_is_not_a_payment(self):
        promise = self.promise(amount=1000.0, item_ids=[(6, 0, self.item_2.ids)])
        reversal = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=self.item_2.move_id.ids).create({
                "journal_id": self.item_2.move_id.journal_id.id, "reason": "return"})
        reversal.refund_moves()
        credit_note = self.env["account.move"].search(
            [("reversed_entry_id", "=", self.item_2.move_id.id)])
        credit_note.action_post()
        (credit_note.line_ids | self.item_2).filtered(
            lambda line: line.account_id == self.item_2.account_id and not line.reconciled
        ).reconcile()
        self.check(promise, self.days(4))
        self.assertEqual(promise.state, "broken")

    def test_kept_ratio_per_debtor_and_collector(self):
        kept = self.promise(amount=1000.0, item_ids=[(6, 0, self.item_1.ids)])
        broken = self.promise(amount=1000.0, item_ids=[(6, 0, self.item_2.ids)])
        self.pay(self.item_1, 1000.0, self.today)
        self.check(kept | broken, self.days(4))
        self.assertEqual((kept.state, broken.state), ("kept", "broken"))
        self.debtor_a.invalidate_recordset()
        self.assertEqual(self.debtor_a.factoring_promise_kept_ratio, 50.0)
        self.assertEqual(self.collector.factoring_promise_kept_ratio, 50.0)

    def test_ended_promise_cannot_change(self):
        promise = self.promise(amount=1000.0)
        self.check(promise, self.days(4))
        with self.assertRaisesRegex(UserError, "has ended"):
            promise.with_user(self.collector).write({"amount": 10.0})
        with self.assertRaisesRegex(UserError, "can only be changed"):
            promise.with_user(self.supervisor).write({"state": "pending"})

    def test_call_note_clients_and_next_step(self):
        call = self.env["factoring.collection.call"].with_user(self.collector).create({
            "debtor_id": self.debtor_a.id, "contact_id": self.ap_contact.id,
            "outcome": "promise", "note": "Will pay Friday", "next_step_date": self.days(2)})
        self.assertEqual(call.user_id, self.collector)
        self.assertEqual(call.activity_id.date_deadline, self.days(2))
        self.assertEqual(call.activity_id.user_id, self.collector)
        self.debtor_a.invalidate_recordset()
        self.assertEqual(self.debtor_a.factoring_last_contact_user_id, self.collector)
        with self.assertRaisesRegex(UserError, "stay as logged"):
            call.with_user(self.collector).write({"user_id": self.supervisor.id})
