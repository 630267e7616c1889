from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, float_round, format_date
from odoo.tools.misc import get_lang

from odoo.addons.factoring_base.models.res_partner import RATINGS

from ..models.common import check_collector, number_formatter

# Points of the rank (see readme/DESCRIPTION.md): each part is capped so that
# no single factor swamps the others.
RATING_POINTS = {"aaa": 0, "aa": 1, "a": 2, "bbb": 4, "bb": 6, "b": 8, "ccc": 10, "d": 12}
UNRATED_POINTS = 5
BROKEN_WINDOW_DAYS = 90
# A worklist row is a debtor in a company: id = debtor id * factor + company id.
ROW_ID_FACTOR = 100_000


class FactoringWorklist(models.Model):
    """The collectors' worklist: one row per debtor (and company) with open
    receivable items, ranked for today by a score, with the reasons in words.

    An SQL query over the open items, the promises and the call notes of the
    companies selected in the company switcher (``env.companies``): one
    grouped pass over the open items, one row per debtor and company. The
    debtor's fields (collector, sector, rating) and the company are grouped on,
    so that PostgreSQL pushes the filters of a collector's list down to the
    items' scan; the web client reads a page with the search itself
    (``web_search_read``), and the reasons in words are made only for the rows
    read. A row's id (debtor id * ROW_ID_FACTOR + company id) is not pushed
    down: reading rows by id (a row's button) aggregates all the selected
    companies' open items once (about 0.2 s for 100,000 items). "Today" is
    each company's factoring day (``res.company._factoring_today``)."""

    _name = "factoring.worklist"
    _description = "Collections Worklist"
    _auto = False
    _order = "score desc, overdue_amount desc, partner_id, company_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Debtor", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True)
    sector_id = fields.Many2one("factoring.sector", string="Sector", readonly=True)
    rating = fields.Selection(RATINGS, readonly=True)
    open_amount = fields.Monetary(readonly=True)
    overdue_amount = fields.Monetary(
        string="Overdue to Chase", readonly=True,
        help="Overdue open items that no hold keeps from dunning (a dispute, a promise to "
        "pay, a manual hold that stops dunning).")
    held_amount = fields.Monetary(
        string="Held from Dunning", readonly=True,
        help="Open items a hold keeps from dunning: disputed, promised or held manually.")
    overdue_count = fields.Integer(string="Overdue Items", readonly=True)
    oldest_days = fields.Integer(string="Oldest (days past due)", readonly=True)
    broken_count = fields.Integer(
        string="Broken Promises", readonly=True,
        help="Promises broken in the last 90 days.")
    broken_last_date = fields.Date(string="Last Broken Promise", readonly=True)
    broken_last_amount = fields.Monetary(readonly=True)
    promise_today_amount = fields.Monetary(string="Promised Today", readonly=True)
    pending_promise_amount = fields.Monetary(string="Promised (pending)", readonly=True)
    last_contact = fields.Datetime(readonly=True)
    days_since_contact = fields.Integer(readonly=True)
    score = fields.Float(readonly=True, digits=(16, 1), aggregator="max")
    reason = fields.Char(compute="_compute_reason", string="Why")
    client_id = fields.Many2one(
        "res.partner", string="Client", compute="_compute_client_id",
        search="_search_client_id",
        help="Filter: debtors owing invoices of this client.")

    @property
    def _table_query(self):
        return SQL(
            """
            WITH day AS (
                SELECT * FROM UNNEST(%(companies)s::int[], %(days)s::date[], %(tzs)s::text[])
                    AS d(company_id, today, tz)
            ),
            open_items AS (
                SELECT cp.id AS partner_id, aml.company_id,
                       cp.factoring_collector_id AS collector_id,
                       cp.factoring_sector_id AS sector_id, cp.factoring_rating AS rating,
                       SUM(aml.amount_residual) AS open_amount,
                       SUM(aml.amount_residual) FILTER (
                           WHERE aml.date_maturity < day.today
                             AND aml.factoring_dunning_hold IS NOT TRUE) AS overdue_amount,
                       COUNT(*) FILTER (
                           WHERE aml.date_maturity < day.today
                             AND aml.factoring_dunning_hold IS NOT TRUE) AS overdue_count,
                       MIN(aml.date_maturity) FILTER (
                           WHERE aml.date_maturity < day.today
                             AND aml.factoring_dunning_hold IS NOT TRUE) AS oldest_due,
                       SUM(aml.amount_residual) FILTER (
                           WHERE aml.factoring_dunning_hold) AS held_amount
                  FROM res_partner cp
                  JOIN res_partner p ON p.commercial_partner_id = cp.id
                  JOIN account_move_line aml ON aml.partner_id = p.id
                  JOIN account_account acc ON acc.id = aml.account_id
                       AND acc.account_type = 'asset_receivable'
                  JOIN day ON day.company_id = aml.company_id
                 WHERE aml.company_id = ANY(%(companies)s) AND aml.parent_state = 'posted'
                   AND aml.reconciled IS NOT TRUE AND aml.amount_residual > 0
              GROUP BY cp.id, aml.company_id, cp.factoring_collector_id, cp.factoring_sector_id,
                       cp.factoring_rating
            ),
            broken AS (
                SELECT debtor_id, company_id, COUNT(*) AS n,
                       (ARRAY_AGG(date ORDER BY date DESC, id DESC))[1] AS last_date,
                       (ARRAY_AGG(amount ORDER BY date DESC, id DESC))[1] AS last_amount
                  FROM factoring_promise JOIN day USING (company_id)
                 WHERE state = 'broken' AND date_closed >= day.today - %(window)s
              GROUP BY debtor_id, company_id
            ),
            pending AS (
                SELECT debtor_id, company_id, SUM(amount) AS amount,
                       SUM(amount) FILTER (WHERE date = day.today) AS today
                  FROM factoring_promise JOIN day USING (company_id)
                 WHERE state = 'pending'
              GROUP BY debtor_id, company_id
            ),
            contact AS (
                SELECT debtor_id, company_id, MAX(date) AS last
                  FROM factoring_collection_call
                 WHERE company_id = ANY(%(companies)s)
              GROUP BY debtor_id, company_id
            ),
            base AS (
                SELECT o.*, c.currency_id,
                       COALESCE(day.today - o.oldest_due, 0) AS oldest_days,
                       COALESCE(b.n, 0) AS broken_count, b.last_date AS broken_last_date,
                       b.last_amount AS broken_last_amount,
                       pe.today AS promise_today_amount, pe.amount AS pending_promise_amount,
                       ct.last AS last_contact,
                       day.today - (ct.last AT TIME ZONE 'UTC' AT TIME ZONE day.tz)::date
                           AS days_since_contact
                  FROM open_items o
                  JOIN res_company c ON c.id = o.company_id
                  JOIN day ON day.company_id = o.company_id
             LEFT JOIN broken b ON b.debtor_id = o.partner_id AND b.company_id = o.company_id
             LEFT JOIN pending pe ON pe.debtor_id = o.partner_id
                       AND pe.company_id = o.company_id
             LEFT JOIN contact ct ON ct.debtor_id = o.partner_id
                       AND ct.company_id = o.company_id
            )
            SELECT %(row_id)s AS id, base.*,
                   ROUND((
                       LEAST(40, 10 * LN(1 + COALESCE(overdue_amount, 0) / 1000.0))
                     + LEAST(30, oldest_days / 3.0)
                     + LEAST(30, 15 * broken_count)
                     + CASE WHEN promise_today_amount > 0 THEN 20 ELSE 0 END
                     + CASE rating %(rating_cases)s ELSE %(unrated)s END
                     + CASE WHEN COALESCE(overdue_amount, 0) <= 0 THEN 0
                            WHEN days_since_contact IS NULL THEN 15
                            ELSE LEAST(15, days_since_contact / 2.0) END
                   )::numeric, 1) AS score
              FROM base
            """,
            window=BROKEN_WINDOW_DAYS, companies=self.env.companies.ids,
            days=[company._factoring_today() for company in self.env.companies],
            tzs=[company._factoring_tz() for company in self.env.companies],
            row_id=self._row_id_sql(SQL("base.partner_id"), SQL("base.company_id")),
            rating_cases=SQL(" ").join(
                SQL("WHEN %s THEN %s", key, points) for key, points in RATING_POINTS.items()),
            unrated=UNRATED_POINTS,
        )

    @api.model
    def _row_id_sql(self, partner, company):
        """A row per debtor and company: its id is the debtor's id times
        ``ROW_ID_FACTOR`` plus the company's."""
        return SQL("(%s::bigint * %s + %s)", partner, ROW_ID_FACTOR, company)

    @api.depends("overdue_amount", "oldest_days", "broken_count", "broken_last_amount",
                 "broken_last_date", "promise_today_amount", "held_amount", "last_contact",
                 "days_since_contact", "rating")
    @api.depends_context("lang")
    def _compute_reason(self):
        """The rank in words, e.g. "18,400 overdue, oldest 47 days; promise of
        5,000 broken on 12 Nov; no contact for 9 days"."""
        # the language looked up once for all the rows (formatLang looks it up
        # on every call); amounts as formatLang(digits=0) writes them
        # (the dependencies are read with the rows, in the list's one query)
        fmt_number = number_formatter(self.env["res.lang"].browse(get_lang(self.env).id))

        def amount(value):
            return fmt_number(float_round(value, precision_digits=0), 0)

        for row in self:
            parts = []
            if row.overdue_amount > 0:
                parts.append(self.env._(
                    "%(amount)s overdue, oldest %(days)s days",
                    amount=amount(row.overdue_amount),
                    days=row.oldest_days))
            if row.broken_count:
                parts.append(self.env._(
                    "promise of %(amount)s broken on %(date)s",
                    amount=amount(row.broken_last_amount),
                    date=format_date(self.env, row.broken_last_date, date_format="d MMM")))
                if row.broken_count > 1:
                    parts[-1] += self.env._(" (%s broken in 90 days)", row.broken_count)
            if row.promise_today_amount > 0:
                parts.append(self.env._(
                    "promise of %s due today",
                    amount(row.promise_today_amount)))
            if row.held_amount > 0:
                parts.append(self.env._("%s on hold", amount(row.held_amount)))
            if row.overdue_amount > 0:
                if row.last_contact:
                    parts.append(self.env._("no contact for %s days", row.days_since_contact)
                                 if row.days_since_contact else self.env._("contacted today"))
                else:
                    parts.append(self.env._("never contacted"))
            if row.rating in ("ccc", "d", "b"):
                parts.append(self.env._("rating %s", row.rating.upper()))
            row.reason = "; ".join(parts) or self.env._("nothing overdue")

    def _compute_client_id(self):
        self.client_id = False

    def _search_client_id(self, operator, value):
        if operator not in ("in", "="):
            return NotImplemented
        value = [value] if isinstance(value, int) else value
        Line = self.env["account.move.line"].sudo()
        debtors = {partner.commercial_partner_id.id for [partner] in Line._read_group(
            Line._factoring_open_items_domain() & Domain("factoring_client_id", "in", value),
            ["partner_id"])}
        return Domain("partner_id", "in", list(debtors))

    # Row buttons: one or two clicks from the worklist
    def action_log_call(self):
        self.ensure_one()
        return self.partner_id.action_factoring_log_call()

    def action_record_promise(self):
        self.ensure_one()
        return self.partner_id.action_factoring_record_promise()

    def action_open_items(self):
        self.ensure_one()
        return self.partner_id.action_factoring_open_items()

    def action_send_statement(self):
        self.ensure_one()
        check_collector(self.env, self.env._("send statements"))
        return self.partner_id.action_factoring_send_statement()
