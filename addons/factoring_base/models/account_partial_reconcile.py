from odoo import models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def unlink(self):
        # Every unmatching (Unreconcile, a payment reset to draft or cancelled,
        # removing a payment from an item) deletes partials: a factored item
        # that was paid and is open again is no longer paid, its fee goes back.
        items = (self.debit_move_id | self.credit_move_id).filtered(
            lambda rec: rec.factoring_schedule_line_id.paid_date)
        res = super().unlink()
        if items:
            items._factoring_undo_fees()
        return res
