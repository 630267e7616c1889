from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from .factoring_guard import check_groups, check_protected, guarded
from .res_company_day import factoring_today

CREDIT_ANALYST_GROUP = "factoring_base.group_factoring_credit_analyst"
CREDIT_MANAGER_GROUP = "factoring_base.group_factoring_credit_manager"
# Changed only by the agreement's own actions (see factoring_guard).
AGREEMENT_PROTECTED = ("state",)
# The terms: on an agreement in force, only credit roles change them.
AGREEMENT_TERMS = (
    "client_id", "company_id", "currency_id", "advance_rate", "discount_fee_rate",
    "invoice_fee", "recourse", "max_concentration", "approved_debtor_ids", "date_start",
    "date_end", "note",
)


class FactoringAgreement(models.Model):
    _name = "factoring.agreement"
    _description = "Factoring Agreement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/",
        tracking=True)
    client_id = fields.Many2one(
        "res.partner", string="Client", required=True, tracking=True, index=True,
        domain="[('is_factoring_client', '=', True)]", check_company=True)
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", index="btree_not_null", copy=False,
        check_company=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(
        "res.currency", required=True, tracking=True,
        default=lambda self: self.env.company.currency_id)
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("suspended", "Suspended"),
         ("terminated", "Terminated")],
        default="draft", required=True, tracking=True, copy=False, index=True)
    advance_rate = fields.Float(
        string="Advance Rate (%)", default=80.0, tracking=True, digits=(5, 2),
        help="Share of each invoice paid to the client when the schedule is funded.")
    reserve_rate = fields.Float(
        string="Reserve (%)", compute="_compute_reserve_rate", store=True, digits=(5, 2),
        help="Share of each invoice held back until the debtor pays: 100 - advance rate.")
    discount_fee_rate = fields.Float(
        string="Discount Fee (% per 30 days)", tracking=True, digits=(5, 3),
        help="Charged on the invoice face value for every 30 days between funding and "
        "payment, pro rata per day.")
    invoice_fee = fields.Monetary(
        string="Fee per Invoice", tracking=True,
        help="Flat fee charged for every invoice funded.")
    recourse = fields.Selection(
        [("recourse", "With recourse"), ("non_recourse", "Non-recourse")],
        default="recourse", required=True, tracking=True,
        help="With recourse, unpaid invoices go back to the client; non-recourse, the "
        "factor bears the debtor's credit risk.")
    max_concentration = fields.Float(
        string="Max. Debtor Concentration (%)", default=100.0, tracking=True, digits=(5, 2),
        help="Highest share of the client's open receivables one debtor may reach.")
    # The client x debtor records (factoring.client.debtor) in state approved for
    # this client and company, kept in the relation table so that searches and
    # the verification's SQL read it directly; writing it approves or archives
    # those records.
    approved_debtor_ids = fields.Many2many(
        "res.partner", "factoring_agreement_debtor_rel", "agreement_id", "debtor_id",
        string="Approved Debtors", domain="[('is_factoring_debtor', '=', True)]",
        compute="_compute_approved_debtor_ids", inverse="_inverse_approved_debtor_ids",
        store=True, readonly=False, tracking=True)
    date_start = fields.Date(
        string="Start Date", required=True, tracking=True, default=factoring_today)
    date_end = fields.Date(string="End Date", tracking=True)
    schedule_ids = fields.One2many("factoring.schedule", "agreement_id", string="Schedules")
    schedule_count = fields.Integer(compute="_compute_schedule_count")
    note = fields.Html(string="Terms and Notes")
    client_manager_id = fields.Many2one(
        related="client_id.factoring_client_manager_id", string="Client Manager")

    _name_company_uniq = models.Constraint(
        "UNIQUE(name, company_id)", "The agreement reference must be unique per company.")
    _one_active_idx = models.UniqueIndex(
        "(client_id, currency_id, company_id) WHERE state = 'active'",
        "A client can have only one active agreement per currency.")

    @api.depends("client_id", "company_id",
                 "client_id.factoring_client_debtor_ids.state",
                 "client_id.factoring_client_debtor_ids.active",
                 "client_id.factoring_client_debtor_ids.debtor_id",
                 "client_id.factoring_client_debtor_ids.company_id")
    def _compute_approved_debtor_ids(self):
        Pair = self.env["factoring.client.debtor"].sudo()
        rows = Pair._read_group(
            [("client_id", "in", self.client_id.ids), ("company_id", "in", self.company_id.ids),
             ("state", "=", "approved")],
            ["client_id", "company_id"], ["debtor_id:recordset"]) if self.client_id else []
        debtors = {(client.id, company.id): partners for client, company, partners in rows}
        for agreement in self:
            agreement.approved_debtor_ids = debtors.get(
                (agreement.client_id.id, agreement.company_id.id),
                self.env["res.partner"]).with_env(self.env)

    def _inverse_approved_debtor_ids(self):
        """Approve the debtors added to the list (creating their client x debtor
        records); archive the records of those removed. A new agreement only adds:
        the client's other agreements keep their debtors."""
        Pair = self.env["factoring.client.debtor"]
        creating = self.env.context.get("factoring_agreement_creating")
        for agreement in self:
            if not agreement.client_id:
                continue
            company = agreement.company_id
            current = Pair.search([
                ("client_id", "=", agreement.client_id.id), ("company_id", "=", company.id),
                ("state", "=", "approved")])
            wanted = agreement.approved_debtor_ids
            Pair._factoring_approve_pairs(
                (agreement.client_id.id, debtor.id, company.id)
                for debtor in wanted - current.debtor_id)
            if not creating:
                current.filtered(lambda r: r.debtor_id not in wanted)._factoring_remove()

    @api.depends("advance_rate")
    def _compute_reserve_rate(self):
        for agreement in self:
            agreement.reserve_rate = 100.0 - agreement.advance_rate

    def _compute_schedule_count(self):
        counts = dict(self.env["factoring.schedule"]._read_group(
            [("agreement_id", "in", self.ids)], ["agreement_id"], ["__count"]))
        for agreement in self:
            agreement.schedule_count = counts.get(agreement, 0)

    @api.constrains("advance_rate", "discount_fee_rate", "max_concentration", "invoice_fee")
    def _check_rates(self):
        for agreement in self:
            for field_name in ("advance_rate", "discount_fee_rate", "max_concentration"):
                value = agreement[field_name]
                if float_compare(value, 0.0, 2) < 0 or float_compare(value, 100.0, 2) > 0:
                    raise ValidationError(self.env._(
                        "Agreement %(agreement)s: %(field)s must be between 0 and 100, "
                        "not %(value)s.",
                        agreement=agreement.display_name,
                        field=agreement._fields[field_name].string, value=value,
                    ))
            if agreement.currency_id.compare_amounts(agreement.invoice_fee, 0.0) < 0:
                raise ValidationError(self.env._(
                    "Agreement %(agreement)s: the fee per invoice cannot be negative.",
                    agreement=agreement.display_name))

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for agreement in self:
            if agreement.date_end and agreement.date_end <= agreement.date_start:
                raise ValidationError(self.env._(
                    "Agreement %(agreement)s: the end date (%(end)s) must be after the start "
                    "date (%(start)s).",
                    agreement=agreement.display_name, end=agreement.date_end,
                    start=agreement.date_start,
                ))

    def _check_one_active(self, vals_list):
        """Refuse a second active agreement per client, currency and company with a
        clear message, before the database's unique index would (the index still
        guards against two users activating at the same moment)."""
        keys = []
        for record, vals in vals_list:
            state = vals.get("state", record.state if record else "draft")
            if state != "active":
                continue
            if not record:
                # a new record gets the fields' defaults for what vals leave out
                vals = {**self.default_get(["currency_id", "company_id"]), **vals}
            key = tuple(
                vals.get(f) or (record[f].id if record else False)
                for f in ("client_id", "currency_id", "company_id")
            )
            if key in keys:
                raise ValidationError(self.env._(
                    "%(client)s: only one agreement per currency can be active, and several "
                    "in %(currency)s are being activated together.",
                    client=self.env["res.partner"].browse(key[0]).display_name,
                    currency=self.env["res.currency"].browse(key[1]).name))
            keys.append(key)
            clash = self.sudo().search([
                ("state", "=", "active"), ("client_id", "=", key[0]),
                ("currency_id", "=", key[1]), ("company_id", "=", key[2]),
                ("id", "not in", self.ids),
            ], limit=1)
            if clash:
                raise ValidationError(self.env._(
                    "%(client)s already has an active agreement in %(currency)s (%(other)s). "
                    "Suspend or terminate it before activating another one.",
                    client=clash.client_id.display_name, currency=clash.currency_id.name,
                    other=clash.name))

    def write(self, vals):
        check_protected(self, [vals], AGREEMENT_PROTECTED,
                        lambda vals: ", ".join(self[:5].mapped("name")))
        if set(AGREEMENT_TERMS) & set(vals) and any(a.state != "draft" for a in self):
            check_groups(self.env, (CREDIT_ANALYST_GROUP,),
                         self.env._("change the terms of an agreement in force"))
        if {"state", "client_id", "currency_id", "company_id"} & set(vals):
            self._check_one_active([(rec, vals) for rec in self])
        return super().write(vals)

    @api.constrains("client_id")
    def _check_client_flag(self):
        for agreement in self:
            if not agreement.client_id.is_factoring_client:
                raise ValidationError(self.env._(
                    "%(partner)s is not marked as a factoring client.",
                    partner=agreement.client_id.display_name))

    @api.model_create_multi
    def create(self, vals_list):
        check_protected(self, vals_list, AGREEMENT_PROTECTED,
                        lambda vals: vals.get("name") or self.env._("New agreement"))
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id)
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "factoring.agreement") or "/"
        self._check_one_active([(self.browse(), vals) for vals in vals_list])
        records = super(
            FactoringAgreement, self.with_context(factoring_agreement_creating=True),
        ).create(vals_list)
        return records.with_env(self.env)

    def _set_state(self, allowed_from, new_state):
        for agreement in self:
            if agreement.state not in allowed_from:
                raise UserError(self.env._(
                    "Agreement %(agreement)s is %(state)s and cannot be set to %(new)s.",
                    agreement=agreement.display_name,
                    state=dict(self._fields["state"].selection)[agreement.state],
                    new=dict(self._fields["state"].selection)[new_state],
                ))
        guarded(self).write({"state": new_state})
        return True

    def _check_credit_rights(self, group, action):
        check_groups(self.env, (group,), action)
        self.check_access("write")

    def action_activate(self):
        """Draft or suspended -> active (credit analysts and managers)."""
        self._check_credit_rights(CREDIT_ANALYST_GROUP, self.env._("activate agreements"))
        return self._set_state(("draft", "suspended"), "active")

    def action_suspend(self):
        """Active -> suspended (credit analysts and managers)."""
        self._check_credit_rights(CREDIT_ANALYST_GROUP, self.env._("suspend agreements"))
        return self._set_state(("active",), "suspended")

    def action_terminate(self):
        """Draft, active or suspended -> terminated (credit analysts and managers)."""
        self._check_credit_rights(CREDIT_ANALYST_GROUP, self.env._("terminate agreements"))
        return self._set_state(("draft", "active", "suspended"), "terminated")

    def action_reset_draft(self):
        """Suspended or terminated -> draft (credit managers only)."""
        self._check_credit_rights(CREDIT_MANAGER_GROUP, self.env._("reset agreements to draft"))
        return self._set_state(("suspended", "terminated"), "draft")

    def action_view_client_debtors(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_base.action_factoring_client_debtor")
        action["domain"] = [("client_id", "=", self.client_id.id),
                            ("company_id", "=", self.company_id.id)]
        action["context"] = {"default_client_id": self.client_id.id,
                             "default_company_id": self.company_id.id,
                             "active_test": False}
        return action

    def action_view_schedules(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_base.action_factoring_schedule")
        action["domain"] = [("agreement_id", "=", self.id)]
        action["context"] = {"default_agreement_id": self.id, "default_client_id": self.client_id.id}
        return action

    def _compute_fee(self, amount, days):
        """Discount fee on a face value for a number of days outstanding."""
        self.ensure_one()
        days = max(days, 0)
        return self.currency_id.round(amount * self.discount_fee_rate / 100.0 * days / 30.0)
