"""Screens that read right (issue 16, section 3), as the collections roles:
where they land, the handover's one summary, a dunning run with nothing to
do, the item lists that open the item, dates in the user's format."""
from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import format_date

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestCollectionsScreens(CollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        template = cls.env.ref("factoring_collections.mail_template_dunning")
        cls.policy = cls.env["factoring.dunning.policy"].create({
            "name": "Reminders", "company_id": cls.company.id,
            "level_ids": [Command.create({"name": "Reminder", "days": 1, "channel_email": True,
                                          "mail_template_id": template.id})]})
        cls.company.factoring_dunning_policy_id = cls.policy
        cls.company.factoring_collections_supervisor_id = cls.supervisor
        cls.item = cls.make_invoice(cls.debtor_a, 1000.0, cls.today - timedelta(days=10))

    def _runs(self):
        return self.env["factoring.dunning.run"].search([("company_id", "=", self.company.id)])

    def test_dunning_with_nothing_to_do_says_so(self):
        Run = self.env["factoring.dunning.run"].with_user(self.supervisor)
        first = Run.action_run_now()
        self.assertEqual(first["res_model"], "factoring.dunning.run")
        runs = self._runs()
        self.assertEqual(len(runs), 1)
        self.assertEqual(runs.communication_count, 1)
        again = Run.action_run_now()
        self.assertEqual(again["tag"], "display_notification")
        self.assertIn("1 overdue items already at their level", again["params"]["message"])
        self.assertIn("No run was recorded", again["params"]["message"])
        self.assertEqual(self._runs(), runs, "no empty run is left behind")
        # from the preview too
        preview = self.env["factoring.dunning.preview"].with_user(self.supervisor).create({})
        self.assertEqual(preview.action_run()["tag"], "display_notification")
        self.assertEqual(self._runs(), runs)

    def test_handover_sends_one_summary(self):
        """Three partners handed over: the new holder gets one message naming
        them, not one "assigned to you" notification per moved activity."""
        partners = self.env["res.partner"].create([
            {"name": f"Handover Debtor {n}", "is_company": True, "is_factoring_debtor": True,
             "factoring_collector_id": self.collector.id} for n in range(3)])
        for partner in partners:
            partner.activity_schedule("mail.mail_activity_data_todo", user_id=self.collector.id,
                                      summary="Call back")
        holder = self.collector_2.partner_id
        Notification = self.env["mail.notification"]
        before = Notification.search([("res_partner_id", "=", holder.id)])
        self.env["factoring.handover.wizard"].with_user(self.supervisor).create({
            "role": "collector", "from_user_id": self.collector.id,
            "to_user_id": self.collector_2.id, "scope": "chosen",
            "partner_ids": [Command.set(partners.ids)], "note": "Pays on Fridays",
        }).action_confirm()
        self.env.flush_all()
        new = Notification.search([("res_partner_id", "=", holder.id)]) - before
        self.assertEqual(len(new), 1, new.mail_message_id.mapped("subject"))
        message = new.mail_message_id
        self.assertIn("Handover from Test collector: 3 partners", message.subject)
        for partner in partners:
            self.assertIn(partner.name, message.body)
        self.assertIn("Pays on Fridays", message.body)
        self.assertIn("3 open activities", message.body)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)])
        self.assertEqual(len(activities), 6, "each moved call-back and its handover note")
        self.assertEqual(activities.user_id, self.collector_2)

    def test_item_lists_open_the_item(self):
        form = self.env.ref("factoring_base.factoring_open_item_view_form")
        action = self.debtor_a.with_user(self.collector).action_factoring_open_items()
        self.assertIn((form.id, "form"), action["views"])
        rows = self.env["account.move.line"].with_user(self.collector).search(action["domain"])
        self.assertEqual(rows, self.item)
        for model in ("factoring.dunning.communication", "factoring.escalation.log"):
            with self.subTest(model=model):
                arch = self.env[model].with_user(self.collector).get_views(
                    [(False, "form")])["views"]["form"]["arch"]
                self.assertIn("factoring_base.factoring_open_item_view_form", arch)

    def test_dates_in_messages_in_the_user_format(self):
        past = self.today - timedelta(days=3)
        Promise = self.env["factoring.promise"].with_user(self.collector)
        with self.assertRaises(UserError) as error:
            Promise.create({"debtor_id": self.debtor_a.id, "amount": 100.0, "date": past})
        message = str(error.exception)
        self.assertIn(format_date(Promise.env, past), message)
        self.assertNotIn(past.isoformat(), message)
        self.assertNotEqual(format_date(Promise.env, past), past.isoformat())
        call = self.env["factoring.collection.call"].with_user(self.collector).create({
            "debtor_id": self.debtor_a.id, "note": "Call back",
            "next_step_date": self.today + timedelta(days=2)})
        summary = call.sudo().activity_id.summary
        self.assertIn(format_date(call.env, call.date), summary)
        self.assertNotIn(call.date.date().isoformat(), summary)


@tagged("post_install", "-at_install")
class TestCollectionsDemoLanding(CollectionsCommon):

    def test_collectors_and_supervisor_land_on_the_worklist(self):
        if not self.env.ref("factoring_base.user_collector_1", raise_if_not_found=False):
            self.skipTest("no demo data")
        mine = self.env.ref("factoring_collections.action_factoring_worklist")
        everyone = self.env.ref("factoring_collections.action_factoring_worklist_all")
        for xmlid, action in (("factoring_base.user_collector_1", mine),
                              ("factoring_base.user_collector_2", mine),
                              ("factoring_base.user_collections_supervisor", everyone)):
            with self.subTest(user=xmlid):
                self.assertEqual(self.env.ref(xmlid).action_id.id, action.id)
