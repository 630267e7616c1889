from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    factoring_dispute_writeoff_account_id = fields.Many2one(
        related="company_id.factoring_dispute_writeoff_account_id", readonly=False)
    factoring_dispute_escalation_days = fields.Integer(
        related="company_id.factoring_dispute_escalation_days", readonly=False)
    factoring_dispute_credit_note_group_ids = fields.Many2many(
        related="company_id.factoring_dispute_credit_note_group_ids", readonly=False)
    factoring_dispute_recourse_group_ids = fields.Many2many(
        related="company_id.factoring_dispute_recourse_group_ids", readonly=False)
