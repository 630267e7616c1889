from odoo import api, models
from odoo.exceptions import UserError


class FactoringReadOnlyReport(models.AbstractModel):
    """Read-only for everyone, superuser included (the rows come from other
    records; they change only there)."""

    _name = "factoring.read.only.report"
    _description = "Factoring Read-Only Report"

    @api.model_create_multi
    def create(self, vals_list):
        self._factoring_refuse_change()
        return super().create(vals_list)

    def write(self, vals):
        self._factoring_refuse_change()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        self._factoring_refuse_change()

    def _factoring_refuse_change(self):
        raise UserError(self.env._("%s is a read-only report.", self._description))
