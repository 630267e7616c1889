from odoo.tools import SQL


def post_init_hook(env):
    """Companies already set up for factoring get their dispute write-off account."""
    companies = env["res.company"].search([("factoring_journal_id", "!=", False)])
    companies._factoring_dispute_setup_accounting()


def uninstall_hook(env):
    """Disputes are gone: the holds they set are lifted (archived, with their
    history), so that dunning and availability take the items again; then the
    disputes are deleted (their lines and resolutions with them), before Odoo
    removes the stages and reasons they refer to. Their accounting documents
    stay: they are the company's books."""
    holds = env["factoring.item.hold"].sudo().search(
        [("source", "=", "dispute"), ("active", "=", True)])
    holds.write({"active": False, "lifted_date": env.cr.now(), "lifted_user_id": env.uid})
    env.flush_all()
    env.cr.execute(SQL("DELETE FROM factoring_dispute"))
    env.invalidate_all()
