from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    factoring_journal_id = fields.Many2one(
        related="company_id.factoring_journal_id", readonly=False)
    factoring_receivable_account_id = fields.Many2one(
        related="company_id.factoring_receivable_account_id", readonly=False)
    factoring_client_account_id = fields.Many2one(
        related="company_id.factoring_client_account_id", readonly=False)
    factoring_advance_account_id = fields.Many2one(
        related="company_id.factoring_advance_account_id", readonly=False)
    factoring_fee_account_id = fields.Many2one(
        related="company_id.factoring_fee_account_id", readonly=False)

    def action_factoring_setup_accounting(self):
        self.company_id._factoring_setup_accounting()
        return {"type": "ir.actions.client", "tag": "reload"}
