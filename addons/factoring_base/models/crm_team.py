from odoo import api, fields, models
from odoo.exceptions import AccessError


class CrmTeam(models.Model):
    _inherit = "crm.team"

    is_factoring = fields.Boolean(
        string="Factoring Team",
        help="Opportunities won by this team make their customer a factoring client "
        "with a draft agreement. Other teams' opportunities behave as in plain CRM.")

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("is_factoring") for vals in vals_list):
            self._factoring_check_flag_right()
        return super().create(vals_list)

    def write(self, vals):
        if "is_factoring" in vals and any(
                team.is_factoring != bool(vals["is_factoring"]) for team in self):
            self._factoring_check_flag_right()
        return super().write(vals)

    def _factoring_check_flag_right(self):
        if not self.env.su and not self.env.user.has_group(
                "factoring_base.group_factoring_manager"):
            raise AccessError(self.env._(
                "Only factoring managers may make a sales team a factoring team or "
                "take the flag off (team: %(team)s).",
                team=", ".join(self.mapped("display_name")) or self.env._("new")))
