from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    factoring_cash_application = fields.Boolean(
        copy=False, readonly=True,
        help="Set on an entry that applies a debtor's money (a payment or an open "
        "credit already received) to factored receivable items. Such an entry "
        "counts as a payment for the discount fee, as a payment or a bank "
        "statement line does; reversals, credit notes and write-offs do not.")
