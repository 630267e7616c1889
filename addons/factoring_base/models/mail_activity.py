from odoo import models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _factoring_meeting_activities(self):
        """Meeting activities on factoring clients or opportunities: their notes
        are the client manager's interaction log."""
        result = self.browse()
        for activity in self:
            if activity.activity_type_id.category != "meeting":
                continue
            if activity.res_model == "crm.lead":
                result |= activity
            elif activity.res_model == "res.partner":
                partner = self.env["res.partner"].sudo().browse(activity.res_id)
                if partner.commercial_partner_id.is_factoring_client:
                    result |= activity
        return result

    def _action_done(self, feedback=False, attachment_ids=None):
        meetings = self._factoring_meeting_activities()
        if meetings and not html2plaintext(feedback or "").strip():
            raise UserError(self.env._(
                "Write what was discussed before marking the meeting \"%(summary)s\" on "
                "%(record)s as done: meeting notes are the client's history.",
                summary=meetings[0].summary or meetings[0].activity_type_id.name,
                record=meetings[0].res_name))
        if meetings:
            meetings._factoring_log_interactions(feedback)
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

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
            self.env["factoring.interaction"].sudo().create(vals_list)
