from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.common import check_supervisor
from ..models.factoring_portfolio_history import ROLE_FIELDS, ROLES

MANAGER = "factoring_base.group_factoring_manager"
# How many partners the new holder's summary names (the rest are counted).
SUMMARY_PARTNERS = 50


class FactoringHandoverWizard(models.TransientModel):
    """Hand a collector's (or client manager's) portfolio, or chosen partners,
    over to another person: the partners' holder changes (with its history),
    open activities of the old holder on them move, pending promises follow,
    and the new holder gets the handover note."""

    _name = "factoring.handover.wizard"
    _description = "Portfolio Handover"

    role = fields.Selection(ROLES, required=True, default="collector")
    from_user_id = fields.Many2one("res.users", string="From", required=True)
    to_user_id = fields.Many2one("res.users", string="To", required=True)
    scope = fields.Selection([("all", "The whole portfolio"), ("chosen", "Chosen partners")],
                             required=True, default="all")
    partner_ids = fields.Many2many("res.partner", string="Partners")
    note = fields.Text(string="Handover Note", required=True,
                       help="Shown to the new holder and kept in each partner's history.")

    @api.model
    def _check_rights(self, role):
        if role == "client_manager":
            if not (self.env.su or self.env.user.has_group(MANAGER)):
                raise UserError(self.env._(
                    "Only factoring managers hand over client managers' portfolios."))
        else:
            check_supervisor(self.env, self.env._("hand over collection portfolios"))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_rights(vals.get("role", "collector"))
        return super().create(vals_list)

    def _partners(self):
        self.ensure_one()
        field = ROLE_FIELDS[self.role]
        Partner = self.env["res.partner"].sudo()
        if self.scope == "all":
            return Partner.search([(field, "=", self.from_user_id.id)])
        wrong = self.partner_ids.sudo().filtered(lambda p: p[field] != self.from_user_id)
        if wrong:
            raise UserError(self.env._(
                "%(partners)s: not held by %(user)s.",
                partners=", ".join(wrong[:10].mapped("display_name")),
                user=self.from_user_id.name))
        return self.partner_ids.sudo()

    def _notify_summary(self, partners, moved_activities):
        """One message to the new holder: the note, the partners handed over
        and how many of the old holder's activities followed them."""
        self.ensure_one()
        shown = partners.sorted("name")[:SUMMARY_PARTNERS]
        items = Markup("").join(
            Markup("<li>%s</li>") % partner.display_name for partner in shown)
        more = len(partners) - len(shown)
        body = Markup("<p>%s</p><ul>%s</ul>") % (self.note, items)
        if more:
            body += Markup("<p>%s</p>") % self.env._("... and %s more.", more)
        body += Markup("<p>%s</p>") % self.env._(
            "%(activities)s open activities of %(from)s moved to you; each partner has a "
            "handover activity with this note.",
            activities=moved_activities, **{"from": self.from_user_id.name})
        self.to_user_id.partner_id.sudo().message_notify(
            partner_ids=self.to_user_id.partner_id.ids,
            subject=self.env._("Handover from %(from)s: %(count)s partners",
                               count=len(partners), **{"from": self.from_user_id.name}),
            body=body)

    def action_confirm(self):
        self.ensure_one()
        self._check_rights(self.role)
        if not (self.note or "").strip():
            raise UserError(self.env._("A handover needs a note for the new holder."))
        if self.from_user_id == self.to_user_id:
            raise UserError(self.env._("Hand over to another person than %s.",
                                       self.from_user_id.name))
        partners = self._partners()
        if not partners:
            raise UserError(self.env._("%s holds no partner to hand over.",
                                       self.from_user_id.name))
        note = self.env._("Handover from %(from)s to %(to)s: %(note)s",
                          **{"from": self.from_user_id.name, "to": self.to_user_id.name,
                             "note": self.note})
        partners.with_context(factoring_portfolio_note=self.note).write(
            {ROLE_FIELDS[self.role]: self.to_user_id.id})
        # open activities of the old holder on these partners and their promises
        Promise = self.env["factoring.promise"].sudo()
        promises = Promise.search([("debtor_id", "in", partners.ids)]) \
            if self.role == "collector" else Promise
        Activity = self.env["mail.activity"].sudo()
        activities = Activity.search([
            ("user_id", "=", self.from_user_id.id),
            "|", "&", ("res_model", "=", "res.partner"), ("res_id", "in", partners.ids),
            "&", ("res_model", "=", "factoring.promise"), ("res_id", "in", promises.ids)])
        # quietly: the new holder gets one summary below, not one
        # "assigned to you" notification per activity
        quiet = Activity.with_context(mail_activity_quick_update=True)
        activities.with_env(quiet.env).write({"user_id": self.to_user_id.id})
        promises._factoring_move_to(self.to_user_id)
        handover_type = self.env.ref("factoring_collections.mail_activity_type_handover")
        model_id = self.env["ir.model"]._get_id("res.partner")
        quiet.create([{
            "res_model_id": model_id, "res_id": partner.id,
            "activity_type_id": handover_type.id, "user_id": self.to_user_id.id,
            "summary": self.env._("Handover from %s", self.from_user_id.name),
            "note": self.note, "date_deadline": self.env.company._factoring_today(),
        } for partner in partners])
        for partner in partners:
            partner.message_post(body=note)
        self._notify_summary(partners, len(activities))
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("id", "in", partners.ids)],
            "name": self.env._("Handed over to %s", self.to_user_id.name),
        }
