from odoo import api, fields, models


class FactoringFundingOverride(models.TransientModel):
    """A credit manager lets a verified schedule be funded despite its funding
    problems (its client's availability; with factoring_limits, its client
    limit), with a reason. The rights and the rules are checked by
    factoring.schedule._factoring_override_funding."""

    _name = "factoring.funding.override"
    _description = "Override Funding Problems"

    schedule_id = fields.Many2one("factoring.schedule", required=True, readonly=True)
    problems = fields.Text(compute="_compute_problems", string="Funding Problems")
    reason = fields.Text(required=True)

    @api.depends("schedule_id")
    def _compute_problems(self):
        for wizard in self:
            wizard.problems = "\n".join(
                wizard.schedule_id._factoring_funding_problems()) if wizard.schedule_id else False

    def action_confirm(self):
        self.ensure_one()
        self.schedule_id._factoring_override_funding(self.reason)
        return {"type": "ir.actions.act_window_close"}
