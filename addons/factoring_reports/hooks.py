from odoo.tools import SQL


def uninstall_hook(env):
    """Drop the index the aging report created on another addon's table
    (``account_partial_reconcile.max_date``, see the aging report's ``init``)."""
    env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(
        "account_partial_reconcile_factoring_max_date_index")))
