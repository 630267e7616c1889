from odoo import fields, models
from odoo.exceptions import AccessError


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
        """General Settings' button (administrators; Factoring Managers use
        Factoring > Configuration > Settings)."""
        if not self.env.su and not (
                self.env.user.has_group("base.group_system")
                and self.env.user.has_group("factoring_base.group_factoring_manager")):
            raise AccessError(self.env._(
                "Only administrators who are Factoring Managers may create the factoring "
                "journal and accounts from the general settings."))
        self.company_id.sudo()._factoring_setup_accounting()
        return {"type": "ir.actions.client", "tag": "reload"}
