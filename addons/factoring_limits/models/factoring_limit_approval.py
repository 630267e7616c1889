from odoo import fields, models


class FactoringLimitApproval(models.Model):
    """One approval of a limit version: who, when, under which rule. Written
    only by ``factoring.limit.action_approve`` (as superuser); read by every
    factoring role as part of the limit's history."""

    _name = "factoring.limit.approval"
    _description = "Limit Approval"
    _order = "date, id"

    limit_id = fields.Many2one(
        "factoring.limit", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="limit_id.company_id", store=True, index=True)
    user_id = fields.Many2one("res.users", string="Approver", required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    rule_id = fields.Many2one("factoring.limit.rule", string="Rule", readonly=True)
    note = fields.Char(readonly=True)

    _user_limit_uniq = models.Constraint(
        "UNIQUE(limit_id, user_id)", "A user approves a limit version once.")
