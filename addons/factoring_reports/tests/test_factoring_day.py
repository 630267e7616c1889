"""The client's screen at 23:30 UTC, the users in several time zones: every
role reads the same figures, relative to the company's day."""
from odoo.tests import freeze_time, tagged

from odoo.addons.factoring_base.tests.night import NIGHT, NightMixin

from . import test_client_figures


@tagged("post_install", "-at_install")
@freeze_time(NIGHT)
class TestClientFiguresAtNight(NightMixin, test_client_figures.TestClientFigures):

    def test_oldest_overdue_days_same_for_every_role(self):
        self.assertEqual(self.today, NIGHT.date())
        for role, user in self.users.items():
            with self.subTest(role=role, tz=user.tz):
                figures = self.client2.with_user(user)._factoring_figure_values()[
                    self.client2.id]
                self.assertEqual(figures["factoring_oldest_overdue_days"], 10)
                self.assertAlmostEqual(figures["factoring_dbt"], 10.0, places=1)
