from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

AGE_BUCKETS = [
    ("0_30", "0-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("91_plus", "Over 90 days"),
]


class FactoringDisputeReport(models.Model):
    """Disputes for analysis (pivot and graph): one row per dispute with its
    amounts by resolution, its age (open disputes, days since opening, as of
    today) and the days it took to resolve (closed ones)."""

    _name = "factoring.dispute.report"
    _description = "Dispute Analysis"
    _auto = False
    _order = "date_open desc"
    # flushed before the view is read
    _depends = {
        "factoring.dispute": [
            "company_id", "debtor_id", "client_id", "reason_id", "user_id", "team_id",
            "stage_id", "state", "date_open", "date_closed", "date_deadline",
            "amount_disputed", "amount_credited", "amount_written_off", "amount_debtor_pays",
            "amount_rejected", "amount_unresolved",
        ],
        "res.company": ["currency_id"],
    }

    dispute_id = fields.Many2one("factoring.dispute", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    debtor_id = fields.Many2one("res.partner", string="Debtor", readonly=True)
    client_id = fields.Many2one("res.partner", string="Client", readonly=True)
    reason_id = fields.Many2one("factoring.dispute.reason", string="Reason", readonly=True)
    user_id = fields.Many2one("res.users", string="Owner", readonly=True)
    team_id = fields.Many2one("crm.team", string="Team", readonly=True)
    stage_id = fields.Many2one("factoring.dispute.stage", string="Stage", readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved"), ("rejected", "Rejected")], readonly=True)
    date_open = fields.Date(string="Opened On", readonly=True)
    date_closed = fields.Date(string="Closed On", readonly=True)
    date_deadline = fields.Date(string="Deadline", readonly=True)
    amount_disputed = fields.Monetary(string="Disputed", readonly=True)
    amount_credited = fields.Monetary(string="Credit Notes and Recourse", readonly=True)
    amount_written_off = fields.Monetary(string="Written Off", readonly=True)
    amount_debtor_pays = fields.Monetary(string="Debtor Pays", readonly=True)
    amount_rejected = fields.Monetary(string="Rejected", readonly=True)
    amount_unresolved = fields.Monetary(string="Unresolved", readonly=True)
    days_to_resolve = fields.Float(string="Days to Resolve", readonly=True, aggregator="avg")
    age_days = fields.Integer(string="Age (days)", readonly=True, aggregator="avg")
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True)
    overdue = fields.Boolean(string="Past Deadline", readonly=True)
    dispute_count = fields.Integer(string="# Disputes", readonly=True)

    @property
    def _table_query(self):
        today = self.env["res.company"]._factoring_today_sql(SQL("d.company_id"))
        return SQL(
            """
            SELECT d.id, d.id AS dispute_id, d.company_id, c.currency_id, d.debtor_id,
                   d.client_id, d.reason_id, d.user_id, d.team_id, d.stage_id, d.state,
                   d.date_open, d.date_closed, d.date_deadline, d.amount_disputed,
                   d.amount_credited, d.amount_written_off, d.amount_debtor_pays,
                   d.amount_rejected, d.amount_unresolved,
                   CASE WHEN d.date_closed IS NOT NULL
                        THEN (d.date_closed - d.date_open) END AS days_to_resolve,
                   (COALESCE(d.date_closed, %(today)s::date) - d.date_open) AS age_days,
                   CASE WHEN %(today)s::date - d.date_open <= 30 THEN '0_30'
                        WHEN %(today)s::date - d.date_open <= 60 THEN '31_60'
                        WHEN %(today)s::date - d.date_open <= 90 THEN '61_90'
                        ELSE '91_plus' END AS age_bucket,
                   (d.state = 'open' AND d.date_deadline < %(today)s::date) AS overdue,
                   1 AS dispute_count
              FROM factoring_dispute d
              JOIN res_company c ON c.id = d.company_id
            """, today=today)

    @api.model
    def get_dispute_figures(self, domain=None):
        """Figures of the disputes matching ``domain`` (within the user's
        companies): count, average and median days to resolve (closed
        disputes), unresolved amount of the open ones, the open receivables of
        the same companies and the disputed share of them (%)."""
        self.check_access("read")
        domain = Domain(domain or []) & Domain("company_id", "in", self.env.companies.ids)
        query = self._search(domain)

        def col(name):
            return SQL.identifier(self._table, name)

        [(count, avg_days, median_days, disputed)] = self.env.execute_query(query.select(SQL(
            "count(*), avg(%(days)s), percentile_cont(0.5) WITHIN GROUP (ORDER BY %(days)s), "
            "COALESCE(sum(%(amount)s) FILTER (WHERE %(state)s = 'open'), 0)",
            days=col("days_to_resolve"), amount=col("amount_unresolved"), state=col("state"))))
        Line = self.env["account.move.line"].sudo()
        [[open_amount]] = Line._read_group(
            Line._factoring_open_items_domain()
            & Domain("company_id", "in", self.env.companies.ids),
            [], ["amount_residual:sum"])
        return {
            "count": count,
            "avg_days_to_resolve": float(avg_days) if avg_days is not None else 0.0,
            "median_days_to_resolve": float(median_days) if median_days is not None else 0.0,
            "disputed_open": float(disputed),
            "open_receivables": open_amount or 0.0,
            "disputed_share": 100.0 * float(disputed) / open_amount if open_amount else 0.0,
        }


class FactoringDisputeFigures(models.TransientModel):
    """The analysis figures pivot tables cannot show (median, share of the
    open receivables), on one screen."""

    _name = "factoring.dispute.figures"
    _description = "Dispute Figures"

    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.company.currency_id)
    dispute_count = fields.Integer(string="Disputes", readonly=True)
    avg_days_to_resolve = fields.Float(string="Average Days to Resolve", digits=(16, 1),
                                       readonly=True)
    median_days_to_resolve = fields.Float(string="Median Days to Resolve", digits=(16, 1),
                                          readonly=True)
    disputed_open = fields.Monetary(string="Disputed (open disputes)", readonly=True)
    open_receivables = fields.Monetary(readonly=True)
    disputed_share = fields.Float(string="Disputed Share of Open Receivables (%)",
                                  digits=(16, 2), readonly=True)

    def _compute_display_name(self):
        # the window's title (the figures are never saved: no record name)
        for figures in self:
            figures.display_name = self.env._("Dispute Figures")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        figures = self.env["factoring.dispute.report"].get_dispute_figures()
        values.update({
            "dispute_count": figures["count"],
            "avg_days_to_resolve": figures["avg_days_to_resolve"],
            "median_days_to_resolve": figures["median_days_to_resolve"],
            "disputed_open": figures["disputed_open"],
            "open_receivables": figures["open_receivables"],
            "disputed_share": figures["disputed_share"],
        })
        return {k: v for k, v in values.items() if k in fields_list}
