from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .common import check_supervisor


class FactoringDunningPolicy(models.Model):
    """A dunning policy: levels by days past due. The company's default policy
    applies to every debtor without one of its own; a debtor can be excluded."""

    _name = "factoring.dunning.policy"
    _description = "Dunning Policy"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    level_ids = fields.One2many("factoring.dunning.level", "policy_id", string="Levels",
                                copy=True)

    @api.model_create_multi
    def create(self, vals_list):
        check_supervisor(self.env, self.env._("create dunning policies"))
        return super().create(vals_list)

    def write(self, vals):
        check_supervisor(self.env, self.env._("change dunning policies"))
        return super().write(vals)

    def unlink(self):
        check_supervisor(self.env, self.env._("delete dunning policies"))
        return super().unlink()


class FactoringDunningLevel(models.Model):
    """A level of a dunning policy. An overdue item reaches the highest level
    whose days past due it has passed; it is sent a level only once, and only a
    higher level later (never the same one again)."""

    _name = "factoring.dunning.level"
    _description = "Dunning Level"
    _order = "policy_id, days, id"

    policy_id = fields.Many2one(
        "factoring.dunning.policy", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    name = fields.Char(required=True, translate=True)
    days = fields.Integer(string="Days Past Due", required=True,
                          help="Items this many days past due (or more) reach this level.")
    min_amount = fields.Monetary(
        string="Minimum Overdue Amount",
        help="The debtor's overdue amount (items no hold keeps from dunning) must reach this for the "
        "level to be sent.")
    channel_email = fields.Boolean(string="E-mail")
    mail_template_id = fields.Many2one(
        "mail.template", string="E-mail Template",
        domain="[('model', '=', 'factoring.dunning.communication')]",
        default=lambda self: self.env.ref(
            "factoring_collections.mail_template_dunning", raise_if_not_found=False))
    channel_letter = fields.Boolean(string="Letter")
    channel_call = fields.Boolean(string="Call Activity")
    channel_escalation = fields.Boolean(
        string="Escalation", help="The collections supervisor gets an activity on the debtor.")

    _days_uniq = models.Constraint(
        "UNIQUE(policy_id, days)", "Two levels of a policy cannot share their days past due.")

    @api.constrains("days", "min_amount", "channel_email", "mail_template_id", "channel_letter",
                    "channel_call", "channel_escalation")
    def _check_level(self):
        for level in self:
            if level.days < 1:
                raise ValidationError(self.env._(
                    "Level %(level)s of %(policy)s: days past due must be at least 1.",
                    level=level.name, policy=level.policy_id.name))
            if level.min_amount < 0:
                raise ValidationError(self.env._(
                    "Level %s: the minimum overdue amount cannot be negative.", level.name))
            if not (level.channel_email or level.channel_letter or level.channel_call
                    or level.channel_escalation):
                raise ValidationError(self.env._(
                    "Level %s needs at least one channel.", level.name))
            if level.channel_email and not level.mail_template_id:
                raise ValidationError(self.env._(
                    "Level %s sends e-mails: choose its e-mail template.", level.name))

    @api.model_create_multi
    def create(self, vals_list):
        check_supervisor(self.env, self.env._("create dunning levels"))
        return super().create(vals_list)

    def write(self, vals):
        check_supervisor(self.env, self.env._("change dunning levels"))
        return super().write(vals)

    def unlink(self):
        check_supervisor(self.env, self.env._("delete dunning levels"))
        return super().unlink()
