from odoo.tools import SQL

from .models.account_move_line import (
    RECONCILED_AFTER_FUNCTION,
    RECONCILED_SPAN_INDEX,
    fill_reconcile_dates,
)

# The index version 19.0.1.0.0 created on account_partial_reconcile.max_date
# (the aging read the reconciliations after D by their date): no longer used.
OLD_MAX_DATE_INDEX = "account_partial_reconcile_factoring_max_date_index"


def pre_init_hook(env):
    """Fill the lines' first and last reconciliation dates in one statement
    before the ORM sees the fields (it would compute them line by line)."""
    fill_reconcile_dates(env.cr)


def uninstall_hook(env):
    """Drop the indexes this addon created on other addons' tables and its SQL
    function. The date columns go with the fields (Odoo drops the columns of
    uninstalled fields)."""
    for name in (RECONCILED_SPAN_INDEX, OLD_MAX_DATE_INDEX):
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
    env.cr.execute(SQL("DROP FUNCTION IF EXISTS %s(integer, date, boolean)",
                       SQL.identifier(RECONCILED_AFTER_FUNCTION)))
