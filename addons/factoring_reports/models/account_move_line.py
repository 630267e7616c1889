from odoo import api, fields, models
from odoo.tools import SQL, create_index

# The partial index the aging and the KPIs find "reconciled after D" with (see
# AccountMoveLine.init); dropped by the uninstall hook with the columns.
RECONCILED_SPAN_INDEX = "account_move_line_factoring_reconciled_span_index"


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

    def init(self):
        res = super().init()
        # "reconciled after D and dated on or before D": a range on the first
        # column, the second checked in the index. Only reconciled lines: the
        # open ones are found by Odoo's account_move_line_unreconciled_index.
        create_index(
            self.env.cr, RECONCILED_SPAN_INDEX, self._table,
            ["factoring_last_reconcile_date", "date"], where="reconciled")
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
