from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain

RATINGS = [
    ("aaa", "AAA - Minimal risk"),
    ("aa", "AA - Very low risk"),
    ("a", "A - Low risk"),
    ("bbb", "BBB - Moderate risk"),
    ("bb", "BB - Elevated risk"),
    ("b", "B - High risk"),
    ("ccc", "CCC - Very high risk"),
    ("d", "D - Default"),
]

CONTACT_ROLES = [
    ("sales", "Sales"),
    ("ap", "Accounts Payable"),
    ("finance", "Finance / Treasury"),
    ("management", "Management"),
    ("other", "Other"),
]

# Fields only credit risk may write (DESIGN.md: credit analysts own ratings).
CREDIT_OWNED_FIELDS = {"factoring_rating"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_factoring_client = fields.Boolean(
        string="Factoring Client", tracking=True, index=True,
        help="The seller who assigns its invoices to us.")
    is_factoring_debtor = fields.Boolean(
        string="Debtor", tracking=True, index=True,
        help="A buyer who must pay invoices we bought or issued.")
    factoring_client_manager_id = fields.Many2one(
        "res.users", string="Client Manager", tracking=True)
    factoring_credit_analyst_id = fields.Many2one(
        "res.users", string="Credit Analyst", tracking=True)
    factoring_collector_id = fields.Many2one(
        "res.users", string="Collector", tracking=True)
    factoring_sector_id = fields.Many2one(
        "factoring.sector", string="Sector", tracking=True, index=True)
    factoring_sector_risk = fields.Integer(
        related="factoring_sector_id.risk_score", string="Sector Risk")
    factoring_rating = fields.Selection(
        RATINGS, string="Internal Rating", tracking=True, copy=False,
        help="Internal credit rating, written by credit analysts and managers only.")
    factoring_can_edit_credit = fields.Boolean(compute="_compute_factoring_can_edit_credit")
    factoring_contact_role = fields.Selection(
        CONTACT_ROLES, string="Contact Role",
        help="Role of this contact person for credit and collections: collectors call "
        "the accounts-payable contact, not the sales contact.")
    factoring_ap_contact_ids = fields.One2many(
        "res.partner", compute="_compute_factoring_contacts",
        string="Accounts-Payable Contacts")
    factoring_sales_contact_ids = fields.One2many(
        "res.partner", compute="_compute_factoring_contacts", string="Sales Contacts")
    factoring_agreement_ids = fields.One2many(
        "factoring.agreement", "client_id", string="Factoring Agreements")
    factoring_agreement_count = fields.Integer(compute="_compute_factoring_counts")
    factoring_schedule_count = fields.Integer(compute="_compute_factoring_counts")
    factoring_open_item_count = fields.Integer(compute="_compute_factoring_open_items")
    factoring_interaction_ids = fields.One2many(
        "factoring.interaction", "partner_id", string="Interactions")
    factoring_interaction_count = fields.Integer(compute="_compute_factoring_counts")
    factoring_reserve_balance = fields.Monetary(
        compute="_compute_factoring_reserve", string="Reserve Owed",
        currency_field="currency_id",
        help="Balance of the client's current account: the reserve (and unpaid "
        "purchase price) we owe the client, net of fees.")
    factoring_open_amount = fields.Monetary(
        compute="_compute_factoring_open_items", string="Open Receivables",
        currency_field="currency_id")

    @api.depends_context("uid")
    def _compute_factoring_can_edit_credit(self):
        self.factoring_can_edit_credit = self.env.user.has_group(
            "factoring_base.group_factoring_credit_analyst")

    @api.depends("child_ids.factoring_contact_role")
    def _compute_factoring_contacts(self):
        for partner in self:
            children = partner.child_ids
            partner.factoring_ap_contact_ids = children.filtered(
                lambda c: c.factoring_contact_role == "ap")
            partner.factoring_sales_contact_ids = children.filtered(
                lambda c: c.factoring_contact_role == "sales")

    def _compute_factoring_counts(self):
        agreements = dict(self.env["factoring.agreement"]._read_group(
            [("client_id", "in", self.ids)], ["client_id"], ["__count"]))
        schedules = dict(self.env["factoring.schedule"]._read_group(
            [("client_id", "in", self.ids)], ["client_id"], ["__count"]))
        interactions = dict(self.env["factoring.interaction"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.factoring_interaction_count = interactions.get(partner, 0)
            partner.factoring_agreement_count = agreements.get(partner, 0)
            partner.factoring_schedule_count = schedules.get(partner, 0)

    def _compute_factoring_reserve(self):
        self.factoring_reserve_balance = 0.0
        account = self.env.company.factoring_client_account_id
        if not self.ids or not account or not self.env["account.move.line"].has_access("read"):
            return
        balances = dict(self.env["account.move.line"]._read_group(
            [("account_id", "=", account.id), ("partner_id", "in", self.ids),
             ("parent_state", "=", "posted")],
            ["partner_id"], ["balance:sum"]))
        for partner in self:
            partner.factoring_reserve_balance = -balances.get(partner, 0.0)

    def _factoring_open_items_domain(self):
        """Open receivable items of these partners, as debtor or as client."""
        return Domain.AND([
            self.env["account.move.line"]._factoring_open_items_domain(),
            Domain("partner_id", "in", self.ids) | Domain("factoring_client_id", "in", self.ids),
        ])

    def _compute_factoring_open_items(self):
        self.factoring_open_item_count = 0
        self.factoring_open_amount = 0.0
        if not self.ids or not self.env["account.move.line"].has_access("read"):
            return
        Line = self.env["account.move.line"]
        base = Line._factoring_open_items_domain()
        as_debtor = Line._read_group(
            base & Domain("partner_id", "in", self.ids),
            ["partner_id"], ["__count", "amount_residual:sum"])
        as_client = Line._read_group(
            base & Domain("factoring_client_id", "in", self.ids),
            ["factoring_client_id"], ["__count", "amount_residual:sum"])
        totals = {}
        for partner, count, amount in as_debtor + as_client:
            done = totals.setdefault(partner, [0, 0.0])
            done[0] += count
            done[1] += amount
        for partner in self:
            count, amount = totals.get(partner, (0, 0.0))
            partner.factoring_open_item_count = count
            partner.factoring_open_amount = amount

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # a new partner without a rating (a copy, an import) changes no rating
            self._factoring_check_credit_fields(
                {name: value for name, value in vals.items() if value})
        return super().create(vals_list)

    def write(self, vals):
        self._factoring_check_credit_fields(vals)
        return super().write(vals)

    def _factoring_check_credit_fields(self, vals):
        """Refuse a real change of a credit-owned field by anyone outside credit
        risk; writing the value a partner already has changes nothing."""
        if self.env.su:
            return
        touched = {
            name for name in CREDIT_OWNED_FIELDS.intersection(vals)
            if not self or any(
                partner[name] != (vals[name] or False) for partner in self)
        }
        if not touched:
            return
        if not self.env.user.has_group("factoring_base.group_factoring_credit_analyst"):
            names = ", ".join(self._fields[f].string for f in sorted(touched))
            raise AccessError(_(
                "Only credit analysts and credit managers may change %(fields)s "
                "(partner: %(partner)s).",
                fields=names, partner=", ".join(self.mapped("display_name")) or _("new"),
            ))

    def _factoring_check_reader(self):
        """The partner's factoring screens are for factoring users who may read
        the partner."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group("factoring_base.group_factoring_user"):
            raise AccessError(_(
                "Only factoring users may open the factoring records of %(partner)s.",
                partner=self.display_name))
        self.check_access("read")

    def action_view_factoring_agreements(self):
        self._factoring_check_reader()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_base.action_factoring_agreement")
        action["domain"] = [("client_id", "=", self.id)]
        action["context"] = {"default_client_id": self.id}
        return action

    def action_view_factoring_schedules(self):
        self._factoring_check_reader()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_base.action_factoring_schedule")
        action["domain"] = [("client_id", "=", self.id)]
        action["context"] = {"default_client_id": self.id}
        return action

    def action_view_factoring_interactions(self):
        self._factoring_check_reader()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_base.action_factoring_interaction")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_factoring_open_items(self):
        self._factoring_check_reader()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_base.action_factoring_open_items")
        action["domain"] = list(self._factoring_open_items_domain())
        return action
