from odoo import api, fields, models
from odoo.tools import SQL

from ..models.account_move_line import RECONCILED_AFTER_FUNCTION

# Where every report of this addon reads receivable items from: posted lines
# on receivable accounts, factored (client set) or own invoices alike. The
# debtor is the commercial partner; collector and sector are the debtor's, the
# client manager is the client's (the debtor's for own invoices).
ITEM_FROM = SQL("""
    account_move_line l
    JOIN account_account acc ON acc.id = l.account_id
    JOIN account_move m ON m.id = l.move_id
    LEFT JOIN res_partner p0 ON p0.id = l.partner_id
    LEFT JOIN res_partner d ON d.id = COALESCE(p0.commercial_partner_id, p0.id)
    LEFT JOIN res_partner c ON c.id = l.factoring_client_id
    LEFT JOIN factoring_schedule_line sl ON sl.id = l.factoring_schedule_line_id
""")
ITEM_WHERE = SQL("acc.account_type = 'asset_receivable' AND l.parent_state = 'posted'")
ITEM_COLUMNS = SQL("""
    l.id AS move_line_id,
    l.move_id AS move_id,
    l.company_id AS company_id,
    l.company_currency_id AS company_currency_id,
    l.currency_id AS currency_id,
    l.account_id AS account_id,
    d.id AS debtor_id,
    l.factoring_client_id AS client_id,
    d.factoring_collector_id AS collector_id,
    COALESCE(c.factoring_client_manager_id, d.factoring_client_manager_id)
        AS client_manager_id,
    d.factoring_sector_id AS sector_id,
    c.factoring_sector_id AS client_sector_id,
    l.factoring_client_id IS NOT NULL AS is_factored,
    COALESCE(sl.invoice_number, m.name) AS name,
    l.date AS date,
    COALESCE(sl.invoice_date, m.invoice_date, l.date) AS invoice_date,
    COALESCE(l.date_maturity, sl.due_date, m.invoice_date_due, l.date) AS due_date
""")



def open_at(day, since=()):
    """SQL condition on the journal items ``l``: those that can be open at the
    end of ``day`` (or of any of ``since``, earlier days): dated on or before
    it, and open now (Odoo's partial index ``account_move_line_unreconciled_index``,
    predicate "reconciled IS NOT TRUE") or last reconciled after it (this
    addon's index on the last reconciliation date and the date of reconciled
    lines, one range per day). As of today the second finds nothing."""
    condition = SQL(
        """(l.date <= %(day)s
            AND (l.reconciled IS NOT TRUE
                 OR (l.reconciled AND l.factoring_last_reconcile_date > %(day)s)))""",
        day=day)
    for earlier in since:
        condition = SQL(
            """(%s OR (l.reconciled AND l.factoring_last_reconcile_date > %s
                        AND l.date <= %s))""", condition, earlier, earlier)
    return condition


def residual_at(day, currency=False):
    """SQL of the residual of the journal item ``l`` at the end of ``day`` (in
    the company currency, or the item's currency): its amount minus the partial
    reconciliations dated (``max_date``) on or before the day. Read from the
    line alone unless reconciliations fall on both sides of the day:

    - first reconciled after the day (or never): its whole amount;
    - last reconciled on or before it: its stored residual (Odoo's
      ``amount_residual``, the amount minus every partial reconciliation);
    - otherwise (instalments straddling the day): the stored residual plus what
      was reconciled with it after the day, from that line's reconciliations
      (the ``factoring_reconciled_after`` function, see account.move.line).

    Right for every line, not only the candidates of ``open_at``."""
    amount, residual = (("amount_currency", "amount_residual_currency") if currency
                        else ("balance", "amount_residual"))
    return SQL(
        """CASE WHEN l.factoring_first_reconcile_date IS NULL
                     OR l.factoring_first_reconcile_date > %(day)s THEN l.%(amount)s
                WHEN l.factoring_last_reconcile_date <= %(day)s THEN l.%(residual)s
                ELSE l.%(residual)s + %(after)s(l.id, %(day)s, %(currency)s)
           END""",
        day=day, amount=SQL.identifier(amount), residual=SQL.identifier(residual),
        after=SQL.identifier(RECONCILED_AFTER_FUNCTION), currency=bool(currency))


class FactoringItemReport(models.Model):
    """Every posted receivable item, open or paid, with the attributes the
    reports group by. The KPI API computes over the items this model lets the
    caller read (its record rules define each role's portfolio)."""

    _name = "factoring.item.report"
    _inherit = ["factoring.read.only.report"]
    _description = "Factoring Receivable Item"
    _auto = False
    _order = "date desc, id desc"
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
    balance = fields.Monetary(
        string="Amount", currency_field="company_currency_id", readonly=True,
        help="Signed amount in the company currency (credits negative).")
    amount_residual = fields.Monetary(
        string="Open Amount", currency_field="company_currency_id", readonly=True)
    reconciled = fields.Boolean(string="Paid", readonly=True)
    paid_date = fields.Date(
        readonly=True, help="Date of the last reconciliation of a paid item.")
    days_to_pay = fields.Integer(
        string="Days to Pay", aggregator="avg", readonly=True,
        help="Paid items: last reconciliation date - invoice date.")
    days_beyond_terms = fields.Integer(
        aggregator="avg", readonly=True,
        help="Paid items: last reconciliation date - due date (negative when early).")

    _depends = {
        "account.move.line": [
            "move_id", "company_id", "currency_id", "account_id", "partner_id",
            "factoring_client_id", "factoring_schedule_line_id", "date", "date_maturity",
            "balance", "amount_residual", "reconciled", "parent_state",
            "factoring_first_reconcile_date", "factoring_last_reconcile_date",
        ],
        "account.partial.reconcile": [
            "debit_move_id", "credit_move_id", "max_date", "amount",
        ],
        "res.partner": [
            "commercial_partner_id", "factoring_collector_id", "factoring_client_manager_id",
            "factoring_sector_id",
        ],
    }

    @property
    def _table_query(self):
        scope = self.env.context.get("factoring_item_scope")
        open_scope = bool(scope) and scope[0] == "open_or_dated"
        paid_date = SQL("CASE WHEN l.reconciled THEN l.factoring_last_reconcile_date END")
        # the residual at each of the scope's month ends (residual_end_1, ...)
        month_ends = SQL("").join(
            SQL("CASE WHEN l.date <= %s THEN %s END AS %s, ", day, residual_at(day),
                SQL.identifier(f"residual_end_{index}"))
            for index, day in enumerate(scope[4] if open_scope and len(scope) > 4 else (), 1))
        return SQL(
            """
            SELECT l.id AS id,
                   %(columns)s,
                   l.balance AS balance,
                   l.amount_residual AS amount_residual,
                   %(residual_at)s AS residual_at,
                   %(residual_since)s AS residual_since,
                   %(month_ends)s
                   l.reconciled AS reconciled,
                   %(paid_date)s AS paid_date,
                   %(paid_date)s - COALESCE(sl.invoice_date, m.invoice_date, l.date)
                       AS days_to_pay,
                   %(paid_date)s - COALESCE(l.date_maturity, sl.due_date,
                                            m.invoice_date_due, l.date)
                       AS days_beyond_terms
              FROM %(from_)s
             WHERE %(where)s AND %(scope)s
            """,
            columns=ITEM_COLUMNS, from_=ITEM_FROM, where=ITEM_WHERE, paid_date=paid_date,
            # the KPIs' AR: the residual at the "open_or_dated" scope's last day, and
            # at its first day (when given) of the items dated by then
            residual_at=(residual_at(scope[2]) if open_scope else SQL("NULL::numeric")),
            residual_since=(
                SQL("CASE WHEN l.date <= %s THEN %s END", scope[1], residual_at(scope[1]))
                if open_scope and scope[1] else SQL("NULL::numeric")),
            month_ends=month_ends, scope=self._factoring_item_scope(scope),
        )

    @api.model
    def _factoring_item_scope(self, scope):
        """A condition on the lines ``l`` that keeps only those a KPI input can
        need (context key ``factoring_item_scope``, the KPI API's; none: every
        item). Filtering the lines before the partners are joined is what makes
        the KPIs read a few candidates instead of the whole ledger:

        - ``("open_or_dated", D1, D2, D0[, (M1, ..., Mn)])``: the items that
          can be open at D2, at D1 or at any of the days M1..Mn between them
          (``open_at``), and the positive items dated D0 to D2 (D0 on or
          before D1's next day); the ``residual_at`` column is then the
          residual at D2, ``residual_since`` the residual at D1 (of the items
          dated by then) and ``residual_end_1`` .. ``residual_end_n`` those at
          M1..Mn. An item paid in full after D1 and by D2 is among them: dated
          by D1 it was open at D1, dated later it is dated from D0 (the KPIs'
          AR at every month end, sales and paid items in one pass);
        - ``("dated", D1, D2)``: dated D1 (None: any) to D2.
        """
        if not scope:
            return SQL("TRUE")
        kind, date_from, date_to, *more = scope
        if kind == "open_or_dated":
            month_ends = tuple(more[1]) if len(more) > 1 else ()
            return SQL("(%s OR (l.balance > 0 AND l.date BETWEEN %s AND %s))",
                       open_at(date_to, since=(date_from, *month_ends)), more[0], date_to)
        if kind == "dated":
            if date_from:
                return SQL("l.date BETWEEN %s AND %s", date_from, date_to)
            return SQL("l.date <= %s", date_to)
        raise ValueError(scope)
