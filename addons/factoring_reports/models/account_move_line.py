from odoo import api, fields, models
from odoo.tools import SQL, create_index

from odoo.addons.factoring_base.models.factoring_guard import check_protected

# The partial index the aging and the KPIs find "reconciled after D" with, and
# the function that sums what was reconciled with a line after D (see
# AccountMoveLine.init); both dropped by the uninstall hook.
RECONCILED_SPAN_INDEX = "account_move_line_factoring_reconciled_span_index"
RECONCILED_AFTER_FUNCTION = "factoring_reconciled_after"
# Computed from the reconciliations only: never written by anyone (the ORM's
# recomputation does not go through write).
RECONCILE_DATE_FIELDS = ("factoring_first_reconcile_date", "factoring_last_reconcile_date")


class AccountMoveLine(models.Model):
    """The dates of a journal item's first and last partial reconciliation.

    A partial reconciliation counts from its ``max_date`` (the later of the two
    matched lines' dates), as in Odoo's own reports. Stored on the line so the
    aging as of a past date D and the KPIs find the items open at D, and the
    items paid in a period, by one index range instead of reading every
    reconciliation after D: an item is open at D when it is dated on or before D
    and is still open, or was last reconciled after D; its residual at D is its
    amount when it was first reconciled after D, its stored residual when it was
    last reconciled on or before D, and only in between (instalments straddling
    D) are its reconciliations read."""

    _inherit = "account.move.line"

    factoring_first_reconcile_date = fields.Date(
        string="First Reconciled On", compute="_compute_factoring_reconcile_dates",
        store=True, readonly=True, copy=False,
        help="Date of the item's first partial reconciliation (a payment, a credit "
        "note): until then it was open for its whole amount.")
    factoring_last_reconcile_date = fields.Date(
        string="Last Reconciled On", compute="_compute_factoring_reconcile_dates",
        store=True, readonly=True, copy=False,
        help="Date of the item's last partial reconciliation; for a paid item, the "
        "day it was paid in full.")

    @api.depends("matched_debit_ids.max_date", "matched_credit_ids.max_date")
    def _compute_factoring_reconcile_dates(self):
        # runs for the lines of a reconciliation (a few); a new database fills
        # the columns in one statement (fill_reconcile_dates, the pre-init hook)
        for line in self:
            dates = [d for d in (line.matched_debit_ids | line.matched_credit_ids)
                     .mapped("max_date") if d]
            line.factoring_first_reconcile_date = min(dates) if dates else False
            line.factoring_last_reconcile_date = max(dates) if dates else False

    @api.model_create_multi
    def create(self, vals_list):
        check_protected(self.browse(), vals_list, RECONCILE_DATE_FIELDS,
                        lambda vals: vals.get("name") or self._description)
        return super().create(vals_list)

    def write(self, vals):
        check_protected(self, [vals], RECONCILE_DATE_FIELDS,
                        lambda _vals: ", ".join(self.mapped("display_name")[:3]))
        return super().write(vals)

    def init(self):
        res = super().init()
        # "reconciled after D and dated on or before D": a range on the first
        # column, the second checked in the index. Only reconciled lines: the
        # open ones are found by Odoo's account_move_line_unreconciled_index.
        create_index(
            self.env.cr, RECONCILED_SPAN_INDEX, self._table,
            ["factoring_last_reconcile_date", "date"], where="reconciled")
        # What was reconciled with a line after a day (a debit line gets it
        # back, a credit line gives it back), in the company currency or the
        # line's. A function rather than a correlated subquery in the reports'
        # SQL: PostgreSQL runs a subquery of a row only in the leader process,
        # so a query holding one is neither read nor summed by parallel workers;
        # this one is declared PARALLEL SAFE (it only reads). It has a FROM, so
        # PostgreSQL does not inline it back into a subquery.
        self.env.cr.execute(SQL(
            """
            CREATE OR REPLACE FUNCTION %(name)s(line_id integer, day date, in_currency boolean)
            RETURNS numeric LANGUAGE sql STABLE PARALLEL SAFE AS $$
                SELECT COALESCE(SUM(CASE WHEN apr.debit_move_id = line_id
                                         THEN CASE WHEN in_currency THEN apr.debit_amount_currency
                                                   ELSE apr.amount END
                                         ELSE -CASE WHEN in_currency THEN apr.credit_amount_currency
                                                    ELSE apr.amount END
                                    END), 0)
                  FROM account_partial_reconcile apr
                 WHERE (apr.debit_move_id = line_id OR apr.credit_move_id = line_id)
                   AND apr.max_date > day
            $$
            """, name=SQL.identifier(RECONCILED_AFTER_FUNCTION)))
        return res


def fill_reconcile_dates(cr):
    """Add and fill the two date columns in one statement (installing on, or
    upgrading, a database with millions of items: the ORM would compute them
    line by line). The ORM then finds the columns and computes nothing."""
    cr.execute(SQL("""
        ALTER TABLE account_move_line
            ADD COLUMN IF NOT EXISTS factoring_first_reconcile_date date,
            ADD COLUMN IF NOT EXISTS factoring_last_reconcile_date date
    """))
    cr.execute(SQL("""
        UPDATE account_move_line l
           SET factoring_first_reconcile_date = x.first_date,
               factoring_last_reconcile_date = x.last_date
          FROM (SELECT y.id, MIN(y.max_date) AS first_date, MAX(y.max_date) AS last_date
                  FROM (SELECT debit_move_id AS id, max_date FROM account_partial_reconcile
                         UNION ALL
                        SELECT credit_move_id, max_date FROM account_partial_reconcile) y
                 GROUP BY y.id) x
         WHERE x.id = l.id
           AND (l.factoring_first_reconcile_date IS DISTINCT FROM x.first_date
                OR l.factoring_last_reconcile_date IS DISTINCT FROM x.last_date)
    """))
