from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools import kpi_formulas as kpi

# Fields of factoring.item.report the KPIs can be grouped by.
KPI_GROUP_BY = (
    "client_id", "debtor_id", "collector_id", "client_manager_id", "sector_id",
    "client_sector_id", "company_id", "currency_id",
)
# How far back the count-back DSO looks for sales (months).
COUNTBACK_MONTHS = 36
KPI_FIGURES = ("dso", "dso_countback", "bpdso", "add", "dbt", "adp", "cei")


class FactoringKpi(models.AbstractModel):
    """Receivable KPIs of a period, for the whole portfolio or per group.

    Public API: :meth:`get_kpis`. The screens (KPI wizard) read the same method,
    so integrators and dashboards get the same numbers as the users."""

    _name = "factoring.kpi"
    _description = "Factoring KPIs"

    @api.model
    def get_kpis(self, date_from, date_to, group_by=None, domain=None):
        """Return the KPIs of the period ``date_from`` .. ``date_to`` (both
        included; dates or ``YYYY-MM-DD`` strings).

        :param group_by: ``None`` for the whole portfolio, or one of
            ``client_id``, ``debtor_id``, ``collector_id``, ``client_manager_id``,
            ``sector_id`` (debtor's sector), ``client_sector_id``, ``company_id``,
            ``currency_id``.
        :param domain: optional domain on ``factoring.item.report`` restricting
            the items (e.g. ``[('is_factored', '=', True)]``).
        :return: a list with one dict per group, sorted by group name: ``group``
            (``[id, name]``, or ``False`` for the portfolio or items without a
            value), the inputs (``days``, ``months``, ``beginning_ar``,
            ``ending_ar``, ``ending_current_ar``, ``sales``, ``paid_amount``,
            ``paid_count``) and the figures ``dso``, ``dso_countback``,
            ``bpdso``, ``add``, ``dbt``, ``adp``, ``cei`` (``False`` when
            undefined, e.g. no sales in the period). Amounts are in company
            currency.

        Only the items the caller may read count (record rules of
        ``factoring.item.report``: client managers and collectors get their own
        portfolio).
        """
        if not self.env.su and not self.env.user.has_group(
                "factoring_base.group_factoring_user"):
            raise AccessError(self.env._("Only factoring users may read the factoring KPIs."))
        self.env["factoring.item.report"].check_access("read")
        date_from = fields.Date.to_date(date_from)
        date_to = fields.Date.to_date(date_to)
        if not date_from or not date_to or date_from > date_to:
            raise UserError(self.env._(
                "KPIs need a period whose start (%(start)s) is on or before its end (%(end)s).",
                start=date_from, end=date_to))
        if group_by and group_by not in KPI_GROUP_BY:
            raise UserError(self.env._(
                "KPIs cannot be grouped by %(field)s; use one of: %(allowed)s.",
                field=group_by, allowed=", ".join(KPI_GROUP_BY)))
        inputs = self._kpi_inputs(date_from, date_to, group_by, Domain(domain or []))
        results = [self._kpi_compute(date_from, date_to, row) for row in inputs]
        if group_by:
            comodel = self.env["factoring.item.report"]._fields[group_by].comodel_name
            records = self.env[comodel].browse([r["group"] for r in results if r["group"]])
            names = {rec.id: rec.display_name for rec in records}
            for result in results:
                result["group"] = (
                    [result["group"], names[result["group"]]] if result["group"] else False)
            results.sort(key=lambda r: (bool(r["group"]), r["group"] and r["group"][1] or ""))
        else:
            for result in results:
                result["group"] = False
        return results

    @api.model
    def _kpi_compute(self, date_from, date_to, row):
        """The figures of one group from its sums (pure arithmetic)."""
        days = kpi.period_days(date_from, date_to)
        months = kpi.period_months(date_from, date_to)
        monthly = [
            (row["monthly_sales"].get(start.isoformat(), 0.0), slice_days)
            for start, _end, slice_days in kpi.countback_months(date_to, COUNTBACK_MONTHS)
        ]
        dso = kpi.dso_standard(row["ending_ar"], row["sales"], days)
        bpdso = kpi.best_possible_dso(row["ending_current_ar"], row["sales"], days)
        figures = {
            "dso": dso,
            "dso_countback": kpi.dso_countback(row["ending_ar"], monthly),
            "bpdso": bpdso,
            "add": kpi.average_days_delinquent(dso, bpdso),
            "dbt": kpi.weighted_ratio(row["paid_dbt"], row["paid_amount"]),
            "adp": kpi.weighted_ratio(row["paid_adp"], row["paid_amount"]),
            "cei": kpi.collection_effectiveness_index(
                row["beginning_ar"], row["sales"], months, row["ending_ar"],
                row["ending_current_ar"]),
        }
        return {
            "group": row["grp"] or False,
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
            "days": days,
            "months": months,
            **{key: row[key] for key in (
                "beginning_ar", "ending_ar", "ending_current_ar", "sales",
                "paid_amount", "paid_count")},
            # False rather than None: XML-RPC cannot marshal None
            **{key: False if value is None else value for key, value in figures.items()},
        }

    @api.model
    def _kpi_inputs(self, date_from, date_to, group_by, domain):
        """One set-based query: per group, the AR at the day before the period
        and at its end (total and current), the period's sales, the paid items'
        weighted days and the monthly sales for the count-back DSO.

        The AR at D of an item is its amount minus the partial reconciliations
        dated (``max_date``) on or before D, as in the aging report."""
        Item = self.env["factoring.item.report"]
        query = Item._search(domain)
        alias = query.table

        def col(name):
            return SQL.identifier(alias, name)

        group_sql = SQL("COALESCE(%s, 0)", col(group_by)) if group_by else SQL("0")
        items_sql = query.select(SQL(
            "%s AS id, %s AS grp, %s AS balance, %s AS date, %s AS due_date, "
            "%s AS invoice_date, %s AS reconciled",
            col("id"), group_sql, col("balance"), col("date"), col("due_date"),
            col("invoice_date"), col("reconciled")))
        begin = fields.Date.subtract(date_from, days=1)
        countback_start = kpi.countback_months(date_to, COUNTBACK_MONTHS)[-1][0]
        rows = self.env.execute_query_dict(SQL(
            """
            WITH it AS MATERIALIZED (%(items)s),
            part AS (
                SELECT it.id, it.grp, it.due_date, apr.amount AS amt, apr.max_date
                  FROM it JOIN account_partial_reconcile apr ON apr.debit_move_id = it.id
                 UNION ALL
                SELECT it.id, it.grp, it.due_date, -apr.amount AS amt, apr.max_date
                  FROM it JOIN account_partial_reconcile apr ON apr.credit_move_id = it.id
            ),
            bal AS (
                SELECT grp,
                       SUM(balance) FILTER (WHERE date <= %(end)s) AS ending,
                       SUM(balance) FILTER (WHERE date <= %(end)s AND due_date >= %(end)s)
                           AS ending_current,
                       SUM(balance) FILTER (WHERE date <= %(begin)s) AS beginning,
                       SUM(balance) FILTER (WHERE balance > 0
                                              AND date BETWEEN %(start)s AND %(end)s) AS sales
                  FROM it GROUP BY grp
            ),
            adj AS (
                SELECT grp,
                       SUM(amt) FILTER (WHERE max_date <= %(end)s) AS ending,
                       SUM(amt) FILTER (WHERE max_date <= %(end)s AND due_date >= %(end)s)
                           AS ending_current,
                       SUM(amt) FILTER (WHERE max_date <= %(begin)s) AS beginning
                  FROM part GROUP BY grp
            ),
            last_match AS (SELECT id, MAX(max_date) AS paid_date FROM part GROUP BY id),
            paid AS (
                SELECT it.grp,
                       SUM(it.balance) AS amount,
                       COUNT(*) AS count,
                       SUM(it.balance * (lm.paid_date - it.due_date)) AS dbt,
                       SUM(it.balance * (lm.paid_date - it.invoice_date)) AS adp
                  FROM it JOIN last_match lm ON lm.id = it.id
                 WHERE it.reconciled AND it.balance > 0
                   AND lm.paid_date BETWEEN %(start)s AND %(end)s
                 GROUP BY it.grp
            ),
            months AS (
                SELECT grp, date_trunc('month', date)::date AS month, SUM(balance) AS sales
                  FROM it
                 WHERE balance > 0 AND date BETWEEN %(countback_start)s AND %(end)s
                 GROUP BY grp, date_trunc('month', date)
            ),
            monthly AS (
                SELECT grp, json_object_agg(month, sales) AS sales FROM months GROUP BY grp
            )
            SELECT bal.grp,
                   COALESCE(bal.ending, 0) - COALESCE(adj.ending, 0) AS ending_ar,
                   COALESCE(bal.ending_current, 0) - COALESCE(adj.ending_current, 0)
                       AS ending_current_ar,
                   COALESCE(bal.beginning, 0) - COALESCE(adj.beginning, 0) AS beginning_ar,
                   COALESCE(bal.sales, 0) AS sales,
                   COALESCE(paid.amount, 0) AS paid_amount,
                   COALESCE(paid.count, 0) AS paid_count,
                   COALESCE(paid.dbt, 0) AS paid_dbt,
                   COALESCE(paid.adp, 0) AS paid_adp,
                   monthly.sales AS monthly_sales
              FROM bal
              LEFT JOIN adj ON adj.grp = bal.grp
              LEFT JOIN paid ON paid.grp = bal.grp
              LEFT JOIN monthly ON monthly.grp = bal.grp
             -- groups with nothing open, sold or paid in or before the period are left out
             WHERE bal.ending IS NOT NULL OR paid.amount IS NOT NULL
            """,
            items=items_sql, begin=begin, start=date_from, end=date_to,
            countback_start=countback_start,
        ))
        for row in rows:
            for key in ("ending_ar", "ending_current_ar", "beginning_ar", "sales",
                        "paid_amount", "paid_dbt", "paid_adp"):
                row[key] = float(row[key])
            row["monthly_sales"] = {
                month: float(value) for month, value in (row["monthly_sales"] or {}).items()}
        return rows
