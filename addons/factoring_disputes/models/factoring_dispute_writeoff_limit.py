from odoo import fields, models


class FactoringDisputeWriteoffLimit(models.Model):
    """Who may write disputed amounts off, and up to how much per dispute line
    resolution (in company currency). A user's allowance is the highest limit
    of their groups; without any limit the user may not write off at all. Above
    the allowance a write-off waits for a collections supervisor's approval."""

    _name = "factoring.dispute.writeoff.limit"
    _description = "Dispute Write-off Allowance"
    _order = "company_id, amount"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    group_id = fields.Many2one("res.groups", string="Role", required=True, ondelete="cascade")
    amount = fields.Monetary(string="Allowance", required=True,
                             help="Highest amount this role writes off without approval.")

    _group_company_uniq = models.Constraint(
        "UNIQUE(company_id, group_id)", "A role has one write-off allowance per company.")
    _amount_positive = models.Constraint(
        "CHECK(amount >= 0)", "A write-off allowance cannot be negative.")
