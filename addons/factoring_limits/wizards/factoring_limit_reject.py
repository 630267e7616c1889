from odoo import fields, models


class FactoringLimitReject(models.TransientModel):
    _name = "factoring.limit.reject"
    _description = "Reject a Limit"

    limit_id = fields.Many2one("factoring.limit", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        return self.limit_id.action_reject(self.reason)
