from odoo import models


class AccountAnalyticDistributionModel(models.Model):
    _inherit = "account.analytic.distribution.model"

    def _create_domain(self, fname, value):
        """Odoo 19 appends False, in place, to the partner_category_id list it is
        given, and that list belongs to the (frozen) cache key of
        account.move.line._compute_analytic_distribution: the key no longer
        equals the next item's, the cache never hits and every journal item
        searches the distribution models again (40 s of the funding of a
        10,000-invoice schedule). Hand it a copy; the domain is the same."""
        if fname == "partner_category_id" and isinstance(value, list):
            value = list(value)
        return super()._create_domain(fname, value)
