from odoo import fields, models

from odoo.addons.factoring_base.models.res_partner import RATINGS


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
    factoring_fund_without_limit = fields.Boolean(
        string="Fund Debtors Without an Approved Limit",
        help="Off (the default): a schedule line on a debtor with neither an active debtor "
        "limit nor an active client x debtor limit fails verification and funding, and "
        "its open items are not eligible for availability. On: such a debtor is not "
        "limited.")
    factoring_limit_warn_rating = fields.Selection(
        RATINGS, string="Warn Proposals on Debtors Rated Below", default="b",
        help="Proposing a limit on a debtor (or client) whose internal rating is worse than "
        "this grade shows a warning on the limit and in its chatter; it does not block "
        "the proposal. Empty: no warning.")
