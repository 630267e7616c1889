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
