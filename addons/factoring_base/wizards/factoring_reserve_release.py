from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.res_company_day import factoring_today


class FactoringReserveRelease(models.TransientModel):
    _name = "factoring.reserve.release"
    _description = "Release Reserve to a Factoring Client"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, readonly=True,
        domain="[('is_factoring_client', '=', True)]")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    reserve_balance = fields.Monetary(
        related="partner_id.factoring_reserve_balance", string="Reserve Owed")
    reserve_held = fields.Monetary(related="partner_id.factoring_reserve_held")
    deficit = fields.Monetary(
        compute="_compute_deficit", string="Deficit Kept",
        help="What the client is over-advanced by (minus its availability, when "
        "negative): kept from the release to cover it.")
    amount = fields.Monetary(
        related="partner_id.factoring_reserve_releasable", string="Amount to Release")
    journal_id = fields.Many2one(
        "account.journal", string="Pay From", required=True, check_company=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        default=lambda self: self._default_journal())
    date = fields.Date(string="Payment Date", required=True, default=factoring_today)

    @api.depends("partner_id", "company_id")
    def _compute_deficit(self):
        for wizard in self:
            figures = wizard.partner_id.sudo()._factoring_availability(
                wizard.company_id).get(wizard.partner_id.id) if wizard.partner_id else None
            wizard.deficit = max(-figures["availability"], 0.0) if figures else 0.0

    @api.model
    def _default_journal(self):
        return self.env["account.journal"].search([
            ("type", "=", "bank"),
            *self.env["account.journal"]._check_company_domain(self.env.company),
        ], limit=1)

    def action_release(self):
        """Pay the client its releasable reserve (a posted outbound payment)."""
        self.ensure_one()
        self.env["res.partner"]._factoring_check_release_rights()
        if self.company_id != self.env.company:
            raise UserError(self.env._("Release the reserve from company %s.", self.company_id.name))
        payment = self.partner_id._factoring_release_reserve(self.journal_id, self.date)
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.payment",
            "res_id": payment.id,
            "view_mode": "form",
        }
