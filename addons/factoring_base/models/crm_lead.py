from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    factoring_agreement_id = fields.Many2one(
        "factoring.agreement", string="Factoring Agreement", copy=False, readonly=True,
        index="btree_not_null")
    factoring_agreement_state = fields.Selection(
        related="factoring_agreement_id.state", string="Agreement Status")
    factoring_interaction_ids = fields.One2many(
        "factoring.interaction", "lead_id", string="Interactions")

    def _handle_won_lost(self, old_status_by_lead, new_status_by_lead):
        res = super()._handle_won_lost(old_status_by_lead, new_status_by_lead)
        won = self.filtered(
            lambda lead: new_status_by_lead.get(lead.id, {}).get("is_won")
            and not old_status_by_lead.get(lead.id, {}).get("is_won"))
        if won:
            won._factoring_create_client_agreement()
        return res

    def _factoring_create_client_agreement(self):
        """A won opportunity becomes a factoring client with a draft agreement.

        The client manager wins the deal but does not own agreements (credit risk
        does), so the draft is created as superuser and left for credit to fill in."""
        for lead in self.filtered(lambda rec: rec.type == "opportunity" and not rec.factoring_agreement_id):
            lead._handle_partner_assignment(create_missing=True)
            client = lead.partner_id.commercial_partner_id
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
        return {
            "type": "ir.actions.act_window",
            "res_model": "factoring.agreement",
            "res_id": self.factoring_agreement_id.id,
            "view_mode": "form",
        }
