from datetime import datetime, time, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError

from .common import CollectionsCommon


class TestEscalation(CollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.factoring_collections_supervisor_id = cls.supervisor
        t = cls.today
        cls.a_old = cls.make_invoice(cls.debtor_a, 1200.0, t - timedelta(days=70))
        cls.a_recent = cls.make_invoice(cls.debtor_a, 300.0, t - timedelta(days=10))
        cls.b_old_small = cls.make_invoice(cls.debtor_b, 900.0, t - timedelta(days=80))
        Rule = cls.env["factoring.escalation.rule"]
        cls.rule_amount = Rule.create({
            "name": "1,000 past 60 days", "trigger": "amount_age", "min_amount": 1000.0,
            "min_days": 60, "action": "reassign", "company_id": cls.company.id})
        cls.rule_contact = Rule.create({
            "name": "No contact 14 days", "trigger": "no_contact", "min_days": 14,
            "action": "notify", "company_id": cls.company.id})

    def test_amount_age_reassigns_once_with_log(self):
        logs = self.rule_amount._apply(self.today)
        self.assertEqual(logs.partner_id, self.debtor_a)
        self.assertEqual(logs.item_ids, self.a_old)
        self.assertEqual((logs.from_user_id, logs.to_user_id), (self.collector, self.supervisor))
        self.assertEqual(self.debtor_a.factoring_collector_id, self.supervisor)
        self.assertIn("1,000 past 60 days", logs.note)
        history = self.debtor_a.factoring_portfolio_history_ids.filtered(
            lambda h: h.role == "collector")
        self.assertEqual(history.sorted("id").mapped("user_id"), self.collector | self.supervisor)
        self.assertTrue(history.sorted("id")[0].date_to)
        # idempotent: a second application escalates nothing new
        self.assertFalse(self.rule_amount._apply(self.today))
        self.assertEqual(self.env["factoring.escalation.log"].search_count(
            [("rule_id", "=", self.rule_amount.id)]), 1)
        # paid: the escalation closes, and can happen again later
        self.pay(self.a_old, 1200.0, self.today)
        self.rule_amount._apply(self.today)
        self.assertFalse(logs.active)

    def test_no_contact_notifies_and_broken_promise(self):
        self.env["factoring.collection.call"].create({
            "debtor_id": self.debtor_b.id,
            "date": datetime.combine(self.today - timedelta(days=3), time(9, 0))})
        logs = self.rule_contact._apply(self.today)
        self.assertEqual(logs.partner_id, self.debtor_a)  # never called; B called 3 days ago
        escalation_type = self.env.ref("factoring_collections.mail_activity_type_escalation")
        self.assertEqual(self.debtor_a.activity_ids.filtered(
            lambda a: a.activity_type_id == escalation_type).user_id, self.supervisor)
        self.assertEqual(self.debtor_a.factoring_collector_id, self.collector)
        rule = self.env["factoring.escalation.rule"].create({
            "name": "Broken promise", "trigger": "broken_promise", "min_days": 30,
            "action": "notify", "company_id": self.company.id})
        promise = self.env["factoring.promise"].create(
            {"debtor_id": self.debtor_b.id, "amount": 100.0, "date": self.today})
        promise._check_state(today=self.today + timedelta(days=1))
        self.assertEqual(rule._apply(self.today).partner_id, self.debtor_b)

    def test_raise_level(self):
        template = self.env.ref("factoring_collections.mail_template_dunning")
        policy = self.env["factoring.dunning.policy"].create({
            "name": "P", "company_id": self.company.id, "level_ids": [
                Command.create({"name": "L1", "days": 1, "channel_call": True}),
                Command.create({"name": "L2", "days": 100, "channel_email": True,
                                "mail_template_id": template.id})]})
        self.company.factoring_dunning_policy_id = policy
        self.env["factoring.dunning.run"]._run(self.company, self.today)
        self.rule_amount.action = "raise_level"
        self.rule_amount._apply(self.today)
        state = self.env["factoring.dunning.item"].search([("move_line_id", "=", self.a_old.id)])
        self.assertEqual(state.level_id.name, "L2")

    def test_rights(self):
        for role in ("collector", "client_manager", "operations"):
            user = self.users[role]
            with self.assertRaises(AccessError):
                self.rule_amount.with_user(user).write({"min_days": 1})
            with self.assertRaises(AccessError):
                self.rule_amount.with_user(user).action_apply_now()
        self.rule_amount.with_user(self.supervisor).action_apply_now()
        log = self.env["factoring.escalation.log"].search([("rule_id", "=", self.rule_amount.id)])
        with self.assertRaises(UserError):
            log.with_user(self.supervisor).write({"to_user_id": self.collector.id})


class TestHandover(CollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_invoice(cls.debtor_a, 500.0, cls.today - timedelta(days=5))
        cls.promise = cls.env["factoring.promise"].with_user(cls.collector).create(
            {"debtor_id": cls.debtor_a.id, "amount": 100.0, "date": cls.today + timedelta(days=3)})
        cls.call = cls.env["factoring.collection.call"].with_user(cls.collector).create(
            {"debtor_id": cls.debtor_a.id, "note": "Call back", "next_step_date": cls.today}
        ).with_user(cls.env.user)
        cls.promise = cls.promise.with_user(cls.env.user)

    def wizard(self, user, **vals):
        return self.env["factoring.handover.wizard"].with_user(user).create({
            "role": "collector", "from_user_id": self.collector.id,
            "to_user_id": self.collector_2.id, "note": "A pays late in December", **vals})

    def test_handover_moves_portfolio(self):
        self.wizard(self.supervisor).action_confirm()
        self.assertEqual(self.debtor_a.factoring_collector_id, self.collector_2)
        self.assertEqual(self.call.activity_id.user_id, self.collector_2)
        self.assertEqual(self.promise.collector_id, self.collector_2)
        # the call note keeps its author, and the new collector now works it
        self.assertEqual(self.call.user_id, self.collector)
        Call = self.env["factoring.collection.call"].with_user(self.collector_2)
        self.assertIn(self.call, Call.search([]))
        self.assertNotIn(self.call, Call.with_user(self.collector).search([]))
        handover = self.debtor_a.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(
                "factoring_collections.mail_activity_type_handover"))
        self.assertEqual(handover.user_id, self.collector_2)
        self.assertIn("late in December", handover.note)
        current = self.debtor_a.factoring_portfolio_history_ids.filtered(
            lambda h: h.role == "collector" and not h.date_to)
        self.assertEqual(current.user_id, self.collector_2)
        self.assertEqual(current.note, "A pays late in December")

    def test_chosen_partners_and_bad_input(self):
        with self.assertRaisesRegex(UserError, "not held by"):
            self.wizard(self.supervisor, scope="chosen",
                        partner_ids=[Command.set(self.debtor_b.ids)]).action_confirm()
        with self.assertRaisesRegex(UserError, "needs a note"):
            self.wizard(self.supervisor, note=" ").action_confirm()
        self.assertEqual(self.debtor_a.factoring_collector_id, self.collector)

    def test_rights(self):
        for role in ("collector", "client_manager", "operations", "credit_manager"):
            with self.assertRaises(UserError):
                self.wizard(self.users[role]).action_confirm()
        with self.assertRaises(UserError):
            self.wizard(self.supervisor, role="client_manager").action_confirm()
        self.assertEqual(self.debtor_a.factoring_collector_id, self.collector)
