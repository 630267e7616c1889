from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools.misc import formatLang

# Period of the DSO and DBT shown on the client's screen: the last 90 days.
FIGURE_PERIOD_DAYS = 90


class ResPartner(models.Model):
    _inherit = "res.partner"

    factoring_aging_html = fields.Html(
        string="Aging", compute="_compute_factoring_report_figures", sanitize=False,
        groups="factoring_base.group_factoring_user",
        help="Open items by days past due as of today (the client's factored items; "
        "for a debtor, all its items).")
    factoring_dso = fields.Float(
        string="DSO (90 days)", digits=(16, 1), compute="_compute_factoring_report_figures",
        groups="factoring_base.group_factoring_user",
        help="Days sales outstanding over the last 90 days: ending AR / sales x 90.")
    factoring_dbt = fields.Float(
        string="DBT (90 days)", digits=(16, 1), compute="_compute_factoring_report_figures",
        groups="factoring_base.group_factoring_user",
        help="Days beyond terms of the items paid in the last 90 days, amount-weighted.")
    factoring_kpi_detail = fields.Text(
        string="DSO and DBT, Computed From", compute="_compute_factoring_report_figures",
        groups="factoring_base.group_factoring_user",
        help="The formulas of the DSO and the DBT above with the partner's own inputs.")
    factoring_herfindahl = fields.Float(
        string="Herfindahl Index", digits=(16, 3), compute="_compute_factoring_report_figures",
        groups="factoring_base.group_factoring_user",
        help="Debtor concentration of a client's open items: the sum of the debtors' "
        "squared shares (1 = a single debtor).")

    @api.model
    def _factoring_figure_fields(self):
        return super()._factoring_figure_fields() + [
            ("factoring_figures_reports", "factoring_aging_html"),
            ("factoring_figures_reports", "factoring_dso"),
            ("factoring_figures_reports", "factoring_dbt"),
            ("factoring_figures_reports", "factoring_herfindahl"),
        ]

    @api.depends_context("allowed_company_ids")
    def _compute_factoring_report_figures(self):
        """The figures of the partner as a whole (a client: its factored items; a
        debtor: all its items), the same for every factoring role who opens the
        screen: computed as superuser within the user's companies, a few grouped
        queries for all the partners at once."""
        self.factoring_aging_html = self.factoring_kpi_detail = False
        self.factoring_dso = self.factoring_dbt = self.factoring_herfindahl = 0.0
        partners = self.filtered(lambda p: isinstance(p.id, int)
                                 and (p.is_factoring_client or p.is_factoring_debtor))
        if not partners:
            return
        companies = Domain("company_id", "in", self.env.companies.ids)
        clients = partners.filtered("is_factoring_client")
        debtors = partners - clients
        Aging = self.env["factoring.aging.report"].sudo().with_context(factoring_aging_date=False)
        labels = dict(Aging._selection_bucket())
        today = self.env.company._factoring_today()
        date_from = fields.Date.subtract(today, days=FIGURE_PERIOD_DAYS - 1)
        for field_name, group in (("client_id", clients), ("debtor_id", debtors)):
            if not group:
                continue
            domain = companies & Domain(field_name, "in", group.ids)
            buckets = {}
            for partner, bucket, residual in Aging._read_group(
                    domain, [field_name, "bucket"], ["residual:sum"]):
                buckets.setdefault(partner.id, {})[bucket] = residual
            Kpi = self.env["factoring.kpi"].sudo()
            kpis = {
                result["group"][0]: result
                for result in Kpi.get_kpis(
                    date_from, today, group_by=field_name, domain=list(domain))
                if result["group"]
            }
            for partner in group:
                partner.factoring_aging_html = partner._factoring_aging_table(
                    labels, buckets.get(partner.id, {}))
                result = kpis.get(partner.id, {})
                partner.factoring_dso = result.get("dso") or 0.0
                partner.factoring_dbt = result.get("dbt") or 0.0
                if result:
                    explained = Kpi._kpi_explain(result)
                    partner.factoring_kpi_detail = f"{explained['dso']}\n{explained['dbt']}"
        if clients:
            hhi = dict(self.env["factoring.concentration.report"].sudo()._read_group(
                companies & Domain("client_id", "in", clients.ids),
                ["client_id"], ["herfindahl:sum"]))
            for client in clients:
                client.factoring_herfindahl = hhi.get(client, 0.0)

    def _factoring_aging_table(self, labels, amounts):
        currency = self.env.company.currency_id
        cells = Markup("").join(
            Markup("<td class='text-end px-2'><div class='text-muted small'>%s</div>%s</td>") % (
                label, formatLang(self.env, amounts.get(key, 0.0), currency_obj=currency))
            for key, label in labels.items())
        return Markup("<table class='o_factoring_aging'><tr>%s</tr></table>") % cells
