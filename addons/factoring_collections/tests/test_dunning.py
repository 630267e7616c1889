from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError

from .common import CollectionsCommon


class TestDunning(CollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        template = cls.env.ref("factoring_collections.mail_template_dunning")
        cls.policy = cls.env["factoring.dunning.policy"].create({
            "name": "Standard", "company_id": cls.company.id,
            "level_ids": [
                Command.create({"name": "Reminder", "days": 1, "channel_email": True,
                                "mail_template_id": template.id}),
                Command.create({"name": "Second notice", "days": 15, "channel_letter": True,
                                "channel_call": True}),
                Command.create({"name": "Final notice", "days": 45, "channel_email": True,
                                "mail_template_id": template.id, "channel_escalation": True}),
            ]})
        cls.l1, cls.l2, cls.l3 = cls.policy.level_ids.sorted("days")
        cls.company.factoring_dunning_policy_id = cls.policy
        cls.company.factoring_collections_supervisor_id = cls.supervisor
        t = cls.today
        cls.a_20 = cls.make_invoice(cls.debtor_a, 1000.0, t - timedelta(days=20))
        cls.a_5 = cls.make_invoice(cls.debtor_a, 500.0, t - timedelta(days=5))
        cls.a_not_due = cls.make_invoice(cls.debtor_a, 300.0, t + timedelta(days=5))
        cls.a_held = cls.make_invoice(cls.debtor_a, 400.0, t - timedelta(days=30))
        cls.a_held._factoring_set_hold("disputed delivery", "manual")
        cls.a_nofollow = cls.make_invoice(cls.debtor_a, 200.0, t - timedelta(days=30))
        cls.a_nofollow.no_followup = True
        cls.b_50 = cls.make_invoice(cls.debtor_b, 700.0, t - timedelta(days=50))
        cls.x_10 = cls.make_invoice(cls.debtor_unapproved, 100.0, t - timedelta(days=10))
        cls.debtor_unapproved.factoring_dunning_excluded = True

    def run_dunning(self, on=None):
        return self.env["factoring.dunning.run"]._run(self.company, on or self.today)

    def state(self, item):
        return self.env["factoring.dunning.item"].search([("move_line_id", "=", item.id)])

    def test_first_run_levels_channels_and_skips(self):
        run = self.run_dunning()
        comms = run.communication_ids
        self.assertEqual(
            sorted((c.partner_id.id, c.level_id.id, tuple(c.item_ids.ids)) for c in comms),
            sorted([(self.debtor_a.id, self.l1.id, tuple(self.a_5.ids)),
                    (self.debtor_a.id, self.l2.id, tuple(self.a_20.ids)),
                    (self.debtor_b.id, self.l3.id, tuple(self.b_50.ids))]))
        self.assertEqual(self.state(self.a_20).level_id, self.l2)
        self.assertEqual(self.state(self.a_20).date, self.today)
        self.assertEqual(self.state(self.a_5).level_id, self.l1)
        self.assertFalse(self.state(self.a_not_due) | self.state(self.a_held)
                         | self.state(self.a_nofollow) | self.state(self.x_10))
        self.assertEqual((run.skipped_hold, run.skipped_no_followup, run.skipped_excluded),
                         (1, 1, 1))
        self.assertEqual(run.item_count, 3)
        # e-mail queued to the AP contact of A; B has none: call activity instead
        mails = self.env["mail.mail"].search([("model", "=", "factoring.dunning.communication"),
                                              ("res_id", "in", comms.ids)])
        self.assertEqual(len(mails), 1)
        self.assertIn(self.ap_contact.email, (mails.email_to or "")
                      + ",".join(mails.recipient_ids.mapped("email")))
        self.assertEqual(mails.state, "outgoing")
        self.assertIn(self.a_5.move_id.name, mails.body_html)
        comm_b = comms.filtered(lambda c: c.partner_id == self.debtor_b)
        self.assertEqual(comm_b.status, "fallback")
        self.assertIn("no accounts-payable", comm_b.note)
        self.assertEqual((run.email_count, run.letter_count, run.fallback_count,
                          run.escalation_count, run.call_count), (1, 1, 1, 1, 2))
        call_type = self.env.ref("factoring_collections.mail_activity_type_dunning_call")
        self.assertEqual(self.debtor_b.activity_ids.filtered(
            lambda a: a.activity_type_id == call_type).user_id, self.collector_2)
        escalation_type = self.env.ref("factoring_collections.mail_activity_type_escalation")
        self.assertEqual(self.debtor_b.activity_ids.filtered(
            lambda a: a.activity_type_id == escalation_type).user_id, self.supervisor)
        self.assertIn("Second notice", run.level_summary)

    def test_rerun_same_day_sends_nothing_and_next_level_later(self):
        self.run_dunning()
        mails_before = self.env["mail.mail"].search_count([])
        activities_before = self.env["mail.activity"].search_count([])
        again = self.run_dunning()
        self.assertFalse(again.communication_ids)
        self.assertEqual(again.skipped_already, 3)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
        self.assertEqual(self.env["mail.activity"].search_count([]), activities_before)
        # ten days later the 5-day item reaches level 2, the item then due
        # becomes overdue (level 1); the others stay where they are
        later = self.run_dunning(self.today + timedelta(days=10))
        self.assertEqual(
            sorted((c.level_id.id, c.item_ids.id) for c in later.communication_ids),
            [(self.l1.id, self.a_not_due.id), (self.l2.id, self.a_5.id)])
        self.assertEqual(self.state(self.a_5).date, self.today + timedelta(days=10))

    def test_minimum_amount_and_debtor_policy_override(self):
        strict = self.env["factoring.dunning.policy"].create({
            "name": "Large only", "company_id": self.company.id,
            "level_ids": [Command.create({"name": "Call", "days": 1, "channel_call": True,
                                          "min_amount": 1500.01})]})
        self.debtor_a.factoring_dunning_policy_id = strict
        run = self.run_dunning()
        self.assertEqual(run.communication_ids.partner_id, self.debtor_b)
        self.assertEqual(run.skipped_min_amount, 2)
        strict.level_ids.min_amount = 1500.0  # A's overdue not on hold: 1,000 + 500
        run = self.run_dunning()
        self.assertEqual(run.communication_ids.item_ids, self.a_20 | self.a_5)

    def test_blacklisted_and_bounced_addresses_fall_back_to_call(self):
        self.env["mail.blacklist"].create({"email": self.ap_contact.email})
        run = self.run_dunning()
        comm = run.communication_ids.filtered(lambda c: c.level_id == self.l1)
        self.assertEqual(comm.status, "fallback")
        self.assertIn("blacklisted", comm.note)
        self.assertFalse(self.env["mail.mail"].search([("res_id", "in", run.communication_ids.ids),
                                                        ("model", "=", comm._name)]))

    def test_bounced_address(self):
        self.ap_contact.message_bounce = 3
        run = self.run_dunning()
        comm = run.communication_ids.filtered(lambda c: c.level_id == self.l1)
        self.assertEqual(comm.status, "fallback")
        self.assertIn("bounced", comm.note)

    def test_preview_writes_nothing(self):
        preview = self.env["factoring.dunning.preview"].with_user(self.supervisor).create({})
        self.assertEqual(len(preview.line_ids), 3)
        self.assertEqual(preview.item_count, 3)
        self.assertFalse(self.env["factoring.dunning.item"].search(
            [("company_id", "=", self.company.id)]))
        action = preview.action_run()
        run = self.env["factoring.dunning.run"].browse(action["res_id"])
        self.assertEqual(run.communication_count, 3)
        self.assertEqual(run.user_id, self.supervisor)

    def test_rights(self):
        for role in ("collector", "client_manager", "operations", "credit_manager"):
            user = self.users[role]
            with self.subTest(role=role):
                with self.assertRaises(AccessError):
                    self.env["factoring.dunning.run"].with_user(user).action_run_now()
                with self.assertRaises(AccessError):
                    self.env["factoring.dunning.preview"].with_user(user).create({})
                with self.assertRaises(AccessError):
                    self.policy.with_user(user).write({"name": "x"})
                with self.assertRaises(AccessError):
                    self.l1.with_user(user).write({"days": 2})
                with self.assertRaises(AccessError):
                    self.debtor_a.with_user(user).write({"factoring_dunning_excluded": True})
        run = self.run_dunning()
        with self.assertRaises(UserError):
            run.with_user(self.supervisor).write({"item_count": 0})
        with self.assertRaises(UserError):
            self.env["factoring.dunning.run"].with_user(self.supervisor).create(
                {"date": self.today, "company_id": self.company.id})
        with self.assertRaises(AccessError):
            run.with_user(self.collector).action_print_letters()
        # collectors read their own debtors' communications only
        comms = self.env["factoring.dunning.communication"].with_user(self.collector).search(
            [("run_id", "=", run.id)])
        self.assertEqual(comms.partner_id, self.debtor_a)

    def test_bad_level_refused(self):
        with self.assertRaisesRegex(UserError, "at least one channel"):
            self.policy.write({"level_ids": [Command.create({"name": "Nothing", "days": 90})]})
        with self.assertRaisesRegex(UserError, "at least 1"):
            self.l1.days = 0

    def test_letters_render(self):
        run = self.run_dunning()
        action = run.with_user(self.supervisor).action_print_letters()
        self.assertEqual(action["report_name"], "factoring_collections.report_dunning_letter")
        letters = run.communication_ids.filtered("channel_letter")
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "factoring_collections.report_dunning_letter", letters.ids)
        self.assertIn(self.a_20.move_id.name.encode(), html)
