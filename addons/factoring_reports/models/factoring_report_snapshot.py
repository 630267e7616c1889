import calendar
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..report.factoring_item_report import ITEM_FROM, ITEM_WHERE

SNAPSHOT_GROUPS = (
    "factoring_base.group_factoring_manager",
    "factoring_base.group_factoring_credit_manager",
    "factoring_base.group_factoring_collections_supervisor",
)
AMOUNTS = ["amount_b0", "amount_b1", "amount_b2", "amount_b3", "amount_b4", "amount_b5",
           "residual", "amount_overdue", "sales", "paid_amount", "paid_dbt_days",
           "paid_adp_days"]


def month_end(day):
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


class FactoringReportSnapshot(models.Model):
    """The aging and the KPI inputs of one month end, per company, client and
    debtor (client empty for own invoices). Written only by the monthly
    snapshot (cron or backfill), one INSERT ... SELECT per month over the aging
    as of the month end; a month taken again replaces its rows (the unique
    index keeps one row per month, company, client and debtor)."""

    _name = "factoring.report.snapshot"
    _inherit = ["factoring.aging.bucket.mixin"]
    _description = "Factoring Monthly Snapshot"
    _order = "date desc, id"
    _rec_name = "date"

    date = fields.Date(string="Month End", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    client_id = fields.Many2one("res.partner", string="Client", readonly=True, index=True)
    debtor_id = fields.Many2one("res.partner", string="Debtor", readonly=True, index=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True)
    client_manager_id = fields.Many2one("res.users", string="Client Manager", readonly=True)
    sector_id = fields.Many2one("factoring.sector", string="Debtor Sector", readonly=True)
    item_count = fields.Integer(string="Open Items", readonly=True)
    amount_b0 = fields.Monetary(string="Not Due", readonly=True)
    amount_b1 = fields.Monetary(string="1-30 Days", readonly=True)
    amount_b2 = fields.Monetary(string="31-60 Days", readonly=True)
    amount_b3 = fields.Monetary(string="61-90 Days", readonly=True)
    amount_b4 = fields.Monetary(string="91-120 Days", readonly=True)
    amount_b5 = fields.Monetary(string="Over 120 Days", readonly=True)
    residual = fields.Monetary(string="Open AR", readonly=True,
                               help="Receivables open at the month end (the aging total).")
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    sales = fields.Monetary(string="Credit Sales", readonly=True,
                            help="Items posted in the month (positive amounts).")
    paid_amount = fields.Monetary(string="Paid in Month", readonly=True,
                                  help="Items whose last payment falls in the month.")
    paid_dbt_days = fields.Float(
        string="Paid x Days Beyond Terms", readonly=True,
        help="Sum of amount x (payment date - due date) over the items paid in the month.")
    paid_adp_days = fields.Float(
        string="Paid x Days to Pay", readonly=True,
        help="Sum of amount x (payment date - invoice date) over the items paid in the month.")
    dso = fields.Float(
        string="DSO", readonly=True, aggregator="avg", digits=(16, 1),
        help="Open AR / credit sales of the month x days of the month (this row; "
        "empty without sales).")
    dbt = fields.Float(
        string="DBT", readonly=True, aggregator="avg", digits=(16, 1),
        help="Paid x days beyond terms / paid in month (this row).")

    _month_pair_uniq = models.UniqueIndex(
        "(date, company_id, COALESCE(client_id, 0), COALESCE(debtor_id, 0))")

    # the rows are written by SQL only (_factoring_take_snapshot); the ORM
    # refuses every change, superuser included
    @api.model_create_multi
    def create(self, vals_list):
        self._factoring_refuse_change()
        return super().create(vals_list)

    def write(self, vals):
        self._factoring_refuse_change()
        return super().write(vals)

    def _factoring_refuse_change(self):
        raise UserError(self.env._("Monthly snapshots are taken by the snapshot job only."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(self.env._("Monthly snapshots are taken by the snapshot job only."))

    @api.model
    def _factoring_check_rights(self):
        if not self.env.su and not any(self.env.user.has_group(g) for g in SNAPSHOT_GROUPS):
            raise AccessError(self.env._(
                "Only factoring managers, credit managers and collections supervisors "
                "take monthly snapshots."))

    @api.model
    def action_backfill(self, date_from, date_to=None, company_ids=None):
        """Take the snapshots of every month end from ``date_from``'s month to
        ``date_to``'s (default: the last month end before today). Over RPC:
        managers only. Returns the number of months taken."""
        self._factoring_check_rights()
        date_from = fields.Date.to_date(date_from)
        date_to = fields.Date.to_date(date_to) if date_to else \
            self.env.company._factoring_today().replace(day=1) - relativedelta(days=1)
        if not date_from or date_from > date_to:
            raise ValidationError(self.env._(
                "Backfill of snapshots: the first month (%(start)s) must come before the "
                "last one (%(end)s).", start=date_from, end=date_to))
        companies = self.env["res.company"].browse(company_ids) if company_ids \
            else self.env.companies
        day = month_end(date_from)
        count = 0
        while day <= month_end(date_to):
            self.sudo()._factoring_take_snapshot(day, companies)
            count += 1
            day = month_end(day + relativedelta(days=1))
        return count

    @api.model
    def _cron_take_snapshot(self):
        """Monthly job: the last month end (run daily, it only replaces the
        same month's rows)."""
        last = self.env.company._factoring_today().replace(day=1) - relativedelta(days=1)
        companies = self.env["res.company"].search([("id", "!=", False)])
        self._factoring_take_snapshot(last, companies)

    @api.model
    def _factoring_take_snapshot(self, day, companies):
        """Replace the rows of month end ``day`` for ``companies``: one
        DELETE and one INSERT ... SELECT over the aging as of ``day``, the
        month's sales and the items paid in the month."""
        day = month_end(fields.Date.to_date(day))
        start = day.replace(day=1)
        days = day.day
        company_ids = tuple(companies.ids) or (0,)
        aging = self.env["factoring.aging.report"]._factoring_aging_sql(day)
        self.env.flush_all()
        self.env.execute_query(SQL(
            "DELETE FROM factoring_report_snapshot WHERE date = %s AND company_id IN %s",
            day, company_ids))
        self.env.execute_query(SQL(
            """
            WITH open_items AS (
                SELECT a.company_id, a.company_currency_id, a.client_id, a.debtor_id,
                       COUNT(*) AS item_count,
                       SUM(a.amount_b0) AS amount_b0, SUM(a.amount_b1) AS amount_b1,
                       SUM(a.amount_b2) AS amount_b2, SUM(a.amount_b3) AS amount_b3,
                       SUM(a.amount_b4) AS amount_b4, SUM(a.amount_b5) AS amount_b5,
                       SUM(a.residual) AS residual, SUM(a.amount_overdue) AS amount_overdue,
                       0 AS sales, 0 AS paid_amount, 0 AS paid_dbt_days, 0 AS paid_adp_days
                  FROM (%(aging)s) a
                 WHERE a.company_id IN %(companies)s
                 GROUP BY 1, 2, 3, 4
            ), sold AS (
                -- credit sales: the items posted in the month (the date index)
                SELECT l.company_id, l.company_currency_id, l.factoring_client_id AS client_id,
                       d.id AS debtor_id, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                       SUM(l.balance), 0, 0, 0
                  FROM %(from_)s
                 WHERE %(where)s AND l.company_id IN %(companies)s AND l.balance > 0
                   AND l.date BETWEEN %(start)s AND %(end)s
                 GROUP BY 1, 2, 3, 4
            ), paid AS (
                SELECT l.company_id, l.company_currency_id, l.factoring_client_id AS client_id,
                       d.id AS debtor_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                       SUM(l.balance),
                       SUM(l.balance * (l.factoring_last_reconcile_date - COALESCE(
                           l.date_maturity, sl.due_date, m.invoice_date_due, l.date))),
                       SUM(l.balance * (l.factoring_last_reconcile_date - COALESCE(
                           sl.invoice_date, m.invoice_date, l.date)))
                  FROM %(from_)s
                 -- the items paid in full in the month: their last reconciliation
                 -- date (an index range on the reconciled lines)
                 WHERE %(where)s AND l.company_id IN %(companies)s
                   AND l.reconciled AND l.balance > 0
                   AND l.factoring_last_reconcile_date BETWEEN %(start)s AND %(end)s
                 GROUP BY 1, 2, 3, 4
            ), pairs AS (
                SELECT company_id, company_currency_id, client_id, debtor_id,
                       SUM(item_count) AS item_count, SUM(amount_b0) AS amount_b0,
                       SUM(amount_b1) AS amount_b1, SUM(amount_b2) AS amount_b2,
                       SUM(amount_b3) AS amount_b3, SUM(amount_b4) AS amount_b4,
                       SUM(amount_b5) AS amount_b5, SUM(residual) AS residual,
                       SUM(amount_overdue) AS amount_overdue,
                       COALESCE(SUM(sales), 0) AS sales,
                       COALESCE(SUM(paid_amount), 0) AS paid_amount,
                       COALESCE(SUM(paid_dbt_days), 0) AS paid_dbt_days,
                       COALESCE(SUM(paid_adp_days), 0) AS paid_adp_days
                  FROM (SELECT * FROM open_items UNION ALL SELECT * FROM sold
                        UNION ALL SELECT * FROM paid) u
                 GROUP BY 1, 2, 3, 4
            )
            INSERT INTO factoring_report_snapshot (
                date, company_id, currency_id, client_id, debtor_id, collector_id,
                client_manager_id, sector_id, item_count, amount_b0, amount_b1, amount_b2,
                amount_b3, amount_b4, amount_b5, residual, amount_overdue, sales,
                paid_amount, paid_dbt_days, paid_adp_days, dso, dbt,
                create_uid, create_date, write_uid, write_date)
            SELECT %(end)s, p.company_id, p.company_currency_id, p.client_id, p.debtor_id,
                   d.factoring_collector_id,
                   COALESCE(c.factoring_client_manager_id, d.factoring_client_manager_id),
                   d.factoring_sector_id, p.item_count, p.amount_b0, p.amount_b1,
                   p.amount_b2, p.amount_b3, p.amount_b4, p.amount_b5, p.residual,
                   p.amount_overdue, p.sales, p.paid_amount, p.paid_dbt_days,
                   p.paid_adp_days,
                   CASE WHEN p.sales > 0 THEN p.residual / p.sales * %(days)s END,
                   CASE WHEN p.paid_amount > 0 THEN p.paid_dbt_days / p.paid_amount END,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM pairs p
              LEFT JOIN res_partner d ON d.id = p.debtor_id
              LEFT JOIN res_partner c ON c.id = p.client_id
            -- two snapshot jobs of the same month at once: the second one's rows
            -- replace the first one's (the unique index), never add to them
            ON CONFLICT (date, company_id, COALESCE(client_id, 0), COALESCE(debtor_id, 0))
            DO UPDATE SET item_count = EXCLUDED.item_count, amount_b0 = EXCLUDED.amount_b0,
                amount_b1 = EXCLUDED.amount_b1, amount_b2 = EXCLUDED.amount_b2,
                amount_b3 = EXCLUDED.amount_b3, amount_b4 = EXCLUDED.amount_b4,
                amount_b5 = EXCLUDED.amount_b5, residual = EXCLUDED.residual,
                amount_overdue = EXCLUDED.amount_overdue, sales = EXCLUDED.sales,
                paid_amount = EXCLUDED.paid_amount, paid_dbt_days = EXCLUDED.paid_dbt_days,
                paid_adp_days = EXCLUDED.paid_adp_days, dso = EXCLUDED.dso,
                dbt = EXCLUDED.dbt, write_date = EXCLUDED.write_date
            """,
            aging=aging, from_=ITEM_FROM, where=ITEM_WHERE, companies=company_ids,
            start=start, end=day, days=days, uid=self.env.uid))
        self.invalidate_model()
