def post_init_hook(env):
    """Companies already set up for factoring get their dispute write-off account."""
    companies = env["res.company"].search([("factoring_journal_id", "!=", False)])
    companies._factoring_dispute_setup_accounting()


def uninstall_hook(env):
    """Disputes are gone: the holds they set are lifted (archived, with their
    history), so that dunning and availability take the items again."""
    holds = env["factoring.item.hold"].sudo().with_context(active_test=False).search(
        [("source", "=", "dispute"), ("active", "=", True)])
    holds.write({"active": False, "lifted_date": env.cr.now(), "lifted_user_id": env.uid})
