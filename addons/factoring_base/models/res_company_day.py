from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL


# apart from res_company.py: the one definition of the day, found by its name
class ResCompany(models.Model):
    """The factoring day: the one definition of "today" for the business
    figures and decisions (days past due, aging, promises in the past, SLA
    deadlines, dunning, limits' validity, reports' default dates).

    It is the date in the company's time zone, i.e. the time zone of the
    company's partner (Settings > Companies > the company's contact), or UTC
    when none is set. It never depends on who reads: the user's own time zone
    (``fields.Date.context_today``) would make a figure differ between two
    users of different time zones around midnight, and the server's clock
    (``fields.Date.today``, UTC) would disagree with the company's working
    day. Date fields default to it too (``default=factoring_today``), so that
    the date a form proposes agrees with the checks made on it."""

    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    def _factoring_tz(self):
        """The name of this company's time zone (of the current company when
        called on no company): its partner's, UTC when none. In SQL, the day
        of a UTC datetime column: ``(col AT TIME ZONE 'UTC' AT TIME ZONE tz)::date``."""
        company = self or self.env.company
        company.ensure_one()
        return company.sudo().partner_id.tz or "UTC"

    def _factoring_today(self):
        """The factoring day of this company (of the current company when
        called on no company)."""
        tz = pytz.timezone(self._factoring_tz())
        return pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()

    def _factoring_days(self):
        """{company id: its factoring day} for these companies, and under the
        key False the current company's, for computing the figures of records
        of several companies (or of none yet) in one pass:
        ``days[record.company_id.id]``."""
        days = {company.id: company._factoring_today() for company in self}
        days[False] = self.env.company._factoring_today()
        return days

    @api.model
    def _factoring_all_days(self):
        """[(company, its factoring day)] for every company: for the crons and
        the searches that span all the companies."""
        companies = self.sudo().with_context(active_test=False).search([("id", "!=", False)])
        return [(company, company._factoring_today()) for company in companies]

    @api.model
    def _factoring_day_domain(self, field_name, operator, day=None, company_field="company_id",
                              days=0):
        """Domain: ``field_name operator (day - days)``, ``day`` being by
        default each record's company's factoring day (records of any company;
        a record without a company matches none)."""
        if day:
            return Domain(field_name, operator, day - timedelta(days=days))
        companies = defaultdict(list)
        for company, today in self._factoring_all_days():
            companies[today - timedelta(days=days)].append(company.id)
        return Domain.OR(Domain(company_field, "in", ids) & Domain(field_name, operator, today)
                         for today, ids in companies.items())

    @api.model
    def _factoring_today_sql(self, company_column):
        """SQL expression: the factoring day of the company in ``company_column``
        (an SQL expression), for the reports' queries."""
        return SQL("(CASE %s %s END)", company_column, SQL(" ").join(
            SQL("WHEN %s THEN %s::date", company.id, day)
            for company, day in self._factoring_all_days()))


def factoring_today(records):
    """The current company's factoring day: a date field's default
    (``default=factoring_today``) where the date is a business date."""
    return records.env.company._factoring_today()
