"""Disputes at 23:30 UTC, the users in several time zones: the SLA deadline,
the reminders and the credit note's date and rate are the company's day."""
from datetime import timedelta

from odoo.tests import freeze_time, tagged

from odoo.addons.factoring_base.tests.night import NIGHT, NightMixin

from . import test_currency, test_mail_cron
from .common import DisputesCommon


@tagged("post_install", "-at_install")
@freeze_time(NIGHT)
class TestDisputeDayAtNight(NightMixin, DisputesCommon):

    def test_deadline_on_the_company_day_for_everyone(self):
        """The company in Brussels is on the next UTC day: a deadline on the
        UTC day is past for every reader and for the reminder cron."""
        self.company.partner_id.tz = "Europe/Brussels"
        day = self.company._factoring_today()
        self.assertEqual(day, NIGHT.date() + timedelta(days=1))
        sla = self.reason.sla_days
        late = self.open_dispute([(self.item1, 100.0)], date_open=day - timedelta(days=sla + 1))
        due_today = self.open_dispute([(self.item2, 100.0)], date_open=day - timedelta(days=sla))
        disputes = late | due_today
        for role, user in self.users.items():
            with self.subTest(role=role, tz=user.tz):
                mine = disputes.with_user(user).sudo()
                self.assertEqual(mine.mapped("is_overdue"), [True, False])
                self.assertEqual(mine.search([("is_overdue", "=", True),
                                              ("id", "in", disputes.ids)]), late)
                rows = self.env["factoring.dispute.report"].with_user(user).sudo().search(
                    [("dispute_id", "in", disputes.ids)])
                self.assertEqual({row.dispute_id: row.overdue for row in rows},
                                 {late: True, due_today: False})
        overdue, _escalated = self.env["factoring.dispute"]._cron_deadlines()
        self.assertEqual(overdue & disputes, late)
        self.assertEqual(late.overdue_notified_date, day)


@freeze_time(NIGHT)
class TestDisputeMailAndCronAtNight(NightMixin, test_mail_cron.TestDisputeMailAndCron):
    pass


@freeze_time(NIGHT)
class TestCurrencyAtNight(NightMixin, test_currency.TestCurrency):
    """The credit notes at night: dated the company's day, at that day's rate
    (the rate of the day after is not taken)."""
