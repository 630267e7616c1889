from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def try_loading(self, template_code, company, install_demo=False, force_create=True):
        """A company that gets its chart of accounts after this module was
        installed gets the factoring journal and accounts too; its branches
        (which the chart loading recurses into) share the root's."""
        result = super().try_loading(
            template_code, company, install_demo=install_demo, force_create=force_create)
        if company:
            company_id = company if isinstance(company, int) else company.id
            # the registry may have been reloaded (a localisation installed)
            companies = self.env["res.company"].sudo().search([("id", "child_of", company_id)])
            companies.filtered("chart_template")._factoring_setup_accounting()
        return result
