from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

from odoo.addons.factoring_base.models.factoring_guard import check_groups

CREDIT_MANAGER_GROUP = "factoring_base.group_factoring_credit_manager"
SCOPES = [("client", "Client"), ("debtor", "Debtor"), ("pair", "Client x Debtor")]


class FactoringLimitRule(models.Model):
    """One band of the approval matrix: limits of a scope whose amount (in the
    company's currency) lies above ``amount_from`` and up to ``amount_to`` (no
    upper bound when 0) are approved by ``approvals_required`` distinct members of
    ``group_id``, none of them the requester or the proposer. Credit managers
    edit the matrix."""

    _name = "factoring.limit.rule"
    _description = "Limit Approval Rule"
    _inherit = ["mail.thread"]
    _order = "sequence, amount_from, id"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", index=True, tracking=True,
        help="Empty: the rule applies to every company (amounts in each company's currency).")
    scope = fields.Selection(
        SCOPES + [("all", "Any scope")], required=True, default="all", tracking=True)
    amount_from = fields.Float(
        string="Above", required=True, default=0.0, tracking=True,
        help="The rule covers limits strictly above this amount (company currency).")
    amount_to = fields.Float(
        string="Up to", default=0.0, tracking=True,
        help="The rule covers limits up to and including this amount; 0 means no upper bound.")
    group_id = fields.Many2one(
        "res.groups", string="Approved by", required=True, tracking=True, ondelete="restrict",
        help="Members of this group (or of a group implying it) approve.")
    band = fields.Char(
        compute="_compute_band",
        help="The limit amounts the rule covers, in the company's currency.")
    approvals_required = fields.Integer(
        string="Approvers", default=1, required=True, tracking=True,
        help="How many distinct approvers the limit needs.")

    @api.depends("amount_from", "amount_to")
    def _compute_band(self):
        for rule in self:
            low = formatLang(self.env, rule.amount_from)
            high = formatLang(self.env, rule.amount_to)
            if not rule.amount_to:
                rule.band = self.env._("above %s, no upper bound", low)
            elif not rule.amount_from:
                rule.band = self.env._("up to %s", high)
            else:
                rule.band = self.env._("above %(low)s up to %(high)s", low=low, high=high)

    @api.constrains("amount_from", "amount_to", "approvals_required")
    def _check_band(self):
        for rule in self:
            if rule.amount_from < 0 or rule.amount_to < 0:
                raise ValidationError(self.env._(
                    "Approval rule %s: the amounts cannot be negative.", rule.name))
            if rule.amount_to and rule.amount_to <= rule.amount_from:
                raise ValidationError(self.env._(
                    "Approval rule %(rule)s: 'Up to' (%(to)s) must be above 'Above' (%(from)s).",
                    rule=rule.name, to=rule.amount_to, **{"from": rule.amount_from}))
            if rule.approvals_required < 1:
                raise ValidationError(self.env._(
                    "Approval rule %s needs at least one approver.", rule.name))

    def _check_matrix_rights(self):
        check_groups(self.env, (CREDIT_MANAGER_GROUP,), self.env._("change the approval matrix"))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_matrix_rights()
        return super().create(vals_list)

    def write(self, vals):
        self._check_matrix_rights()
        return super().write(vals)

    def unlink(self):
        self._check_matrix_rights()
        return super().unlink()

    @api.model
    def _find_rule(self, company, scope, amount):
        """The band covering ``amount`` (company currency) for ``scope``: a rule of
        the company before a rule of every company, then by sequence."""
        rules = self.sudo().search([
            ("company_id", "in", [company.id, False]), ("scope", "in", [scope, "all"]),
            ("amount_from", "<", amount)])
        rules = rules.filtered(lambda r: not r.amount_to or amount <= r.amount_to)
        rules = rules.sorted(lambda r: (not r.company_id, r.scope == "all", r.sequence, r.id))
        return rules[:1]
