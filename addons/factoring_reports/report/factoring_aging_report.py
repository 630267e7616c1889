from odoo import api, fields, models
from odoo.tools import SQL

from .factoring_item_report import ITEM_COLUMNS, open_at, residual_at

BUCKETS = ["b0", "b1", "b2", "b3", "b4", "b5"]


class FactoringAgingReport(models.Model):
    """Receivable items open on a date D (context key ``factoring_aging_date``,
    default today) with their residual at D and their aging bucket.

    The residual at D is the item's amount minus what was reconciled with it on
    or before D: a partial reconciliation counts from its ``max_date`` (the later
    of the two matched lines' dates), so a payment dated after D does not reduce
    the item, and items posted after D are left out. Only items open at D are
    rows; one query, no Python loop over items. The items open at D and their
    residual are found from the line's stored first and last reconciliation
    dates (``factoring_first_reconcile_date``, ``factoring_last_reconcile_date``);
    only the reconciliations of items paid in instalments straddling D are read."""

    _name = "factoring.aging.report"
    _inherit = ["factoring.read.only.report", "factoring.aging.bucket.mixin"]
    _description = "Factoring Aging"
    _auto = False
    _order = "due_date, id"
    _rec_name = "name"

    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    move_id = fields.Many2one("account.move", string="Entry", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    account_id = fields.Many2one("account.account", readonly=True)
    debtor_id = fields.Many2one("res.partner", string="Debtor", readonly=True)
    client_id = fields.Many2one("res.partner", string="Client", readonly=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True)
    client_manager_id = fields.Many2one("res.users", string="Client Manager", readonly=True)
    sector_id = fields.Many2one("factoring.sector", string="Debtor Sector", readonly=True)
    client_sector_id = fields.Many2one("factoring.sector", string="Client Sector", readonly=True)
    is_factored = fields.Boolean(string="Factored", readonly=True)
    name = fields.Char(string="Number", readonly=True)
    date = fields.Date(string="Accounting Date", readonly=True)
    invoice_date = fields.Date(readonly=True)
    due_date = fields.Date(readonly=True)
    as_of_date = fields.Date(string="As Of", readonly=True)
    days_past_due = fields.Integer(
        readonly=True, aggregator="max",
        help="As-of date - due date; negative when not yet due.")
    bucket = fields.Selection(
        selection="_selection_bucket", string="Aging Bucket", readonly=True)
    amount = fields.Monetary(
        string="Original Amount", currency_field="company_currency_id", readonly=True)
    residual = fields.Monetary(
        string="Open at Date", currency_field="company_currency_id", readonly=True,
        help="Amount minus what was reconciled on or before the as-of date, "
        "in the company currency.")
    residual_currency = fields.Monetary(
        string="Open at Date in Currency", currency_field="currency_id", readonly=True)
    amount_b0 = fields.Monetary(
        string="Not Due", currency_field="company_currency_id", readonly=True)
    amount_b1 = fields.Monetary(
        string="1-30 Days", currency_field="company_currency_id", readonly=True,
        help="1 to the company's first bound (default 30) days past due.")
    amount_b2 = fields.Monetary(
        string="31-60 Days", currency_field="company_currency_id", readonly=True,
        help="Default 31-60 days past due.")
    amount_b3 = fields.Monetary(
        string="61-90 Days", currency_field="company_currency_id", readonly=True,
        help="Default 61-90 days past due.")
    amount_b4 = fields.Monetary(
        string="91-120 Days", currency_field="company_currency_id", readonly=True,
        help="Default 91-120 days past due.")
    amount_b5 = fields.Monetary(
        string="Over 120 Days", currency_field="company_currency_id", readonly=True,
        help="Beyond the company's last bound (default over 120 days past due).")
    amount_overdue = fields.Monetary(
        string="Overdue", currency_field="company_currency_id", readonly=True)

    _depends = {
        "account.move.line": [
            "move_id", "company_id", "currency_id", "account_id", "partner_id",
            "factoring_client_id", "factoring_schedule_line_id", "date", "date_maturity",
            "balance", "amount_currency", "amount_residual", "amount_residual_currency",
            "reconciled", "parent_state", "factoring_first_reconcile_date",
            "factoring_last_reconcile_date",
        ],
        "account.partial.reconcile": [
            "debit_move_id", "credit_move_id", "max_date", "amount",
            "debit_amount_currency", "credit_amount_currency",
        ],
        "res.partner": [
            "commercial_partner_id", "factoring_collector_id", "factoring_client_manager_id",
            "factoring_sector_id",
        ],
        "res.company": [
            "factoring_aging_bound_1", "factoring_aging_bound_2",
            "factoring_aging_bound_3", "factoring_aging_bound_4",
        ],
    }

    @api.model
    def _selection_bucket(self):
        return self.env.company._factoring_aging_labels()

    @api.model
    def _factoring_as_of_date(self):
        value = self.env.context.get("factoring_aging_date")
        return fields.Date.to_date(value) if value else self.env.company._factoring_today()

    @property
    def _table_query(self):
        # No JIT compilation for the rest of this transaction (a request): for
        # a million items PostgreSQL spent 0.4-0.5 s compiling, a third of the
        # query's time, before reading a row (set_config(..., true) is SET LOCAL).
        self.env.cr.execute(SQL("SELECT set_config('jit', 'off', true)"))
        return self._factoring_aging_sql(self._factoring_as_of_date())

    @api.model
    def _factoring_aging_candidates(self, as_of):
        """The condition on ``l`` that keeps only the lines that can be open at
        D (see ``open_at``: one bitmap scan of two indexes of
        ``account_move_line``, none of the reconciliations), on receivable
        accounts. The report's filter (a residual at D) stays the reference;
        these are only its candidates."""
        return SQL(
            """%(open_at)s
               -- the receivable accounts as an array (an init plan) rather than a
               -- join: a join assumed every account as large as the receivable ones
               AND l.account_id = ANY(ARRAY(SELECT a.id FROM account_account a
                                            WHERE a.account_type = 'asset_receivable'))""",
            open_at=open_at(as_of),
        )

    @api.model
    def _factoring_aging_bounds_values(self):
        """Every company's bucket bounds as rows of a VALUES list (id, bound 1
        to 4; a few rows). Joined as res_company, PostgreSQL took the table
        for one row (its statistics of a small table are rarely refreshed) and,
        with two companies, ran the whole join over the items once per company
        in a nested loop; a VALUES list has exactly as many rows as it shows."""
        self.env["res.company"].flush_model([
            "factoring_aging_bound_1", "factoring_aging_bound_2",
            "factoring_aging_bound_3", "factoring_aging_bound_4"])
        rows = self.env.execute_query(SQL(
            """SELECT id, COALESCE(factoring_aging_bound_1, 30),
                      COALESCE(factoring_aging_bound_2, 60),
                      COALESCE(factoring_aging_bound_3, 90),
                      COALESCE(factoring_aging_bound_4, 120)
                 FROM res_company ORDER BY id"""))
        return SQL(", ").join(SQL("(%s, %s, %s, %s, %s)", *row) for row in rows)

    @api.model
    def _factoring_aging_sql(self, as_of):
        """The rows of the report as of ``as_of``.

        The residual at D is read from the line (see ``residual_at``): its
        amount when it was first reconciled after D, its stored residual when it
        was last reconciled on or before D; the reconciliations of a line are
        read only when they fall on both sides of D."""
        # OFFSET 0 keeps "residual <> 0" (and the outer filters) from being pushed
        # below the candidate filter.
        return SQL(
            """
            SELECT b.*,
                   CASE WHEN b.bucket = 'b0' THEN b.residual ELSE 0 END AS amount_b0,
                   CASE WHEN b.bucket = 'b1' THEN b.residual ELSE 0 END AS amount_b1,
                   CASE WHEN b.bucket = 'b2' THEN b.residual ELSE 0 END AS amount_b2,
                   CASE WHEN b.bucket = 'b3' THEN b.residual ELSE 0 END AS amount_b3,
                   CASE WHEN b.bucket = 'b4' THEN b.residual ELSE 0 END AS amount_b4,
                   CASE WHEN b.bucket = 'b5' THEN b.residual ELSE 0 END AS amount_b5,
                   CASE WHEN b.bucket = 'b0' THEN 0 ELSE b.residual END AS amount_overdue
              FROM (
                SELECT a.*,
                       CASE WHEN a.days_past_due <= 0 THEN 'b0'
                            WHEN a.days_past_due <= a.bound_1 THEN 'b1'
                            WHEN a.days_past_due <= a.bound_2 THEN 'b2'
                            WHEN a.days_past_due <= a.bound_3 THEN 'b3'
                            WHEN a.days_past_due <= a.bound_4 THEN 'b4'
                            ELSE 'b5'
                       END AS bucket
                  FROM (
                    SELECT %(columns)s,
                           -- a row of date D is another record than the same item's row of
                           -- another date: the ORM cache never mixes two dates' figures
                           l.id::bigint * 100000 + (%(as_of)s::date - DATE '1970-01-01') AS id,
                           %(as_of)s::date AS as_of_date,
                           %(as_of)s::date - COALESCE(l.date_maturity, sl.due_date,
                                                     m.invoice_date_due, l.date)
                               AS days_past_due,
                           l.balance AS amount,
                           %(residual)s AS residual,
                           %(residual_currency)s AS residual_currency,
                           co.bound_1, co.bound_2, co.bound_3, co.bound_4
                      FROM account_move_line l
                      JOIN account_move m ON m.id = l.move_id
                      LEFT JOIN res_partner p0 ON p0.id = l.partner_id
                      LEFT JOIN res_partner d ON d.id = COALESCE(p0.commercial_partner_id, p0.id)
                      LEFT JOIN res_partner c ON c.id = l.factoring_client_id
                      LEFT JOIN factoring_schedule_line sl ON sl.id = l.factoring_schedule_line_id
                      -- the company's bucket bounds, as a list of values (below)
                      JOIN (VALUES %(bounds)s) co (id, bound_1, bound_2, bound_3, bound_4)
                        ON co.id = l.company_id
                     WHERE l.parent_state = 'posted'
                       AND %(candidates)s
                    OFFSET 0
                  ) a
                 WHERE a.residual <> 0
              ) b
            """,
            columns=ITEM_COLUMNS, candidates=self._factoring_aging_candidates(as_of), as_of=as_of,
            residual=residual_at(as_of), residual_currency=residual_at(as_of, currency=True),
            bounds=self._factoring_aging_bounds_values(),
        )
