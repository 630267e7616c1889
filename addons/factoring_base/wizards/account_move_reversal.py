from odoo import models


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    def reverse_moves(self, is_modify=False):
        # Refuse funding entries up front, before Odoo unmatches anything; the
        # entry's own create/write guards stay the backstop for other paths.
        self.move_ids._factoring_check_funding_change()
        return super().reverse_moves(is_modify=is_modify)
