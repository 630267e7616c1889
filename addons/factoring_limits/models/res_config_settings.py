from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    factoring_limit_document_days = fields.Integer(
        related="company_id.factoring_limit_document_days", readonly=False)
    factoring_limit_document_amount = fields.Monetary(
        related="company_id.factoring_limit_document_amount", readonly=False,
        currency_field="currency_id")
    factoring_fund_without_limit = fields.Boolean(
        related="company_id.factoring_fund_without_limit", readonly=False)
    factoring_limit_warn_rating = fields.Selection(
        related="company_id.factoring_limit_warn_rating", readonly=False)
