from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_date

from .factoring_guard import check_protected

MANAGER_GROUP = "factoring_base.group_factoring_manager"

INTERACTION_TYPES = [
    ("meeting", "Meeting"),
    ("call", "Call"),
    ("visit", "Site Visit"),
    ("email", "E-mail"),
    ("other", "Other"),
]


class FactoringInteraction(models.Model):
    _name = "factoring.interaction"
    _description = "Client Interaction"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, tracking=True,
        check_company=True)
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", index="btree_not_null", check_company=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    user_id = fields.Many2one(
        "res.users", string="Logged by", required=True, index=True,
        default=lambda self: self.env.user)
    date = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    interaction_type = fields.Selection(
        INTERACTION_TYPES, string="Type", required=True, default="meeting", tracking=True)
    summary = fields.Html(required=True)
    next_step = fields.Char(tracking=True)
    next_step_date = fields.Date()
    activity_id = fields.Many2one("mail.activity", string="From Activity", readonly=True,
                                  index="btree_not_null")
    can_edit = fields.Boolean(
        compute="_compute_can_edit",
        help="The note is the user's own (or the user is a factoring manager): only "
        "then is the form editable (the record rules refuse other users' notes).")

    @api.depends_context("uid")
    @api.depends("user_id")
    def _compute_can_edit(self):
        manager = self.env.user.has_group(MANAGER_GROUP)
        for rec in self:
            rec.can_edit = manager or rec.user_id == self.env.user

    @api.model_create_multi
    def create(self, vals_list):
        # the link to the meeting activity is set when the meeting is marked done
        check_protected(self, vals_list, ("activity_id",),
                        lambda vals: self.env._("New note"))
        for vals in vals_list:
            if vals.get("user_id"):
                self._check_author(vals["user_id"])
        return super().create(vals_list)

    def write(self, vals):
        check_protected(self, [vals], ("activity_id",),
                        lambda vals: ", ".join(self[:5].mapped("display_name")))
        if "user_id" in vals:
            self._check_author(vals["user_id"])
        return super().write(vals)

    @api.model
    def _check_author(self, user_id):
        """Notes are logged under their author's name: only factoring managers
        log or move one under another user's (the own-notes rule relies on it)."""
        if user_id != self.env.uid and not self.env.su \
                and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._(
                "You cannot log a client note under another user's name (%s).",
                self.env["res.users"].browse(user_id).sudo().name))

    @api.onchange("lead_id")
    def _onchange_lead_id(self):
        if self.lead_id.partner_id and not self.partner_id:
            self.partner_id = self.lead_id.partner_id.commercial_partner_id

    @api.depends("partner_id", "interaction_type", "date")
    def _compute_display_name(self):
        labels = dict(INTERACTION_TYPES)
        for rec in self:
            rec.display_name = "%s - %s - %s" % (
                labels.get(rec.interaction_type, ""), rec.partner_id.name or "",
                format_date(self.env, rec.date) if rec.date else "")
