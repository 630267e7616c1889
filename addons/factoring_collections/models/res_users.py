from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    factoring_promise_kept_ratio = fields.Float(
        string="Kept Promises (%)", compute="_compute_factoring_promise_kept_ratio",
        help="Share of the ended promises to pay of this collector that were kept in full.")

    def _compute_factoring_promise_kept_ratio(self):
        ratios = self.env["factoring.promise"]._kept_ratio("collector_id", self.ids)
        for user in self:
            user.factoring_promise_kept_ratio = ratios.get(user.id, (0.0, 0))[0]
