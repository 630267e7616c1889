from odoo import models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from .factoring_guard import guarded


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _factoring_meeting_activities(self):
        """Meeting activities on factoring clients (and their contact persons) and
        on factoring opportunities (flagged, of a factoring team, or of a factoring
        client): their notes are the client manager's interaction log. Every
        other meeting behaves as in plain Odoo."""
        meetings = self.filtered(lambda a: a.activity_type_id.category == "meeting")
        result = self.browse()
        if not meetings:
            return result
        by_model = meetings.grouped("res_model")
        if "crm.lead" in by_model:
            leads_activities = by_model["crm.lead"]
            leads = self.env["crm.lead"].sudo().browse(leads_activities.mapped("res_id")).exists()
            factoring_leads = leads._factoring_is_factoring() | leads.filtered(
                lambda lead: lead.partner_id.commercial_partner_id.is_factoring_client)
            result |= leads_activities.filtered(lambda a: a.res_id in factoring_leads.ids)
        if "res.partner" in by_model:
            partner_activities = by_model["res.partner"]
            partners = self.env["res.partner"].sudo().browse(
                partner_activities.mapped("res_id")).exists()
            clients = partners.filtered(lambda p: p.commercial_partner_id.is_factoring_client)
            result |= partner_activities.filtered(lambda a: a.res_id in clients.ids)
        return result

    def _factoring_check_meeting_notes(self, feedback):
        """Refuse to close a factoring meeting without notes; log the notes of
        the ones closed with notes as client interactions."""
        meetings = self._factoring_meeting_activities()
        if not meetings:
            return
        if not html2plaintext(feedback or "").strip():
            raise UserError(self.env._(
                "Write what was discussed before marking the meeting \"%(summary)s\" on "
                "%(record)s as done: meeting notes are the client's history.",
                summary=meetings[0].summary or meetings[0].activity_type_id.name,
                record=meetings[0].res_name))
        meetings._factoring_log_interactions(feedback)

    # Every way of marking an activity done goes through these two public
    # methods (action_done, action_done_redirect_to_other and the mixin's
    # activity_feedback call action_feedback; action_done_schedule_next calls
    # action_feedback_schedule_next); test_scope_meeting pins that.
    def action_feedback(self, feedback=False, attachment_ids=None):
        self._factoring_check_meeting_notes(feedback)
        return super().action_feedback(feedback=feedback, attachment_ids=attachment_ids)

    def action_feedback_schedule_next(self, feedback=False, attachment_ids=None):
        self._factoring_check_meeting_notes(feedback)
        return super().action_feedback_schedule_next(
            feedback=feedback, attachment_ids=attachment_ids)

    def _factoring_log_interactions(self, feedback):
        vals_list = []
        for activity in self:
            record = self.env[activity.res_model].sudo().browse(activity.res_id)
            if activity.res_model == "crm.lead":
                partner = record.partner_id.commercial_partner_id
                lead = record
            else:
                partner = record.commercial_partner_id
                lead = self.env["crm.lead"]
            if not partner:
                continue
            vals_list.append({
                "partner_id": partner.id,
                "lead_id": lead.id,
                "company_id": (lead.company_id or partner.company_id or self.env.company).id,
                "user_id": self.env.user.id,
                "interaction_type": "meeting",
                "summary": feedback,
                "activity_id": activity.id,
            })
        if vals_list:
            guarded(self.env["factoring.interaction"].sudo()).create(vals_list)
