"""Promises and the worklist at 23:30 UTC, the users in several time zones:
the company's day decides, whoever acts or reads."""
from datetime import datetime, time, timedelta

from odoo.exceptions import UserError
from odoo.tests import freeze_time

from odoo.addons.factoring_base.tests.night import NIGHT, TIMEZONES, NightMixin

from . import test_escalation_handover, test_promise, test_worklist


@freeze_time(NIGHT)
class TestPromiseAtNight(NightMixin, test_promise.TestPromise):

    def test_past_is_the_company_day_for_every_collector(self):
        self.assertEqual(self.today, NIGHT.date(), "the test company has no time zone: UTC")
        for tz, _offset in TIMEZONES:
            with self.subTest(tz=tz):
                self.collector.tz = tz
                with self.assertRaisesRegex(UserError, "in the past"):
                    self.promise(date=self.days(-1))
                promise = self.promise(date=self.today)
                self.assertEqual(promise.date_recorded, self.today)
                promise.sudo().unlink()
        # the company in Kiritimati is on the next day: today's UTC date is
        # past there, even for a collector still on it (Los Angeles)
        self.company.partner_id.tz = "Pacific/Kiritimati"
        self.collector.tz = "America/Los_Angeles"
        with self.assertRaisesRegex(UserError, "in the past"):
            self.promise(date=self.today)
        self.assertEqual(self.promise(date=self.days(1)).date_recorded, self.days(1))


@freeze_time(NIGHT)
class TestWorklistAtNight(NightMixin, test_worklist.TestWorklist):

    def test_every_time_zone_reads_the_same_rows(self):
        expected = None
        for tz, _offset in TIMEZONES:
            with self.subTest(tz=tz):
                self.supervisor.tz = tz
                rows = self.rows(self.supervisor, [("company_id", "=", self.company.id)])
                values = [(row.partner_id.id, row.oldest_days, row.score, row.reason,
                           row.promise_today_amount) for row in rows]
                self.assertIn((self.debtor_a.id, 47), [v[:2] for v in values])
                expected = expected or values
                self.assertEqual(values, expected)


@freeze_time(NIGHT)
class TestWorklistMultiCompanyAtNight(NightMixin, test_worklist.TestWorklistMultiCompany):

    def test_each_company_on_its_day(self):
        """The other company in Kiritimati is on the next day: its item is a
        day older there, for every reader; its call at 10:00 UTC was on the
        next day there too (midnight in Kiritimati)."""
        self.other.partner_id.tz = "Pacific/Kiritimati"
        for user in (self.collector, self.supervisor):
            for tz, _offset in TIMEZONES:
                with self.subTest(user=user.login, tz=tz):
                    user.tz = tz
                    rows = self.rows(user, self.company | self.other)
                    self.assertEqual(
                        {row.company_id: (row.oldest_days, row.days_since_contact)
                         for row in rows},
                        {self.company: (10, 0), self.other: (31, 4)})


@freeze_time(NIGHT)
class TestEscalationAtNight(NightMixin, test_escalation_handover.TestEscalation):

    def test_no_contact_counts_the_company_days(self):
        """The company in Kiritimati (on the next UTC day): a call at 10:00 UTC
        13 days before the UTC day was 12 days before the company's day, so
        the 14-day no-contact rule escalates only the debtor never called."""
        self.company.partner_id.tz = "Pacific/Kiritimati"
        self.assertEqual(self.company._factoring_today(), NIGHT.date() + timedelta(days=1))
        self.env["factoring.collection.call"].create({
            "debtor_id": self.debtor_b.id,
            "date": datetime.combine(NIGHT.date() - timedelta(days=13), time(10, 0))})
        logs = self.rule_contact._apply()
        self.assertEqual(logs.partner_id, self.debtor_a)
