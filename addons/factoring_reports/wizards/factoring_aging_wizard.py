from odoo import fields, models
from odoo.exceptions import AccessError


class FactoringAgingWizard(models.TransientModel):
    _name = "factoring.aging.wizard"
    _description = "Factoring Aging As Of"

    date = fields.Date(string="As of", required=True, default=fields.Date.context_today)
    group_by = fields.Selection([
        ("debtor_id", "Debtor"),
        ("client_id", "Client"),
        ("collector_id", "Collector"),
        ("client_manager_id", "Client Manager"),
        ("sector_id", "Debtor Sector"),
        ("company_id", "Company"),
        ("currency_id", "Currency"),
    ], required=True, default="debtor_id")

    def action_open(self):
        """Open the aging report as of the chosen date (pivot, graph, list)."""
        self.ensure_one()
        if not self.env.user.has_group("factoring_base.group_factoring_user"):
            raise AccessError(self.env._("Only factoring users may read the aging."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_reports.action_factoring_aging_report")
        action["name"] = self.env._("Aging as of %s", fields.Date.to_string(self.date))
        action["context"] = {
            "factoring_aging_date": fields.Date.to_string(self.date),
            "pivot_row_groupby": [self.group_by],
            "pivot_column_groupby": ["bucket"],
            "pivot_measures": ["residual"],
            "graph_groupbys": [self.group_by, "bucket"],
        }
        return action

