from datetime import timedelta

from odoo.fields import Domain
from odoo.tests import freeze_time, tagged

from ..models.res_company_day import factoring_today
from .common import FactoringCommon
from .night import NIGHT, TIMEZONES, NightMixin


@tagged("post_install", "-at_install")
@freeze_time(NIGHT)
class TestFactoringDay(NightMixin, FactoringCommon):
    """The factoring day is the company's (its partner's time zone, UTC when
    none), whoever asks, at 23:30 UTC."""

    def test_company_time_zone_decides(self):
        utc_day = NIGHT.date()
        self.assertFalse(self.company.partner_id.tz)
        self.assertEqual(self.company._factoring_today(), utc_day, "no time zone: UTC")
        for tz, offset in TIMEZONES:
            if not tz:
                continue
            with self.subTest(tz=tz):
                self.company.partner_id.tz = tz
                day = utc_day + timedelta(days=offset)
                self.assertEqual(self.company._factoring_today(), day)
                for user in self.users.values():
                    env = self.env(user=user)
                    self.assertEqual(env.company._factoring_today(), day, user.tz)
                    self.assertEqual(factoring_today(env["res.partner"]), day, user.tz)
                    self.assertEqual(env["res.company"]._factoring_today(), day,
                                     "no company: the current one")

    def test_companies_each_on_their_day(self):
        self.company.partner_id.tz = "America/Los_Angeles"
        other = self.env["res.company"].create({"name": "Pacific Factor"})
        other.partner_id.tz = "Pacific/Kiritimati"
        days = (self.company | other)._factoring_days()
        self.assertEqual(days[self.company.id], NIGHT.date())
        self.assertEqual(days[other.id], NIGHT.date() + timedelta(days=1))
        self.assertEqual(days[False], self.env.company._factoring_today())
        # "a date before its company's day": rates dated the UTC day
        Rate = self.env["res.currency.rate"].sudo()
        rates = Rate.create([{"name": NIGHT.date(), "rate": 1.2, "currency_id": self.usd.id,
                              "company_id": company.id} for company in (self.company, other)])
        domain = self.env["res.company"]._factoring_day_domain("name", "<")
        self.assertEqual(Rate.search(domain & Domain("id", "in", rates.ids)), rates[1],
                         "before Kiritimati's day, not before Los Angeles'")
        self.assertEqual(Rate.search(Domain("id", "in", rates.ids) & self.env[
            "res.company"]._factoring_day_domain("name", "<", NIGHT.date() + timedelta(days=1))),
            rates, "a given day: for every company")

    def test_every_reader_same_days_past_due(self):
        """An item due 10 days before the company's day (Brussels: the next
        UTC day) is 10 days past due for every user, whatever their own day."""
        self.company.partner_id.tz = "Europe/Brussels"
        day = self.company._factoring_today()
        self.assertEqual(day, NIGHT.date() + timedelta(days=1))
        schedule = self.make_schedule(
            [{"invoice_number": "N-1", "amount": 1000.0, "invoice_date": day - timedelta(days=45),
              "due_date": day - timedelta(days=10)}], schedule_date=day - timedelta(days=40))
        schedule.action_verify()
        schedule.action_fund()
        item = schedule.line_ids.move_line_id
        self.assertEqual(item.factoring_days_past_due, 10)
        for role, user in self.users.items():
            with self.subTest(role=role, tz=user.tz):
                self.assertEqual(item.with_user(user).sudo().factoring_days_past_due, 10)
                Line = self.env["account.move.line"].with_user(user).sudo()
                for operator, days, found in ((">", 0, item), (">=", 10, item), (">", 10, None),
                                              ("<=", 0, None), ("<", 11, item)):
                    self.assertEqual(Line.search([("id", "=", item.id),
                                                  ("factoring_days_past_due", operator, days)]),
                                     found or Line, f"{operator} {days}")
                debtor = self.debtor_a.with_user(user)
                self.assertEqual(debtor.factoring_oldest_overdue_days, 10)
                self.assertEqual(debtor.factoring_overdue_amount, 1000.0)
