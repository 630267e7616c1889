from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.factoring_base.models.factoring_guard import check_groups
from odoo.addons.factoring_base.models.res_company_day import factoring_today

ANALYST_GROUP = "factoring_base.group_factoring_credit_analyst"


class FactoringCreditInsurance(models.Model):
    """Credit insurance cover of a debtor: insurer, policy, insured amount,
    cover %, validity. The insured exposure is min(exposure, insured amount) x
    cover %; the rest is uninsured."""

    _name = "factoring.credit.insurance"
    _description = "Credit Insurance"
    _inherit = ["mail.thread"]
    _order = "date_to desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Debtor", required=True, index=True, tracking=True,
        domain="[('is_factoring_debtor', '=', True)]", check_company=True, ondelete="restrict")
    insurer_id = fields.Many2one("res.partner", string="Insurer", required=True, tracking=True)
    policy_number = fields.Char(string="Policy", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id)
    insured_amount = fields.Monetary(required=True, tracking=True)
    cover_percent = fields.Float(string="Cover (%)", default=90.0, tracking=True)
    date_from = fields.Date(required=True, default=factoring_today, tracking=True)
    date_to = fields.Date(required=True, tracking=True)
    is_valid = fields.Boolean(compute="_compute_is_valid", string="Valid Today")

    @api.depends("date_from", "date_to")
    def _compute_is_valid(self):
        today = self.env.company._factoring_today()
        for cover in self:
            cover.is_valid = cover.date_from <= today <= cover.date_to

    @api.depends("partner_id", "policy_number")
    def _compute_display_name(self):
        for cover in self:
            cover.display_name = f"{cover.policy_number or ''} - {cover.partner_id.name or ''}"

    @api.constrains("insured_amount", "cover_percent", "date_from", "date_to")
    def _check_values(self):
        for cover in self:
            if cover.insured_amount <= 0:
                raise ValidationError(self.env._(
                    "Insurance %s: the insured amount must be positive.", cover.display_name))
            if not 0 < cover.cover_percent <= 100:
                raise ValidationError(self.env._(
                    "Insurance %s: the cover must be between 0 and 100 %%.", cover.display_name))
            if cover.date_to < cover.date_from:
                raise ValidationError(self.env._(
                    "Insurance %s: it ends before it starts.", cover.display_name))

    def _check_rights(self):
        check_groups(self.env, (ANALYST_GROUP,), self.env._("manage credit insurance"))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_rights()
        return super().create(vals_list)

    def write(self, vals):
        self._check_rights()
        return super().write(vals)

    def unlink(self):
        self._check_rights()
        return super().unlink()

    @api.model
    def _insured_amounts(self, company, debtor_ids, day=None):
        """{debtor id: (insured amount, cover %)} of the covers valid on ``day``,
        in the company's currency (several covers add up; the cover % is the
        amount-weighted one)."""
        day = day or company._factoring_today()
        covers = self.sudo().search([
            ("company_id", "=", company.id), ("partner_id", "in", list(debtor_ids)),
            ("date_from", "<=", day), ("date_to", ">=", day)])
        result = {}
        for cover in covers:
            amount = cover.currency_id._convert(
                cover.insured_amount, company.currency_id, company, day)
            total, weighted = result.get(cover.partner_id.id, (0.0, 0.0))
            result[cover.partner_id.id] = (total + amount, weighted + amount * cover.cover_percent)
        return {debtor: (total, weighted / total if total else 0.0)
                for debtor, (total, weighted) in result.items()}
