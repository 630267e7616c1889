"""The factoring day at night: tests frozen at 23:30 UTC, when the users of
different time zones are not on the same day (Los Angeles on the UTC day,
Brussels and Kiritimati on the next one), prove that a figure or a decision
does not depend on who reads or acts."""
from datetime import UTC, datetime, time

# 23:30 UTC on the day the tests run (the database's clock, which freezegun
# does not freeze, stays on the same day)
NIGHT = datetime.combine(datetime.now(UTC).date(), time(23, 30))

# (time zone, its local day at NIGHT minus the UTC day)
TIMEZONES = [
    ("America/Los_Angeles", 0),
    ("Europe/Brussels", 1),
    ("Pacific/Kiritimati", 1),
    (False, 0),
    ("Asia/Tokyo", 1),
]


class NightMixin:
    """Spreads the test users (``cls.users``) over TIMEZONES. Use with
    ``@freeze_time(NIGHT)`` on the test class; the company's time zone is
    left as the set-up made it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for index, user in enumerate(cls.users.values()):
            user.tz = TIMEZONES[index % len(TIMEZONES)][0]
