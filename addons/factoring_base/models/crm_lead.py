from odoo import api, fields, models
from odoo.exceptions import AccessError

# crm.lead fields whose change may win an opportunity (crm's own write watches
# the same ones before it decides the won/lost status).
WON_TRIGGER_FIELDS = {"stage_id", "active", "probability"}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    is_factoring = fields.Boolean(
        string="Factoring Opportunity", copy=False,
        help="Winning this opportunity makes its customer a factoring client with a draft "
        "agreement, whatever its sales team. Opportunities of a factoring sales team do "
        "so too.")
    factoring_agreement_id = fields.Many2one(
        "factoring.agreement", string="Factoring Agreement", copy=False, readonly=True,
        index="btree_not_null")
    # tracking=False: the related field would inherit the agreement state's
    # tracking and every lead write would then read and track it.
    factoring_agreement_state = fields.Selection(
        related="factoring_agreement_id.state", string="Agreement Status", tracking=False)
    factoring_interaction_ids = fields.One2many(
        "factoring.interaction", "lead_id", string="Interactions")

    def _factoring_is_factoring(self):
        """Factoring opportunities: flagged, or of a factoring sales team."""
        return self.filtered(
            lambda lead: lead.type == "opportunity"
            and (lead.is_factoring or lead.team_id.is_factoring))

    def _factoring_check_flag_right(self):
        if not self.env.su and not self.env.user.has_group(
                "factoring_base.group_factoring_client_manager"):
            raise AccessError(self.env._(
                "Only client managers may flag an opportunity as a factoring "
                "opportunity or take the flag off (opportunity: %(lead)s).",
                lead=", ".join(self.mapped("display_name")) or self.env._("new")))

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("is_factoring") for vals in vals_list):
            self._factoring_check_flag_right()
        leads = super().create(vals_list)
        won = leads.filtered(lambda lead: lead.won_status == "won")._factoring_is_factoring()
        if won:
            won._factoring_create_client_agreement()
        return leads

    def write(self, vals):
        if "is_factoring" in vals and any(
                lead.is_factoring != bool(vals["is_factoring"]) for lead in self):
            self._factoring_check_flag_right()
        if not WON_TRIGGER_FIELDS.intersection(vals):
            return super().write(vals)
        # the won transition is seen by comparing the status before and after
        # crm's own write, which computes it from the stage
        won_before = set(self.filtered(lambda lead: lead.won_status == "won").ids)
        result = super().write(vals)
        newly_won = self.filtered(
            lambda lead: lead.won_status == "won" and lead.id not in won_before)
        newly_won = newly_won._factoring_is_factoring() if newly_won else newly_won
        if newly_won:
            newly_won._factoring_create_client_agreement()
        return result

    def _factoring_ensure_customer(self):
        """Give the opportunity a customer made from its own data when it has
        none: the company (partner name, else the opportunity's name) and, when a
        contact is named, that person under it."""
        self.ensure_one()
        if self.partner_id:
            return self.partner_id
        Partner = self.env["res.partner"]
        address = {
            "street": self.street, "street2": self.street2, "zip": self.zip,
            "city": self.city, "state_id": self.state_id.id,
            "country_id": self.country_id.id, "website": self.website,
            "user_id": self.user_id.id, "lang": self.lang_id.code,
        }
        reach = {"email": self.email_from, "phone": self.phone}
        company = Partner.create({
            key: value for key, value in {
                **address,
                **({} if self.contact_name else reach),
                "name": self.partner_name or self.name,
                "is_company": True,
            }.items() if value})
        customer = company
        if self.contact_name:
            customer = Partner.create({
                key: value for key, value in {
                    **reach,
                    "name": self.contact_name, "parent_id": company.id,
                    "function": self.function, "user_id": self.user_id.id,
                    "lang": self.lang_id.code,
                }.items() if value})
        self.partner_id = customer
        return customer

    def _factoring_create_client_agreement(self):
        """A won factoring opportunity becomes a factoring client with a draft
        agreement.

        The client manager wins the deal but does not own agreements (credit risk
        does), so the draft is created as superuser and left for credit to fill in."""
        for lead in self.filtered(
                lambda rec: rec.type == "opportunity" and not rec.factoring_agreement_id):
            client = lead._factoring_ensure_customer().commercial_partner_id
            client_vals = {"is_factoring_client": True}
            if not client.factoring_client_manager_id and lead.user_id:
                client_vals["factoring_client_manager_id"] = lead.user_id.id
            client.sudo().write(client_vals)
            company = lead.company_id or self.env.company
            Agreement = self.env["factoring.agreement"].sudo().with_company(company)
            # An existing draft (or, failing that, the active agreement) of the
            # client is linked rather than duplicated.
            agreement = Agreement.search([
                ("client_id", "=", client.id), ("state", "in", ("draft", "active")),
                ("company_id", "=", company.id),
            ], order="state desc, id desc", limit=1)
            if agreement and not agreement.lead_id:
                agreement.lead_id = lead
            agreement = agreement or Agreement.create({
                "client_id": client.id,
                "company_id": company.id,
                "currency_id": company.currency_id.id,
                "lead_id": lead.id,
            })
            lead.sudo().factoring_agreement_id = agreement
            lead.message_post(body=self.env._(
                "Won: %(client)s is a factoring client with agreement %(agreement)s.",
                client=client.display_name, agreement=agreement.name))

    def action_view_factoring_agreement(self):
        self.ensure_one()
        if not self.env.user.has_group("factoring_base.group_factoring_user"):
            raise AccessError(self.env._(
                "Only factoring users may open the agreement of opportunity %(lead)s.",
                lead=self.display_name))
        self.check_access("read")
        self.factoring_agreement_id.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "factoring.agreement",
            "res_id": self.factoring_agreement_id.id,
            "view_mode": "form",
        }
