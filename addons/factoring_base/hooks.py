from odoo.tools import sql

# The stored hold flags of journal items (account.move.line).
HOLD_COLUMNS = ("factoring_on_hold", "factoring_dunning_hold", "factoring_ineligible_hold")


def create_hold_columns(cr):
    """Create the hold flags of journal items as plain columns (empty: no item
    is held), so that Odoo does not compute them item by item over the whole
    ledger. :return: the columns created."""
    created = []
    for column in HOLD_COLUMNS:
        if not sql.column_exists(cr, "account_move_line", column):
            sql.create_column(cr, "account_move_line", column, "boolean")
            created.append(column)
    return created


def pre_init_hook(env):
    """Create the stored hold flags of journal items before installing (no item
    is held yet)."""
    create_hold_columns(env.cr)


def post_init_hook(env):
    """Give every company that already has a chart of accounts the factoring
    journal and accounts, so funding works right after installation."""
    companies = env["res.company"].search([("chart_template", "!=", False)])
    companies._factoring_setup_accounting()
