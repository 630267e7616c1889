from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _load(self, template_code, company, install_demo, force_create=True):
        """A company that gets its chart of accounts after this module was
        installed gets the factoring journal and accounts too."""
        result = super()._load(template_code, company, install_demo, force_create)
        self.env["res.company"].browse(company.id)._factoring_setup_accounting()
        return result
