from odoo import api, fields, models
from odoo.fields import Domain


class ResPartner(models.Model):
    _inherit = "res.partner"

    factoring_dispute_amount = fields.Monetary(
        string="Disputed", compute="_compute_factoring_disputes",
        currency_field="currency_id",
        groups="factoring_base.group_factoring_user",
        help="Unresolved amount of the open disputes (as debtor or as client). The "
        "disputed items are held from dunning and from funding: the Overdue and "
        "Availability figures leave out their whole residual, named \"disputed\".")
    factoring_dispute_count = fields.Integer(
        string="Open Disputes", compute="_compute_factoring_disputes",
        groups="factoring_base.group_factoring_user")

    @api.model
    def _factoring_figure_fields(self):
        return super()._factoring_figure_fields() + [
            ("factoring_figures_disputes", "factoring_dispute_amount"),
            ("factoring_figures_disputes", "factoring_dispute_count"),
        ]

    @api.depends_context("allowed_company_ids")
    def _compute_factoring_disputes(self):
        """Open disputes of these partners as debtor or as client: two grouped
        queries for any number of partners, read as superuser within the
        user's companies (every factoring role sees the figures)."""
        self.factoring_dispute_amount = 0.0
        self.factoring_dispute_count = 0
        ids = [i for i in self.ids if isinstance(i, int)]
        if not ids:
            return
        Dispute = self.env["factoring.dispute"].sudo()
        base = Domain("state", "=", "open") & Domain("company_id", "in", self.env.companies.ids)
        totals = {}
        for field_name in ("debtor_id", "client_id"):
            for partner, count, amount in Dispute._read_group(
                    base & Domain(field_name, "in", ids), [field_name],
                    ["__count", "amount_unresolved:sum"]):
                done = totals.setdefault(partner.id, [0, 0.0])
                done[0] += count
                done[1] += amount
        for partner in self:
            count, amount = totals.get(partner.id, (0, 0.0))
            partner.factoring_dispute_count = count
            partner.factoring_dispute_amount = amount

    def action_factoring_view_disputes(self):
        self.ensure_one()
        self.env["factoring.dispute"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_disputes.action_factoring_dispute")
        action["domain"] = ["|", ("debtor_id", "=", self.id), ("client_id", "=", self.id)]
        action["context"] = {"search_default_open": 1}
        return action

    def action_factoring_new_dispute(self):
        """A new dispute of this debtor, or on this client's factored items."""
        self.ensure_one()
        self.env["factoring.dispute"]._check_open_rights()
        context = {"default_company_id": self.env.company.id}
        if self.is_factoring_client and not self.is_factoring_debtor:
            context["default_client_id"] = self.id
        else:
            context["default_debtor_id"] = self.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Dispute"),
            "res_model": "factoring.dispute",
            "view_mode": "form",
            "target": "current",
            "context": context,
        }
