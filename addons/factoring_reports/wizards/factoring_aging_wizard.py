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

    def _factoring_check_reader(self):
        if not self.env.user.has_group("factoring_base.group_factoring_user"):
            raise AccessError(self.env._("Only factoring users may read the aging."))

    def action_print(self):
        """The aging as of the wizard's date as a PDF, grouped by debtor."""
        self.ensure_one()
        self._factoring_check_reader()
        return self.env.ref("factoring_reports.action_report_factoring_aging").report_action(self)

    def _factoring_report_data(self):
        """Per debtor (the rows the user may read): the bucket sums as of the
        date, the totals and the bucket labels; one grouped query."""
        self.ensure_one()
        self._factoring_check_reader()
        aging = self.env["factoring.aging.report"].with_context(
            factoring_aging_date=fields.Date.to_string(self.date))
        buckets = ["amount_b0", "amount_b1", "amount_b2", "amount_b3", "amount_b4",
                   "amount_b5"]
        groups = aging._read_group(
            [], ["debtor_id"], [f"{b}:sum" for b in buckets] + ["residual:sum", "__count"],
            order="debtor_id")
        lines = [{
            "debtor": debtor.display_name if debtor else self.env._("(no partner)"),
            "buckets": list(values[:6]), "total": values[6], "count": values[7],
        } for debtor, *values in groups]
        totals = [sum(line["buckets"][i] for line in lines) for i in range(6)]
        return {
            "labels": [label for _key, label in aging._selection_bucket()],
            "lines": lines,
            "totals": totals,
            "total": sum(totals),
            "currency": self.env.company.currency_id,
        }

    def action_open(self):
        """Open the aging report as of the chosen date (pivot, graph, list)."""
        self.ensure_one()
        self._factoring_check_reader()
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

