from odoo import fields, models


class FactoringDisputeReason(models.Model):
    """Why a debtor disputes an invoice (reason code), with its service level:
    a dispute's deadline is its opening day plus the reason's SLA days, and the
    reason's default owner and team take new disputes of that reason."""

    _name = "factoring.dispute.reason"
    _description = "Dispute Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    sla_days = fields.Integer(
        string="SLA (days)", default=10, required=True,
        help="Days from the opening of a dispute to its deadline.")
    user_id = fields.Many2one(
        "res.users", string="Default Owner",
        help="Owner of new disputes of this reason when the debtor has no collector.")
    team_id = fields.Many2one("crm.team", string="Default Team")
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use the reason in every company.")
    active = fields.Boolean(default=True)

    _code_uniq = models.Constraint("UNIQUE(code, company_id)",
                                   "A reason code must be unique per company.")
    _sla_positive = models.Constraint("CHECK(sla_days >= 0)",
                                      "The SLA of a reason cannot be negative.")
