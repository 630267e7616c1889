from odoo.tools import sql


def pre_init_hook(env):
    """Create the stored "on hold" flag of journal items as a plain column (all
    false: no item is held yet), so that installing does not compute it item by
    item over the whole ledger."""
    if not sql.column_exists(env.cr, "account_move_line", "factoring_on_hold"):
        sql.create_column(env.cr, "account_move_line", "factoring_on_hold", "boolean")


def post_init_hook(env):
    """Give every company that already has a chart of accounts the factoring
    journal and accounts, so funding works right after installation."""
    companies = env["res.company"].search([("chart_template", "!=", False)])
    companies._factoring_setup_accounting()
