from dateutil.relativedelta import relativedelta

from odoo import Command, fields, models

from ..models.factoring_kpi import KPI_FIGURES

# API key -> factoring.kpi.line field where they differ
LINE_FIELD = {"add": "add_days"}


def _default_date_from(wizard):
    today = wizard.env.company._factoring_today()
    return today.replace(day=1) - relativedelta(months=3)


def _default_date_to(wizard):
    return wizard.env.company._factoring_today().replace(day=1) - relativedelta(days=1)


class FactoringKpiWizard(models.TransientModel):
    """Shows the KPI API's figures for a period in a list and a graph."""

    _name = "factoring.kpi.wizard"
    _description = "Factoring KPIs of a Period"

    date_from = fields.Date(string="From", required=True, default=_default_date_from)
    date_to = fields.Date(string="To", required=True, default=_default_date_to)
    group_by = fields.Selection([
        ("portfolio", "Portfolio"),
        ("client_id", "Client"),
        ("debtor_id", "Debtor"),
        ("collector_id", "Collector"),
        ("client_manager_id", "Client Manager"),
        ("sector_id", "Debtor Sector"),
        ("company_id", "Company"),
    ], string="Per", required=True, default="portfolio")
    factored_only = fields.Boolean(
        string="Factored Items Only", help="Leave the company's own invoices out.")
    line_ids = fields.One2many("factoring.kpi.line", "wizard_id", readonly=True)

    def action_compute(self):
        self.ensure_one()
        group_by = False if self.group_by == "portfolio" else self.group_by
        domain = [("is_factored", "=", True)] if self.factored_only else []
        # get_kpis checks the caller's rights and applies their portfolio rules
        results = self.env["factoring.kpi"].get_kpis(
            self.date_from, self.date_to, group_by=group_by, domain=domain)
        self.line_ids.unlink()
        Kpi = self.env["factoring.kpi"]
        month_fields = ("date_from", "date_to", "beginning_ar", "sales", "ending_ar",
                        "ending_current_ar", "collected", "collectible")
        self.env["factoring.kpi.line"].create([{
            "wizard_id": self.id,
            "sequence": index,
            "name": result["group"][1] if result["group"] else (
                self.env._("Portfolio") if not group_by else self.env._("None")),
            "res_id": result["group"][0] if result["group"] else False,
            **{key: result[key] for key in (
                "days", "beginning_ar", "ending_ar", "ending_current_ar", "sales",
                "paid_amount", "paid_count")},
            **{LINE_FIELD.get(key, key): result[key] or 0.0 for key in KPI_FIGURES},
            **{f"{LINE_FIELD.get(key, key)}_defined": result[key] is not False
               for key in KPI_FIGURES},
            # each figure's formula and inputs, from the same result
            **{f"{LINE_FIELD.get(key, key)}_detail": text
               for key, text in Kpi._kpi_explain(result).items()},
            "cei_month_ids": [Command.create({
                **{key: month[key] for key in month_fields},
                "cei": month["cei"] or 0.0, "cei_defined": month["cei"] is not False,
            }) for month in result["cei_months"]],
        } for index, result in enumerate(results)])
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("KPIs %(start)s - %(end)s", start=self.date_from, end=self.date_to),
            "res_model": "factoring.kpi.line",
            "view_mode": "list,graph,pivot,form",
            "domain": [("wizard_id", "=", self.id)],
            "context": {"create": False, "edit": False, "delete": False},
        }
