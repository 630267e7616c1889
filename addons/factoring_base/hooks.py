def post_init_hook(env):
    """Give every company that already has a chart of accounts the factoring
    journal and accounts, so funding works right after installation."""
    companies = env["res.company"].search([("chart_template", "!=", False)])
    companies._factoring_setup_accounting()
