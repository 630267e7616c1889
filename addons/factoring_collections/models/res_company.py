from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    factoring_collections_supervisor_id = fields.Many2one(
        "res.users", string="Collections Supervisor",
        help="Receives escalated debtors (escalation rules that reassign) and "
        "the notifications of escalations.")
    factoring_dunning_policy_id = fields.Many2one(
        "factoring.dunning.policy", string="Default Dunning Policy",
        domain="[('company_id', '=', id)]",
        help="Applies to every debtor without a policy of its own.")
    factoring_dunning_last_run = fields.Date(
        string="Last Dunning Run", readonly=True, copy=False,
        help="Written at the start of every dunning run of the company: two runs "
        "that overlap write the same row, so the later one is retried with a "
        "fresh view of what the earlier one sent (see factoring.dunning.run._run).")
