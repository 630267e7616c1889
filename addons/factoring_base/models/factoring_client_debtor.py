from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

CREDIT_GROUP = "factoring_base.group_factoring_credit_analyst"
STATES = [("approved", "Approved"), ("blocked", "Blocked")]
# Fields that change only through action_approve / action_block (or the
# agreement's approved debtors), never by a direct write or create.
STATE_FIELDS = {"state", "state_date", "state_user_id"}
# A context value JSON-RPC cannot produce: only this module's own methods
# may pass the state guard in write().
_STATE_TOKEN = object()


class FactoringClientDebtor(models.Model):
    """One client x debtor pair per company: whether we buy this client's invoices
    on this debtor (approved) or not any more (blocked), since when, by whom and
    why. factoring_limits hangs the pair limits on it; the agreement's approved
    debtors are these records in state approved."""

    _name = "factoring.client.debtor"
    _description = "Client x Debtor"
    _inherit = ["mail.thread"]
    _order = "client_id, debtor_id, id"
    _check_company_auto = True

    client_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, ondelete="restrict",
        domain="[('is_factoring_client', '=', True)]", check_company=True, tracking=True)
    debtor_id = fields.Many2one(
        "res.partner", string="Debtor", required=True, index=True, ondelete="restrict",
        domain="[('is_factoring_debtor', '=', True)]", check_company=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    state = fields.Selection(
        STATES, required=True, default="approved", tracking=True, index=True, readonly=True,
        help="Approved: the client's invoices on this debtor may be assigned and funded. "
        "Blocked: they fail verification.")
    state_date = fields.Datetime(
        string="Since", readonly=True, default=fields.Datetime.now, tracking=True)
    state_user_id = fields.Many2one(
        "res.users", string="By", readonly=True, default=lambda self: self.env.user,
        tracking=True)
    reason = fields.Text(tracking=True, help="Why the pair was approved or blocked.")
    active = fields.Boolean(
        default=True, tracking=True,
        help="Archived when the debtor is removed from the client's approved debtors; "
        "kept for its history (and the limits hung on it).")
    debtor_collector_id = fields.Many2one(related="debtor_id.factoring_collector_id")
    debtor_rating = fields.Selection(related="debtor_id.factoring_rating")
    client_manager_id = fields.Many2one(related="client_id.factoring_client_manager_id")

    _pair_company_uniq = models.Constraint(
        "UNIQUE(client_id, debtor_id, company_id)",
        "A client and a debtor have one approval record per company.")

    @api.depends("client_id", "debtor_id")
    def _compute_display_name(self):
        for rec in self:
            rec.display_name = f"{rec.client_id.name or ''} / {rec.debtor_id.name or ''}"

    # ------------------------------------------------------------------
    # Guards
    # ------------------------------------------------------------------
    def _state_change_allowed(self):
        return self.env.su or self.env.context.get("factoring_client_debtor_state") is _STATE_TOKEN

    def _with_state_token(self):
        return self.with_context(factoring_client_debtor_state=_STATE_TOKEN)

    @api.model
    def _check_credit_rights(self):
        if not self.env.su and not self.env.user.has_group(CREDIT_GROUP):
            raise AccessError(self.env._(
                "Only credit analysts and credit managers may approve or block debtors "
                "for a client."))

    def _check_unique_pairs(self, vals_list):
        """A clear error before the database's unique constraint (which still
        guards two users creating the same pair at once)."""
        seen = set()
        for vals in vals_list:
            key = (vals.get("client_id"), vals.get("debtor_id"),
                   vals.get("company_id") or self.env.company.id)
            if key in seen:
                raise ValidationError(self.env._(
                    "%(debtor)s is given twice for client %(client)s.",
                    debtor=self.env["res.partner"].browse(key[1]).display_name,
                    client=self.env["res.partner"].browse(key[0]).display_name))
            seen.add(key)
            clash = self.sudo().with_context(active_test=False).search([
                ("client_id", "=", key[0]), ("debtor_id", "=", key[1]),
                ("company_id", "=", key[2]), ("id", "not in", self.ids)], limit=1)
            if clash:
                raise ValidationError(self.env._(
                    "Client %(client)s already has a record for debtor %(debtor)s in "
                    "%(company)s (%(state)s%(archived)s): change that one instead.",
                    client=clash.client_id.display_name, debtor=clash.debtor_id.display_name,
                    company=clash.company_id.name,
                    state=dict(STATES)[clash.state],
                    archived="" if clash.active else self.env._(", archived")))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # a new pair is approved now, by its creator; only the module's own
            # methods may create it blocked
            if STATE_FIELDS & set(vals) and not self._state_change_allowed():
                if vals.get("state", "approved") != "approved" or {
                        "state_date", "state_user_id"} & set(vals):
                    raise AccessError(self.env._(
                        "Debtor %s: a client x debtor record is created approved; block it "
                        "with its Block button.",
                        self.env["res.partner"].browse(vals.get("debtor_id")).display_name))
            if vals.get("state") == "blocked" and not (vals.get("reason") or "").strip():
                raise ValidationError(self.env._("Give the reason for blocking the debtor."))
        self._check_unique_pairs(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if STATE_FIELDS & set(vals) and not self._state_change_allowed():
            raise AccessError(self.env._(
                "%(record)s: the approval state changes only with the Approve and Block "
                "buttons.", record=", ".join(self.mapped("display_name"))))
        if {"client_id", "debtor_id", "company_id"} & set(vals):
            for rec in self:
                rec._check_unique_pairs([{
                    "client_id": vals.get("client_id", rec.client_id.id),
                    "debtor_id": vals.get("debtor_id", rec.debtor_id.id),
                    "company_id": vals.get("company_id", rec.company_id.id),
                }])
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_approve(self):
        """Approve the pairs (again): the client's invoices on the debtor may be
        funded."""
        self._check_credit_rights()
        self._set_state("approved")
        return True

    def action_block(self, reason=None):
        """Block the pairs: their lines fail verification, naming who blocked them,
        since when and why. The reason is required (given or already on the record)."""
        self._check_credit_rights()
        if reason is not None:
            self.write({"reason": reason})
        missing = self.filtered(lambda r: not (r.reason or "").strip())
        if missing:
            raise UserError(self.env._(
                "%s: write the reason for blocking before pressing Block.",
                ", ".join(missing.mapped("display_name"))))
        self._set_state("blocked")
        return True

    def _set_state(self, state):
        """Change the state, stamping since when and by whom (set-based)."""
        todo = self.with_context(active_test=False).filtered(
            lambda r: r.state != state or not r.active)
        if todo:
            todo._with_state_token().write({
                "state": state,
                "state_date": fields.Datetime.now(),
                "state_user_id": self.env.uid,
                "active": True,
            })
        return todo

    @api.model
    def _factoring_approve_pairs(self, pairs):
        """Approve client x debtor pairs, creating or reactivating their records.

        :param pairs: iterable of (client_id, debtor_id, company_id)
        :raise UserError: when a pair is blocked: unblocking is a deliberate act on
            the record itself.
        """
        pairs = set(pairs)
        if not pairs:
            return self.browse()
        existing = self.with_context(active_test=False).search([
            ("client_id", "in", list({p[0] for p in pairs})),
            ("debtor_id", "in", list({p[1] for p in pairs})),
            ("company_id", "in", list({p[2] for p in pairs})),
        ])
        by_key = {(r.client_id.id, r.debtor_id.id, r.company_id.id): r for r in existing}
        blocked = [by_key[p] for p in pairs if p in by_key and by_key[p].state == "blocked"
                   and by_key[p].active]
        if blocked:
            rec = blocked[0]
            raise UserError(self.env._(
                "Debtor %(debtor)s is blocked for client %(client)s since %(date)s by "
                "%(user)s (%(reason)s). Approve it on its client x debtor record first.",
                debtor=rec.debtor_id.display_name, client=rec.client_id.display_name,
                date=format_date(self.env, rec.state_date), user=rec.state_user_id.name,
                reason=rec.reason or "-"))
        to_reactivate = self.browse([by_key[p].id for p in pairs if p in by_key]).filtered(
            lambda r: not r.active or r.state != "approved")
        to_reactivate._set_state("approved")
        new = [p for p in pairs if p not in by_key]
        created = self.create([
            {"client_id": c, "debtor_id": d, "company_id": co} for c, d, co in new])
        return created | to_reactivate

    def _factoring_remove(self):
        """The debtor is no longer approved for the client: archive (history and
        limits stay)."""
        self.filtered("active").write({"active": False})

    # ------------------------------------------------------------------
    # Lookups for other code (set-based)
    # ------------------------------------------------------------------
    @api.model
    def _factoring_pair_states(self, pairs, company):
        """{(client_id, debtor_id): record} of the active records of these pairs in
        company (read as superuser: verification reads them for any role)."""
        pairs = list(pairs)
        if not pairs:
            return {}
        records = self.sudo().search([
            ("client_id", "in", list({p[0] for p in pairs})),
            ("debtor_id", "in", list({p[1] for p in pairs})),
            ("company_id", "=", company.id),
        ])
        return {(r.client_id.id, r.debtor_id.id): r for r in records}

    def action_view_agreements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_base.action_factoring_agreement")
        action["domain"] = [("client_id", "=", self.client_id.id),
                            ("company_id", "=", self.company_id.id)]
        return action
