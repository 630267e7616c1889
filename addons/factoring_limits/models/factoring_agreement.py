from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FactoringAgreement(models.Model):
    _inherit = "factoring.agreement"

    ineligibility_days = fields.Integer(
        string="Ineligible after (days)", default=90, tracking=True,
        help="Open items older than this many days since their invoice date are not "
        "eligible for funding availability.")
    cross_age_percent = fields.Float(
        string="Cross-age (%)", default=10.0, tracking=True, digits=(5, 2),
        help="When more than this share of the client's balance on a debtor is ineligible "
        "by age, all of that debtor's items are ineligible. 0: no cross-age rule.")

    @api.constrains("ineligibility_days", "cross_age_percent")
    def _check_eligibility_terms(self):
        for agreement in self:
            if agreement.ineligibility_days <= 0:
                raise ValidationError(self.env._(
                    "Agreement %s: the ineligibility age must be a positive number of days.",
                    agreement.display_name))
            if not 0 <= agreement.cross_age_percent <= 100:
                raise ValidationError(self.env._(
                    "Agreement %s: the cross-age share must be between 0 and 100.",
                    agreement.display_name))
