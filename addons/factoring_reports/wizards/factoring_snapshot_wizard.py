from dateutil.relativedelta import relativedelta

from odoo import fields, models


def _last_month_end(wizard):
    return wizard.env.company._factoring_today().replace(day=1) - relativedelta(days=1)


class FactoringSnapshotWizard(models.TransientModel):
    _name = "factoring.snapshot.wizard"
    _description = "Factoring Snapshot Backfill"

    date_from = fields.Date(
        string="From Month", required=True,
        default=lambda self: _last_month_end(self) - relativedelta(months=5, day=1))
    date_to = fields.Date(string="To Month", required=True, default=_last_month_end)

    def action_backfill(self):
        """Take (or take again) the snapshots of the chosen months."""
        self.ensure_one()
        self.env["factoring.report.snapshot"].action_backfill(
            self.date_from, self.date_to, self.env.companies.ids)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_reports.action_factoring_report_snapshot")
