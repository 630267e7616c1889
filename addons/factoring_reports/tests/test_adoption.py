from datetime import date, datetime, time, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ReportsCommon

W1 = date(2026, 9, 7)  # a Monday: the collector's first week with logged work


def week(n):
    return W1 + timedelta(weeks=n - 1)


@tagged("post_install", "-at_install")
class TestAdoption(ReportsCommon):
    """The collector logs (Monday-based weeks, W1 = 7 Sep 2026):
      W1 3 notes, W2 5, W3 4, W4 4   -> baseline (4 first weeks) 16 / 4 = 4 per week
      W5 3 entries (2 notes + 1 call activity done): 3 / 4 = 75 %: no alert at 50 %
      W6 1 note: 1 / 4 = 25 % < 50 %: the managers are told
    The client manager logs 1 note in W1 only: baseline 0.25; W6 0 < 0.125: alert too.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls.users["collector"]
        cls.client_manager = cls.users["client_manager"]
        counts = {1: 3, 2: 5, 3: 4, 4: 4, 5: 2, 6: 1}
        vals = []
        for n, count in counts.items():
            for i in range(count):
                vals.append(cls.note_vals(cls.collector, cls.debtor_a, week(n) + timedelta(days=i % 5),
                                          "call" if i == 0 else "other"))
        vals.append(cls.note_vals(cls.client_manager, cls.client, week(1), "meeting"))
        cls.env["factoring.interaction"].create(vals)
        # a call activity the collector marked done in W5 (Wednesday)
        cls.call = cls.env["mail.activity"].create({
            "res_model_id": cls.env["ir.model"]._get_id("res.partner"),
            "res_id": cls.debtor_b.id,
            "activity_type_id": cls.env.ref("mail.mail_activity_data_call").id,
            "user_id": cls.collector.id,
            "summary": "Ask for the remittance",
        })
        cls.call.action_feedback(feedback="Will pay Friday")
        cls.call.flush_recordset()
        cls.env.cr.execute(
            "UPDATE mail_activity SET date_done = %s WHERE id = %s", (week(5) + timedelta(days=2), cls.call.id))
        cls.env.invalidate_all()

    @classmethod
    def note_vals(cls, user, partner, day, kind):
        return {
            "partner_id": partner.id, "user_id": user.id, "company_id": cls.company.id,
            "date": datetime.combine(day, time(10, 0)), "interaction_type": kind,
            "summary": "<p>Talked</p>",
        }

    def adoption(self, user=None):
        return self.env["factoring.adoption.report"].with_user(user or self.manager)

    def test_entries_per_person_and_week(self):
        groups = self.adoption()._read_group(
            [("company_id", "=", self.company.id)], ["user_id", "week:day"], ["entry_count:sum"])
        per_week = {(u, w): n for u, w, n in groups}
        self.assertEqual(
            [per_week[self.collector, week(n)] for n in range(1, 7)], [3, 5, 4, 4, 3, 1])
        self.assertEqual(per_week[self.client_manager, week(1)], 1)
        kinds = dict(self.adoption()._read_group(
            [("user_id", "=", self.collector.id)], ["kind"], ["entry_count:sum"]))
        # one "call" note per week (6), the done call activity, the other notes
        self.assertEqual(kinds, {"call": 7, "note": 13})
        done = self.adoption().search([("source", "=", "activity")])
        self.assertEqual(done.partner_id, self.debtor_b)
        self.assertEqual(done.date, week(5) + timedelta(days=2))

    def test_meeting_done_counts_once(self):
        """A meeting activity marked done becomes an interaction (base): it is
        counted once, as the interaction."""
        before = sum(self.adoption().search([]).mapped("entry_count"))
        meeting = self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": self.client.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_meeting").id,
            "user_id": self.client_manager.id,
        })
        meeting.with_user(self.client_manager).action_feedback(feedback="<p>Limits discussed</p>")
        rows = self.adoption().search([])
        self.assertEqual(sum(rows.mapped("entry_count")), before + 1)
        new = rows.filtered(lambda r: r.date == self.company._factoring_today() and r.user_id == self.client_manager)
        self.assertEqual((new.kind, new.source), ("meeting", "interaction"))

    def test_each_person_reads_own_work(self):
        own = self.adoption(self.collector).search([])
        self.assertEqual(own.user_id, self.collector)
        self.assertEqual(len(self.adoption(self.client_manager).search([])), 1)
        self.assertEqual(
            set(self.adoption(self.users["supervisor"]).search([]).user_id.ids),
            {self.collector.id, self.client_manager.id})
        with self.assertRaises(UserError):
            own[0].sudo().write({"kind": "note"})

    def test_drop_notifies_managers_once(self):
        Alert = self.env["factoring.adoption.alert"]
        # checked on Wednesday of W6: the last complete week is W5 (75 %): nothing
        # for the collector; the client manager logged 0 in W5 (< 0.125): alert
        alerts = Alert._factoring_check_adoption(today=week(6) + timedelta(days=2), companies=self.company)
        self.assertEqual(alerts.user_id, self.client_manager)
        # on Wednesday of W7, W6 is checked: collector 1 entry of 4
        alerts = Alert._factoring_check_adoption(today=week(7) + timedelta(days=2), companies=self.company)
        collector_alert = alerts.filtered(lambda a: a.user_id == self.collector)
        self.assertEqual(collector_alert.week, week(6))
        self.assertEqual(collector_alert.first_week, week(1))
        self.assertAlmostEqual(collector_alert.baseline_weekly, 4.0)
        self.assertEqual(collector_alert.week_count, 1)
        self.assertAlmostEqual(collector_alert.ratio, 25.0)
        activity_users = collector_alert.activity_ids.user_id
        self.assertIn(self.manager, activity_users)
        self.assertNotIn(self.collector, activity_users)
        # the same week again (the next day): nothing new, no second activity
        again = Alert._factoring_check_adoption(today=week(7) + timedelta(days=3), companies=self.company)
        self.assertFalse(again)
        self.assertEqual(Alert.search_count([("week", "=", week(6)), ("company_id", "=", self.company.id)]), 2)
        self.assertEqual(len(collector_alert.activity_ids), len(activity_users))

    def test_share_and_adoption_manager_are_configurable(self):
        boss = self.users["supervisor"]
        self.company.write({
            "factoring_adoption_share": 80.0, "factoring_adoption_manager_id": boss.id})
        # W5 now counts: 3 < 80 % of 4 = 3.2
        alerts = self.env["factoring.adoption.alert"]._factoring_check_adoption(
            today=week(6) + timedelta(days=2), companies=self.company)
        figures = self.env["factoring.adoption.alert"]._factoring_adoption_figures(
            week(5), self.company)
        collector_alert = alerts.filtered(lambda a: a.user_id == self.collector)
        self.assertAlmostEqual(collector_alert.ratio, 75.0, msg=figures)
        self.assertEqual(collector_alert.activity_ids.user_id, boss)
        # before the baseline weeks are over nobody is judged
        self.company.factoring_adoption_baseline_weeks = 6
        self.assertFalse(self.env["factoring.adoption.alert"]._factoring_check_adoption(
            today=week(6) + timedelta(days=2), companies=self.company))

    def test_only_managers_run_the_check_and_nobody_edits_alerts(self):
        Alert = self.env["factoring.adoption.alert"]
        with self.assertRaises(AccessError):
            Alert.with_user(self.collector).action_check_adoption()
        with self.assertRaises(AccessError):
            Alert.with_user(self.manager).create({
                "user_id": self.collector.id, "company_id": self.company.id,
                "week": week(6)})
        Alert.with_user(self.manager).action_check_adoption()
        alert = Alert._factoring_check_adoption(today=week(7) + timedelta(days=2), companies=self.company)[:1]
        with self.assertRaises(AccessError):
            alert.with_user(self.manager).write({"week_count": 4})
        with self.assertRaises(AccessError):
            alert.with_user(self.collector).write({"week_count": 4})
        # each person reads their own alerts only
        self.assertEqual(
            Alert.with_user(self.collector).search([]).user_id, self.collector)


@tagged("post_install", "-at_install")
class TestContactGap(ReportsCommon):

    def test_clients_and_debtors_without_contact(self):
        today = self.company._factoring_today()
        Interaction = self.env["factoring.interaction"]
        for partner, days in ((self.debtor_a, 10), (self.client, 45)):
            Interaction.create({
                "partner_id": partner.id, "user_id": self.users["collector"].id,
                "company_id": self.company.id, "summary": "<p>x</p>",
                "date": datetime.combine(today - timedelta(days=days), time(9, 0)),
                "interaction_type": "call"})
        mine = [self.client.id, self.debtor_a.id, self.debtor_b.id]
        gap = self.env["factoring.contact.gap.report"].with_user(self.manager)
        rows = {r.partner_id.id: (r.days_without_contact, r.no_contact)
                for r in gap.search([("partner_id", "in", mine)])}
        self.assertEqual(rows, {
            self.debtor_a.id: (10, False), self.client.id: (45, True),
            self.debtor_b.id: (0, True)})
        self.assertFalse(gap.search([("partner_id", "=", self.debtor_b.id)]).last_contact_date)
        # N from the context (or the company's setting)
        rows = gap.with_context(factoring_no_contact_days=5).search(
            [("partner_id", "in", mine), ("no_contact", "=", True)])
        self.assertEqual(set(rows.partner_id.ids), set(mine))
        self.company.factoring_no_contact_days = 60
        rows = gap.with_company(self.company).search(
            [("partner_id", "in", mine), ("no_contact", "=", True)])
        self.assertEqual(rows.partner_id, self.debtor_b)
        # collectors see their debtors (debtor A), client managers their clients
        self.assertEqual(
            gap.with_user(self.users["collector"]).search([]).partner_id, self.debtor_a)
        self.assertEqual(
            gap.with_user(self.users["client_manager"]).search([]).partner_id, self.client)
