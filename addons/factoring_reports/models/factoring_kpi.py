from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.misc import format_date, formatLang

from ..tools import kpi_formulas as kpi

# Fields of factoring.item.report the KPIs can be grouped by.
KPI_GROUP_BY = (
    "client_id", "debtor_id", "collector_id", "client_manager_id", "sector_id",
    "client_sector_id", "company_id", "currency_id",
)
# How far back the count-back DSO looks for sales (months), and how many
# months are read first: older ones are read only for the groups whose AR
# those months of sales do not cover (rare: a DSO over a year).
COUNTBACK_MONTHS = 36
COUNTBACK_FIRST_MONTHS = 12
# Longest period the KPIs cover (months): the CEI reads the AR at each month
# end of the period, one column of the query each.
KPI_MAX_MONTHS = 120
KPI_FIGURES = ("dso", "dso_countback", "bpdso", "add", "dbt", "adp", "cei")
# Decimals each figure is shown with (the KPI lines' digits)
KPI_DIGITS = {"dso": 1, "dso_countback": 1, "bpdso": 1, "add": 1, "dbt": 2, "adp": 2, "cei": 1}


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
        :return: a list with one dict per group (a group with AR at either date,
            sales or paid items in the period; the portfolio when it has any
            item by the period's end), sorted by group name: ``group``
            (``[id, name]``, or ``False`` for the portfolio or items without a
            value), the inputs (``days``, ``months``, ``beginning_ar``,
            ``ending_ar``, ``ending_current_ar``, ``sales``, ``paid_amount``,
            ``paid_count``, ``paid_dbt_days`` and ``paid_adp_days``: the paid
            items' Σ amount x days beyond terms and x days to pay), the figures
            ``dso``, ``dso_countback``, ``bpdso``, ``add``, ``dbt``, ``adp``,
            ``cei`` (``False`` when undefined, e.g. no sales in the period), and
            what the last two are computed from: ``cei_months`` (per month of
            the period, the first and last ones cut at the period's ends:
            ``date_from``, ``date_to``, ``beginning_ar``, ``sales``,
            ``ending_ar``, ``ending_current_ar``, ``collected``,
            ``collectible``, ``cei``), their sums ``cei_collected`` and
            ``cei_collectible`` (``cei`` = their ratio x 100), and
            ``countback`` (the months the count-back DSO consumed, newest
            first: ``date_from``, ``date_to``, ``sales``, ``days``,
            ``consumed``, ``counted_days``). Amounts are in company currency.

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
        if kpi.period_months(date_from, date_to) > KPI_MAX_MONTHS:
            raise UserError(self.env._(
                "KPIs cover at most %(max)s months; the period %(start)s - %(end)s has "
                "%(months)s.", max=KPI_MAX_MONTHS, start=date_from, end=date_to,
                months=kpi.period_months(date_from, date_to)))
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
        """The figures of one group from its sums (pure arithmetic), with the
        inputs each figure is computed from (``cei_months``, ``countback``)."""
        days = kpi.period_days(date_from, date_to)
        months = kpi.period_months(date_from, date_to)
        countback_slices = kpi.countback_months(date_to, COUNTBACK_MONTHS)
        monthly = [
            (row["monthly_sales"].get(start.isoformat(), 0.0), slice_days)
            for start, _end, slice_days in countback_slices
        ]
        # the monthly CEIs: each month starts with the AR the previous one ended with
        cei_months = []
        beginning = row["beginning_ar"]
        for (start, end), (ending, current) in zip(
                kpi.period_month_slices(date_from, date_to), row["month_end_ar"], strict=True):
            sales = row["period_monthly_sales"].get(start.replace(day=1).isoformat(), 0.0)
            collected, collectible = kpi.cei_month(beginning, sales, ending, current)
            month_cei = kpi.collection_effectiveness_index([(beginning, sales, ending, current)])
            cei_months.append({
                "date_from": fields.Date.to_string(start),
                "date_to": fields.Date.to_string(end),
                "beginning_ar": beginning, "sales": sales, "ending_ar": ending,
                "ending_current_ar": current, "collected": collected,
                "collectible": collectible,
                "cei": False if month_cei is None else month_cei,
            })
            beginning = ending
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
                (m["beginning_ar"], m["sales"], m["ending_ar"], m["ending_current_ar"])
                for m in cei_months),
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
            "paid_dbt_days": row["paid_dbt"],
            "paid_adp_days": row["paid_adp"],
            "cei_collected": sum(m["collected"] for m in cei_months),
            "cei_collectible": sum(m["collectible"] for m in cei_months),
            "cei_months": cei_months,
            "countback": [{
                "date_from": fields.Date.to_string(start), "date_to": fields.Date.to_string(end),
                "sales": sales, "days": slice_days, "consumed": consumed, "counted_days": counted,
            } for (start, end, _days), (sales, slice_days, consumed, counted) in zip(
                countback_slices, kpi.dso_countback_steps(row["ending_ar"], monthly),
                strict=False)],
            # False rather than None: XML-RPC cannot marshal None
            **{key: False if value is None else value for key, value in figures.items()},
        }

    @api.model
    def _kpi_formulas(self):
        """Each figure's formula in the words of the screens (the KPI lines'
        tooltips and the first part of each explanation)."""
        return {
            "dso": self.env._(
                "DSO = ending AR ÷ credit sales of the period × days of the period"),
            "dso_countback": self.env._(
                "Count-back DSO: the months of credit sales the ending AR consumes, newest "
                "first; a month consumed whole counts its days, the month where the AR runs "
                "out counts the remainder ÷ its sales × its days"),
            "bpdso": self.env._(
                "BPDSO = current (not yet due) ending AR ÷ credit sales × days"),
            "add": self.env._("ADD = DSO − BPDSO"),
            "dbt": self.env._(
                "DBT = Σ paid amount × (paid date − due date) ÷ Σ paid amount, over the items "
                "paid in full in the period (early payment counts negative)"),
            "adp": self.env._(
                "ADP = Σ paid amount × (paid date − invoice date) ÷ Σ paid amount, over the "
                "items paid in full in the period"),
            "cei": self.env._(
                "CEI = Σ collected ÷ Σ collectible × 100 over the months of the period; a "
                "month's collected = AR at its start + its credit sales − AR at its end, its "
                "collectible = AR at its start + its credit sales − current (not yet due) AR "
                "at its end"),
        }

    @api.model
    def _kpi_explain(self, result):
        """Per figure of one ``get_kpis`` result, its formula, the inputs the
        figure is computed from and the figure, as the screens show them (a
        manager can redo the arithmetic by hand): ``{figure: text}``."""

        def amount(value):
            return formatLang(self.env, value, digits=2)

        def figure(key, value=None, suffix=""):
            value = result[key] if value is None else value
            if value is False:
                return self.env._("undefined")
            return formatLang(self.env, value, digits=KPI_DIGITS[key]) + suffix

        def month(day):
            return format_date(self.env, day, date_format="MMM y")

        no_sales = self.env._("undefined: no credit sales in the period")
        nothing_paid = self.env._("undefined: no item paid in full in the period")
        formulas = self._kpi_formulas()
        texts = {}
        days = result["days"]
        texts["dso"] = self.env._(
            "%(ending)s ÷ %(sales)s × %(days)s = %(value)s", ending=amount(result["ending_ar"]),
            sales=amount(result["sales"]), days=days,
            value=figure("dso") if result["dso"] is not False else no_sales)
        texts["bpdso"] = self.env._(
            "%(current)s ÷ %(sales)s × %(days)s = %(value)s",
            current=amount(result["ending_current_ar"]), sales=amount(result["sales"]),
            days=days, value=figure("bpdso") if result["bpdso"] is not False else no_sales)
        texts["add"] = self.env._("%(dso)s − %(bpdso)s = %(value)s", dso=figure("dso"),
                                  bpdso=figure("bpdso"), value=figure("add"))
        steps = []
        for step in result["countback"]:
            if step["sales"] <= 0:
                steps.append(self.env._("%(month)s: no sales, %(days)s days",
                                        month=month(step["date_from"]), days=step["days"]))
            elif step["consumed"] < step["sales"]:
                steps.append(self.env._(
                    "%(month)s: %(consumed)s of %(sales)s, %(counted)s of %(days)s days",
                    month=month(step["date_from"]), consumed=amount(step["consumed"]),
                    sales=amount(step["sales"]), days=step["days"],
                    counted=formatLang(self.env, step["counted_days"], digits=1)))
            else:
                steps.append(self.env._(
                    "%(month)s: %(sales)s, %(days)s days", month=month(step["date_from"]),
                    sales=amount(step["sales"]), days=step["days"]))
        texts["dso_countback"] = self.env._(
            "ending AR %(ending)s: %(steps)s = %(value)s", ending=amount(result["ending_ar"]),
            steps=" + ".join(steps) or self.env._("nothing owed"),
            value=figure("dso_countback"))
        for key, weighted in (("dbt", "paid_dbt_days"), ("adp", "paid_adp_days")):
            texts[key] = self.env._(
                "%(weighted)s ÷ %(paid)s (paid items: %(count)s) = %(value)s",
                weighted=amount(result[weighted]), paid=amount(result["paid_amount"]),
                count=result["paid_count"],
                value=figure(key) if result[key] is not False else nothing_paid)
        lines = [self.env._(
            "%(collected)s ÷ %(collectible)s × 100 = %(value)s",
            collected=amount(result["cei_collected"]),
            collectible=amount(result["cei_collectible"]),
            value=figure("cei", suffix=" %") if result["cei"] is not False
            else self.env._("undefined: nothing to collect"))]
        lines += [self.env._(
            "%(month)s: collected %(start)s + %(sales)s − %(end)s = %(collected)s; "
            "collectible %(start)s + %(sales)s − %(current)s = %(collectible)s; CEI %(value)s",
            month=month(m["date_from"]), start=amount(m["beginning_ar"]),
            sales=amount(m["sales"]), end=amount(m["ending_ar"]),
            current=amount(m["ending_current_ar"]), collected=amount(m["collected"]),
            collectible=amount(m["collectible"]),
            value=figure("cei", m["cei"], suffix=" %")) for m in result["cei_months"]]
        texts["cei"] = "\n".join(lines)
        return {key: f"{formulas[key]}\n{texts[key]}" for key in KPI_FIGURES}

    @api.model
    def _kpi_inputs(self, date_from, date_to, group_by, domain):
        """Per group, the AR at the day before the period and at its end (total
        and current), the AR (total and current) at each month end inside the
        period (``month_end_ar``, the monthly CEIs'; the period's end last), the
        period's sales (in all and per month), the paid items' weighted days and
        the monthly sales for the count-back DSO: one set-based query, and a
        second one for the count-back's older months when a group needs them.

        The AR at D of an item is its amount minus the partial reconciliations
        dated (``max_date``) on or before D, as in the aging report (the item
        report's ``residual_at``, ``residual_since`` and ``residual_end_*``
        columns). One pass reads the items that can be open at any of those
        dates (an index range per date, as the aging as of a date) and the
        positive items dated in the months read (``open_or_dated`` scope), which
        include every item paid in full in the period; through
        ``factoring.item.report`` with the caller's record rules and ``domain``,
        summed per group and month, then per group."""
        Item = self.env["factoring.item.report"]
        begin = fields.Date.subtract(date_from, days=1)
        countback_start = kpi.countback_months(date_to, COUNTBACK_MONTHS)[-1][0]
        # the month ends inside the period (the monthly CEIs' AR; the last
        # month ends on date_to: the ending AR)
        month_ends = [end for _start, end in kpi.period_month_slices(date_from, date_to)[:-1]]

        def items(scope, *names, limit=None):
            query = Item.with_context(factoring_item_scope=scope)._search(domain, limit=limit)

            def col(name):
                return SQL.identifier(query.table, name)

            grp = SQL("COALESCE(%s, 0)", col(group_by)) if group_by else SQL("0")
            return query.select(SQL(", ").join(
                [SQL("%s AS grp", grp)]
                + [SQL("%s AS %s", col(name), SQL.identifier(name)) for name in names]))

        def monthly_sales(first_day, last_day, groups=None):
            """Per group and month, the sales (positive items) dated from
            ``first_day`` to ``last_day`` within the count-back's months, and
            those within the period; only ``groups`` when given."""
            return SQL(
                """
                SELECT s.grp, date_trunc('month', s.date)::date AS month,
                       SUM(s.balance) FILTER (WHERE s.date >= %(countback_start)s) AS sales,
                       SUM(s.balance) FILTER (WHERE s.date >= %(start)s) AS period_sales
                  FROM (%(sold)s) s
                 WHERE s.balance > 0 AND %(groups)s
                 GROUP BY s.grp, date_trunc('month', s.date)
                """,
                countback_start=countback_start, start=date_from,
                sold=items(("dated", first_day, last_day), "date", "balance"),
                groups=SQL("s.grp IN %s", tuple(groups)) if groups else SQL("TRUE"))

        # the groups: for the portfolio, one row when it has an item dated on
        # or before the period's end; per group, those with AR at either date,
        # sales in the period or items paid in it (not every group that ever
        # had an item: that was a scan of the whole ledger)
        if group_by:
            groups = SQL("""SELECT grp FROM ar
                             WHERE ending <> 0 OR beginning <> 0 OR sales <> 0
                                OR paid_count > 0""")
        else:
            groups = items(("dated", None, date_to), limit=1)
        # the count-back's first months (and the whole period): older months
        # below, for the groups that need them
        first_months = kpi.countback_months(date_to, COUNTBACK_FIRST_MONTHS)
        # (whole months: the count-back divides by a month's sales)
        sales_from = min(date_from.replace(day=1), max(countback_start, first_months[-1][0]))
        # the AR at the period's end (total and not yet due) and at the day
        # before its start, and the sales per month: one pass over the items that
        # can be open at either day and those dated in the months read
        ar_sales = SQL(
            """
            SELECT o.grp, date_trunc('month', o.date)::date AS month,
                   SUM(o.residual_at) AS ending,
                   SUM(o.residual_at) FILTER (WHERE o.due_date >= %(end)s) AS current,
                   SUM(o.residual_since) AS beginning,
                   %(month_end_ar)s
                   SUM(o.balance) FILTER (WHERE o.balance > 0 AND o.date >= %(sales_from)s
                                            AND o.date >= %(countback_start)s) AS sales,
                   SUM(o.balance) FILTER (WHERE o.balance > 0 AND o.date >= %(start)s)
                       AS period_sales,
                   SUM(o.balance) FILTER (WHERE %(paid)s) AS paid_amount,
                   COUNT(*) FILTER (WHERE %(paid)s) AS paid_count,
                   SUM(o.balance * (o.paid_date - o.due_date)) FILTER (WHERE %(paid)s)
                       AS paid_dbt,
                   SUM(o.balance * (o.paid_date - o.invoice_date)) FILTER (WHERE %(paid)s)
                       AS paid_adp
              FROM (%(items)s) o
             GROUP BY o.grp, date_trunc('month', o.date)
            """,
            end=date_to, start=date_from, sales_from=sales_from,
            countback_start=countback_start,
            # the AR (total and current) at each month end inside the period
            month_end_ar=SQL("").join(
                SQL("""SUM(o.%(ar)s) AS %(ar)s,
                       SUM(o.%(ar)s) FILTER (WHERE o.due_date >= %(day)s) AS %(current)s, """,
                    ar=SQL.identifier(f"residual_end_{index}"), day=day,
                    current=SQL.identifier(f"current_end_{index}"))
                for index, day in enumerate(month_ends, 1)),
            # paid in full in the period (paid_date is set on reconciled items;
            # each is in the pass: open the day before the period, or sold in it)
            paid=SQL("o.balance > 0 AND o.paid_date BETWEEN %s AND %s", date_from, date_to),
            items=items(
                ("open_or_dated", begin, date_to, sales_from, tuple(month_ends)), "date",
                "due_date", "invoice_date", "balance", "paid_date", "residual_at",
                "residual_since",
                *(f"residual_end_{index}" for index in range(1, len(month_ends) + 1))))
        # No JIT compilation for this one query: PostgreSQL compiled about a
        # thousand functions for it (10 s at full scale, twice the query's own
        # time); set for the transaction (set_config(..., true) as SET LOCAL)
        # and put back right after.
        [(jit,)] = self.env.execute_query(SQL("SELECT current_setting('jit')"))
        self.env.execute_query(SQL("SELECT set_config('jit', 'off', true)"))
        rows = self.env.execute_query_dict(SQL(
            """
            WITH months AS (%(ar_sales)s),
            ar AS (
                SELECT grp, SUM(ending) AS ending, SUM(current) AS current,
                       SUM(beginning) AS beginning, SUM(period_sales) AS sales,
                       json_object_agg(month, sales) FILTER (WHERE sales IS NOT NULL)
                           AS monthly_sales,
                       json_object_agg(month, period_sales)
                           FILTER (WHERE period_sales IS NOT NULL) AS period_monthly_sales,
                       ARRAY[%(month_end_sums)s]::numeric[] AS month_end_ar,
                       SUM(paid_amount) AS paid_amount, SUM(paid_count)::integer AS paid_count,
                       SUM(paid_dbt) AS paid_dbt, SUM(paid_adp) AS paid_adp
                  FROM months GROUP BY grp
            ),
            grp AS (%(groups)s)
            SELECT grp.grp,
                   COALESCE(ar.ending, 0) AS ending_ar,
                   COALESCE(ar.current, 0) AS ending_current_ar,
                   COALESCE(ar.beginning, 0) AS beginning_ar,
                   COALESCE(ar.sales, 0) AS sales,
                   COALESCE(ar.paid_amount, 0) AS paid_amount,
                   COALESCE(ar.paid_count, 0) AS paid_count,
                   COALESCE(ar.paid_dbt, 0) AS paid_dbt,
                   COALESCE(ar.paid_adp, 0) AS paid_adp,
                   ar.monthly_sales, ar.period_monthly_sales, ar.month_end_ar
              FROM grp
              LEFT JOIN ar ON ar.grp = grp.grp
            """,
            groups=groups, ar_sales=ar_sales,
            # per month end: AR, current AR (a flat array, in order)
            month_end_sums=SQL(", ").join(
                SQL("SUM(%s)", SQL.identifier(f"{column}_end_{index}"))
                for index in range(1, len(month_ends) + 1)
                for column in ("residual", "current")),
        ))
        for row in rows:
            for key in ("ending_ar", "ending_current_ar", "beginning_ar", "sales",
                        "paid_amount", "paid_dbt", "paid_adp"):
                row[key] = float(row[key])
            for key in ("monthly_sales", "period_monthly_sales"):
                row[key] = {
                    month: float(value) for month, value in (row[key] or {}).items()}
            # [(AR, current AR)] at each month end of the period, the last one
            # the ending AR
            flat = [float(value or 0.0) for value in (row["month_end_ar"] or [])] \
                or [0.0] * (2 * len(month_ends))
            row["month_end_ar"] = [(flat[2 * index], flat[2 * index + 1])
                                   for index in range(len(month_ends))]
            row["month_end_ar"].append((row["ending_ar"], row["ending_current_ar"]))
        # the older months, for the groups whose AR the first months' sales do
        # not cover (the count-back goes on past them)
        if sales_from > countback_start:
            uncovered = {row["grp"]: row for row in rows if row["ending_ar"] > sum(
                value for value in row["monthly_sales"].values() if value > 0)}
            if uncovered:
                older = self.env.execute_query(monthly_sales(
                    countback_start, fields.Date.subtract(sales_from, days=1),
                    groups=uncovered if group_by else None))
                for grp, month, sales, _period_sales in older:
                    if sales:
                        monthly = uncovered[grp]["monthly_sales"]
                        key = month.isoformat()
                        monthly[key] = monthly.get(key, 0.0) + float(sales)
        self.env.execute_query(SQL("SELECT set_config('jit', %s, true)", jit))
        return rows
