from odoo import api, fields, models
from odoo.fields import Domain

from odoo.addons.factoring_base.models.factoring_guard import check_groups

LIMIT_FIGURES = (
    "factoring_client_limit", "factoring_client_utilisation", "factoring_client_headroom",
    "factoring_client_utilisation_pct", "factoring_debtor_limit", "factoring_debtor_utilisation",
    "factoring_debtor_headroom", "factoring_debtor_utilisation_pct",
    "factoring_has_client_limit", "factoring_has_debtor_limit",
    "factoring_insured_amount", "factoring_uninsured_exposure",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    factoring_limit_ids = fields.One2many(
        "factoring.limit", "partner_id", string="Limit History",
        help="Every version of the partner's limits (as debtor, or as client).")
    factoring_active_limit_ids = fields.Many2many(
        "factoring.limit", compute="_compute_factoring_limit_lists", string="Active Limits")
    factoring_limit_history_ids = fields.Many2many(
        "factoring.limit", compute="_compute_factoring_limit_lists", string="Limit Versions")
    factoring_credit_document_ids = fields.One2many(
        "factoring.credit.document", "partner_id", string="Credit Documents")
    factoring_insurance_ids = fields.One2many(
        "factoring.credit.insurance", "partner_id", string="Credit Insurance")
    factoring_has_client_limit = fields.Boolean(compute="_compute_factoring_limit_figures")
    factoring_has_debtor_limit = fields.Boolean(compute="_compute_factoring_limit_figures")
    factoring_client_limit = fields.Monetary(
        compute="_compute_factoring_limit_figures", string="Client Limit",
        currency_field="currency_id")
    factoring_client_utilisation = fields.Monetary(
        compute="_compute_factoring_limit_figures", string="Utilised Client Limit",
        currency_field="currency_id",
        help="Funds in use (what was advanced on the client's open factored items) plus the "
        "advance on its verified, not yet funded schedules.")
    factoring_client_headroom = fields.Monetary(
        compute="_compute_factoring_limit_figures", string="Client Headroom",
        currency_field="currency_id")
    factoring_client_utilisation_pct = fields.Float(
        compute="_compute_factoring_limit_figures", string="Client Limit Used (%)")
    factoring_debtor_limit = fields.Monetary(
        compute="_compute_factoring_limit_figures", string="Debtor Limit",
        currency_field="currency_id")
    factoring_debtor_utilisation = fields.Monetary(
        compute="_compute_factoring_limit_figures", string="Debtor Exposure",
        currency_field="currency_id",
        help="Open receivable items of the debtor (all clients, factored and own) plus "
        "verified unfunded schedule lines on it.")
    factoring_debtor_headroom = fields.Monetary(
        compute="_compute_factoring_limit_figures", string="Debtor Headroom",
        currency_field="currency_id")
    factoring_debtor_utilisation_pct = fields.Float(
        compute="_compute_factoring_limit_figures", string="Debtor Limit Used (%)")
    factoring_insured_amount = fields.Monetary(
        compute="_compute_factoring_limit_figures", string="Insured Amount",
        currency_field="currency_id")
    factoring_uninsured_exposure = fields.Monetary(
        compute="_compute_factoring_limit_figures", string="Uninsured Exposure",
        currency_field="currency_id",
        help="Debtor exposure minus the insured part: min(exposure, insured amount) x cover %.")
    def _compute_factoring_limit_lists(self):
        Limit = self.env["factoring.limit"]
        ids = [i for i in self.ids if isinstance(i, int)]
        limits = Limit.search(
            Domain("client_id", "in", ids) | Domain("debtor_id", "in", ids)) if ids else Limit
        for partner in self:
            mine = limits.filtered(
                lambda rec, p=partner: rec.client_id == p or rec.debtor_id == p)
            partner.factoring_limit_history_ids = mine
            partner.factoring_active_limit_ids = mine.filtered(lambda rec: rec.state == "active")

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_factoring_limit_figures(self):
        zero = dict.fromkeys(LIMIT_FIGURES, 0.0)
        zero.update(factoring_has_client_limit=False, factoring_has_debtor_limit=False)
        self.update(zero)
        ids = [i for i in self.ids if isinstance(i, int)]
        if not ids or not self.env.user.has_group("factoring_base.group_factoring_user"):
            return
        company = self.env.company
        Engine = self.env["factoring.limit.engine"].sudo()
        partners = self.browse(ids)
        figures = Engine._partner_figures(company, partners)
        insured = self.env["factoring.credit.insurance"]._insured_amounts(company, ids)
        currency = company.currency_id
        for partner in partners:
            fig = figures.get(partner.id, {})
            cover, cover_pct = insured.get(partner.id, (0.0, 0.0))
            exposure = fig.get("debtor_utilisation", 0.0)
            covered = min(max(exposure, 0.0), cover) * cover_pct / 100.0
            partner.update({
                "factoring_has_client_limit": fig.get("has_client_limit", False),
                "factoring_has_debtor_limit": fig.get("has_debtor_limit", False),
                "factoring_client_limit": fig.get("client_limit", 0.0),
                "factoring_client_utilisation": fig.get("client_utilisation", 0.0),
                "factoring_client_headroom": fig.get("client_headroom", 0.0),
                "factoring_client_utilisation_pct": 100.0 * fig["client_utilisation"] /
                fig["client_limit"] if fig.get("client_limit") else 0.0,
                "factoring_debtor_limit": fig.get("debtor_limit", 0.0),
                "factoring_debtor_utilisation": exposure,
                "factoring_debtor_headroom": fig.get("debtor_headroom", 0.0),
                "factoring_debtor_utilisation_pct": 100.0 * exposure / fig["debtor_limit"]
                if fig.get("debtor_limit") else 0.0,
                "factoring_insured_amount": cover,
                "factoring_uninsured_exposure": currency.round(max(exposure, 0.0) - covered),
            })

    @api.model
    def _factoring_figure_fields(self):
        return super()._factoring_figure_fields() + [
            ("factoring_figures_limits", "factoring_client_limit"),
            ("factoring_figures_limits", "factoring_client_utilisation"),
            ("factoring_figures_limits", "factoring_client_headroom"),
            ("factoring_figures_limits", "factoring_debtor_limit"),
            ("factoring_figures_limits", "factoring_debtor_headroom"),
        ]

    @api.model
    def _factoring_eligibility_rules(self, company, groups, today, pending=None):
        """Base's availability with the limits' rules: no active limit, age,
        cross-age, excess over the pair and debtor limits (see
        factoring.limit.engine._eligibility_rules)."""
        groups = super()._factoring_eligibility_rules(company, groups, today, pending=pending)
        return self.env["factoring.limit.engine"]._eligibility_rules(
            company, groups, today, pending=pending)

    @api.model
    def _factoring_ineligible_labels(self):
        return {
            **super()._factoring_ineligible_labels(),
            "no_limit": self.env._("on debtors without an approved limit"),
            "age": self.env._("older than the ineligibility age"),
            "cross_age": self.env._("cross-aged (too much of the debtor's balance is old)"),
            "pair_limit": self.env._("over client x debtor limits"),
            "debtor_limit": self.env._("over debtor limits"),
        }

    def action_factoring_request_limit(self):
        """A new limit request on this client or debtor (client managers and
        credit roles), opened in its form."""
        self.ensure_one()
        check_groups(self.env, ("factoring_base.group_factoring_client_manager",
                                "factoring_base.group_factoring_credit_analyst"),
                     self.env._("request limits"))
        self.check_access("read")
        scope = "client" if self.is_factoring_client else "debtor"
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request Limit"),
            "res_model": "factoring.limit",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_scope": scope,
                "default_client_id": self.id if scope == "client" else False,
                "default_debtor_id": self.id if scope == "debtor" else False,
            },
        }

    def action_view_factoring_limits(self):
        self.ensure_one()
        self._factoring_check_reader()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_limits.action_factoring_limit")
        action["domain"] = ["|", ("client_id", "=", self.id), ("debtor_id", "=", self.id)]
        action["context"] = {"active_test": False}
        return action
