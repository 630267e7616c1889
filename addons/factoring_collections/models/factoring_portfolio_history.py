from odoo import api, fields, models

ROLES = [("collector", "Collector"), ("client_manager", "Client Manager")]
ROLE_FIELDS = {"collector": "factoring_collector_id",
               "client_manager": "factoring_client_manager_id"}


class FactoringPortfolioHistory(models.Model):
    """Who held a partner (as its collector or client manager) and when.
    Written by res.partner.write whenever the collector or client manager
    changes (a handover, an escalation, an edit): one open row per partner and
    role, closed when the next holder takes over."""

    _name = "factoring.portfolio.history"
    _description = "Portfolio Holder History"
    _order = "date_from desc, id desc"

    partner_id = fields.Many2one("res.partner", required=True, readonly=True, index=True,
                                 ondelete="cascade")
    role = fields.Selection(ROLES, required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Held by", readonly=True, index=True)
    date_from = fields.Datetime(string="From", required=True, readonly=True)
    date_to = fields.Datetime(string="To", readonly=True)
    changed_by_id = fields.Many2one("res.users", string="Changed by", readonly=True)
    note = fields.Text(string="Handover Note", readonly=True)

    @api.model
    def _record(self, partners, role, note=False):
        """Close the open rows of ``partners`` for ``role`` and open new ones
        with their current holder (called after the write)."""
        now = fields.Datetime.now()
        History = self.sudo()
        History.search([("partner_id", "in", partners.ids), ("role", "=", role),
                        ("date_to", "=", False)]).write({"date_to": now})
        field = ROLE_FIELDS[role]
        History.create([{
            "partner_id": partner.id, "role": role, "user_id": partner[field].id,
            "date_from": now, "changed_by_id": self.env.uid, "note": note,
        } for partner in partners.sudo()])
