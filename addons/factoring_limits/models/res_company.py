from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    factoring_limit_document_days = fields.Integer(
        string="Warn of Expiring Credit Documents (days)", default=30,
        help="Credit documents expiring within this many days give their analyst an activity.")
    factoring_limit_document_amount = fields.Monetary(
        string="Debtor Limits Needing Financials Above", currency_field="currency_id",
        default=250000.0,
        help="Approving a debtor limit above this amount needs a valid agency report or "
        "financial statements of the debtor. 0: never required.")
