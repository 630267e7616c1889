from odoo import api, fields, models

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
                fields.Date.to_string(rec.date.date()) if rec.date else "")
