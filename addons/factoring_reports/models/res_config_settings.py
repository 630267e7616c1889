from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    factoring_aging_bound_1 = fields.Integer(
        related="company_id.factoring_aging_bound_1", readonly=False)
    factoring_aging_bound_2 = fields.Integer(
        related="company_id.factoring_aging_bound_2", readonly=False)
    factoring_aging_bound_3 = fields.Integer(
        related="company_id.factoring_aging_bound_3", readonly=False)
    factoring_aging_bound_4 = fields.Integer(
        related="company_id.factoring_aging_bound_4", readonly=False)
    factoring_adoption_baseline_weeks = fields.Integer(
        related="company_id.factoring_adoption_baseline_weeks", readonly=False)
    factoring_adoption_share = fields.Float(
        related="company_id.factoring_adoption_share", readonly=False)
    factoring_adoption_manager_id = fields.Many2one(
        related="company_id.factoring_adoption_manager_id", readonly=False)
    factoring_no_contact_days = fields.Integer(
        related="company_id.factoring_no_contact_days", readonly=False)
