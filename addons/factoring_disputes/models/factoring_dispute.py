from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import email_normalize, format_amount, format_date

from odoo.addons.factoring_base.models.factoring_guard import (
    check_groups,
    check_protected,
    guarded,
    is_guarded,
)
from odoo.addons.factoring_base.models.res_company_day import factoring_today

# Who opens disputes (from an item, a debtor, a client or by hand).
OPEN_GROUPS = (
    "factoring_base.group_factoring_collector",
    "factoring_base.group_factoring_client_manager",
)
SUPERVISOR_GROUP = "factoring_base.group_factoring_collections_supervisor"
# Roles allowed to resolve with a credit note (own invoices) and with recourse to
# the client (factored items) when the company configures none.
DEFAULT_CREDIT_NOTE_GROUPS = ("account.group_account_invoice", SUPERVISOR_GROUP)
DEFAULT_RECOURSE_GROUPS = ("factoring_base.group_factoring_operations", SUPERVISOR_GROUP)
# Changed only by the dispute's own methods (factoring_guard).
DISPUTE_PROTECTED = ("state", "date_closed", "overdue_notified_date", "escalated_date",
                     "last_resolution_date")
# Computed from the items and resolutions, never written (a stored computed
# field without inverse would otherwise take a value written over RPC).
DISPUTE_AMOUNTS = ("item_count", "amount_disputed", "amount_credited", "amount_written_off",
                   "amount_debtor_pays", "amount_rejected", "amount_unresolved",
                   "approval_pending", "payment_pending", "days_to_resolve")
# What a closed dispute keeps as it was closed.
LOCKED_WHEN_CLOSED = ("debtor_id", "client_id", "company_id", "line_ids", "reason_id",
                      "date_open", "stage_id", "user_id", "team_id")


class FactoringDispute(models.Model):
    _name = "factoring.dispute"
    _description = "Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, date_deadline, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "subject", "debtor_id.name"]
    # Every factoring role who reads a dispute may log a note or write to the debtor.
    _mail_post_access = "read"

    name = fields.Char(string="Reference", required=True, copy=False, readonly=True,
                       default="/", index="trigram")
    subject = fields.Char(string="Claim", tracking=True,
                          help="What the debtor claims, in a few words.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    debtor_id = fields.Many2one(
        "res.partner", string="Debtor", index=True, tracking=True,
        domain="[('is_company', '=', True)]",
        help="The customer who disputes; every disputed item is one of its items.")
    client_id = fields.Many2one(
        "res.partner", string="Client", index="btree_not_null", tracking=True,
        domain="[('is_factoring_client', '=', True)]",
        help="The factoring client who sold the disputed invoices (factored items); empty "
        "for the company's own invoices.")
    line_ids = fields.One2many("factoring.dispute.line", "dispute_id", string="Disputed Items",
                               copy=False)
    reason_id = fields.Many2one("factoring.dispute.reason", string="Reason", required=True,
                                tracking=True, index=True, ondelete="restrict")
    user_id = fields.Many2one(
        "res.users", string="Owner", tracking=True, index=True,
        domain="[('share', '=', False)]",
        help="Who works the dispute to its resolution.")
    team_id = fields.Many2one("crm.team", string="Team", tracking=True, index="btree_not_null")
    stage_id = fields.Many2one(
        "factoring.dispute.stage", string="Stage", tracking=True, index=True, copy=False,
        group_expand="_read_group_stage_ids", ondelete="restrict",
        default=lambda self: self._default_stage())
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved"), ("rejected", "Rejected")],
        default="open", required=True, tracking=True, copy=False, index=True, readonly=True)
    priority = fields.Selection(
        [("0", "Normal"), ("1", "Important"), ("2", "Urgent")], default="0", index=True)
    color = fields.Integer()
    date_open = fields.Date(string="Opened On", required=True, tracking=True,
                            default=factoring_today)
    date_deadline = fields.Date(
        string="Deadline", compute="_compute_date_deadline", store=True, index=True,
        help="Opening day plus the reason's SLA days.")
    date_closed = fields.Date(string="Closed On", readonly=True, copy=False, index=True)
    overdue_notified_date = fields.Date(
        string="Owner Reminded On", readonly=True, copy=False,
        help="The day the owner was given an activity because the deadline passed.")
    escalated_date = fields.Date(
        string="Escalated On", readonly=True, copy=False,
        help="The day the dispute was escalated to the collections supervisors.")
    last_resolution_date = fields.Datetime(readonly=True, copy=False)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    email_from = fields.Char(string="Email", help="Sender of the dispute received by e-mail.")
    description = fields.Html()
    resolution_ids = fields.One2many("factoring.dispute.resolution", "dispute_id",
                                     string="Resolutions", readonly=True, copy=False)
    item_count = fields.Integer(compute="_compute_amounts", store=True, string="Items")
    amount_disputed = fields.Monetary(
        compute="_compute_amounts", store=True, string="Disputed Amount", tracking=True)
    amount_credited = fields.Monetary(
        compute="_compute_amounts", store=True, string="Credit Notes and Recourse",
        help="Credit notes on own invoices and amounts charged back to the client (recourse).")
    amount_written_off = fields.Monetary(compute="_compute_amounts", store=True,
                                         string="Written Off")
    amount_debtor_pays = fields.Monetary(compute="_compute_amounts", store=True,
                                         string="Debtor Pays")
    amount_rejected = fields.Monetary(compute="_compute_amounts", store=True,
                                      string="Rejected")
    amount_unresolved = fields.Monetary(compute="_compute_amounts", store=True,
                                        string="Unresolved")
    approval_pending = fields.Boolean(compute="_compute_amounts", store=True,
                                      string="Awaiting Approval")
    payment_pending = fields.Boolean(compute="_compute_amounts", store=True,
                                     string="Awaiting Payment")
    days_to_resolve = fields.Integer(compute="_compute_amounts", store=True,
                                     aggregator="avg",
                                     help="Days from opening to closing (closed disputes).")

    _name_company_uniq = models.Constraint(
        "UNIQUE(name, company_id)", "The dispute reference must be unique per company.")

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    @api.model
    def _default_stage(self):
        return self.env["factoring.dispute.stage"].search([("stage_type", "=", "open")],
                                                          limit=1)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return self.env["factoring.dispute.stage"].search([("active", "=", True)])

    @api.depends("date_open", "reason_id.sla_days")
    def _compute_date_deadline(self):
        for dispute in self:
            dispute.date_deadline = dispute.date_open and (
                dispute.date_open + timedelta(days=dispute.reason_id.sla_days or 0))

    def _compute_is_overdue(self):
        days = self.company_id._factoring_days()
        for dispute in self:
            dispute.is_overdue = (dispute.state == "open" and dispute.date_deadline
                                  and dispute.date_deadline < days[dispute.company_id.id])

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = Domain("state", "=", "open") & self.env[
            "res.company"]._factoring_day_domain("date_deadline", "<")
        return domain if (operator == "=") == value else ~domain

    @api.depends("line_ids.amount", "line_ids.amount_company", "resolution_ids.amount",
                 "resolution_ids.kind", "resolution_ids.state", "state", "date_closed",
                 "date_open")
    def _compute_amounts(self):
        """Totals in company currency. Each item's amounts are in its own
        currency: they are converted per item at the item's rate, and a fully
        resolved item's parts add up to its disputed amount exactly (the
        rounding difference goes to its largest part)."""
        for dispute in self:
            done = dispute.resolution_ids.filtered(lambda r: r.state != "cancelled")
            currency = dispute.currency_id or self.env.company.currency_id
            totals = dict.fromkeys(("credit_note", "recourse", "write_off", "debtor_pays",
                                    "rejected"), 0.0)
            unresolved = 0.0
            for line in dispute.line_ids:
                by_kind = {}
                for resolution in done.filtered(lambda r, ln=line: r.line_id == ln):
                    by_kind[resolution.kind] = by_kind.get(resolution.kind, 0.0) \
                        + resolution.amount
                parts = {kind: line._to_company(amount) for kind, amount in by_kind.items()}
                left = line.amount_company - sum(parts.values())
                if parts and line.currency_id.is_zero(line.amount - sum(by_kind.values())):
                    largest = max(parts, key=lambda kind: abs(parts[kind]))
                    parts[largest] = currency.round(parts[largest] + left)
                    left = 0.0
                unresolved += left
                for kind, amount in parts.items():
                    totals[kind] += amount
            dispute.item_count = len(dispute.line_ids)
            dispute.amount_disputed = currency.round(sum(dispute.line_ids.mapped(
                "amount_company")))
            dispute.amount_credited = currency.round(totals["credit_note"] + totals["recourse"])
            dispute.amount_written_off = currency.round(totals["write_off"])
            dispute.amount_debtor_pays = currency.round(totals["debtor_pays"])
            dispute.amount_rejected = currency.round(totals["rejected"])
            dispute.amount_unresolved = currency.round(unresolved)
            dispute.approval_pending = any(r.state == "to_approve" for r in done)
            dispute.payment_pending = any(r.state == "pending" for r in done)
            dispute.days_to_resolve = (
                (dispute.date_closed - dispute.date_open).days
                if dispute.date_closed and dispute.date_open else 0)

    def _lines_unresolved(self):
        """The lines of these disputes with an amount left to resolve (each in
        its item's currency)."""
        return self.line_ids.filtered(lambda line: not line.currency_id.is_zero(
            line.amount_unresolved))

    @api.depends("name", "subject", "debtor_id")
    def _compute_display_name(self):
        for dispute in self:
            parts = [dispute.name or ""]
            if dispute.debtor_id:
                parts.append(dispute.debtor_id.name)
            if dispute.subject:
                parts.append(dispute.subject)
            dispute.display_name = " - ".join(p for p in parts if p)

    # ------------------------------------------------------------------
    # Rights and guards
    # ------------------------------------------------------------------
    def _names(self, limit=5):
        names = ", ".join(self[:limit].mapped("name"))
        return names + (", ..." if len(self) > limit else "")

    @api.model
    def _check_open_rights(self):
        check_groups(self.env, OPEN_GROUPS, self.env._("open disputes"))

    def _is_supervisor(self):
        return self.env.su or self.env.user.has_group(SUPERVISOR_GROUP)

    def _check_work_rights(self, action, strict=False):
        """Owners work their disputes; collections supervisors (and factoring
        managers) every dispute. Who opened a dispute completes it (items,
        description) until it has a resolution, but resolves it only when
        owning it (``strict``)."""
        if self._is_supervisor():
            return
        uid = self.env.uid
        for dispute in self:
            if dispute.user_id.id == uid or (
                    not strict and dispute.create_uid.id == uid and not dispute.resolution_ids):
                continue
            raise AccessError(self.env._(
                "Dispute %(dispute)s: only its owner (%(owner)s) or a collections supervisor "
                "may %(action)s.",
                dispute=dispute.name, owner=dispute.user_id.name or self.env._("none"),
                action=action))

    def _check_open(self):
        closed = self.filtered(lambda d: d.state != "open")
        if closed:
            raise UserError(self.env._(
                "Dispute %(dispute)s is closed (%(state)s): it can no longer change.",
                dispute=closed[0].name, state=closed[0]._state_label()))

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    @api.model_create_multi
    def create(self, vals_list):
        check_protected(self, vals_list, DISPUTE_PROTECTED + DISPUTE_AMOUNTS,
                        lambda vals: vals.get("name") or self.env._("New dispute"))
        if not is_guarded(self):
            self._check_open_rights()
        stages = self.env["factoring.dispute.stage"]
        for vals in vals_list:
            if vals.get("stage_id") and stages.browse(vals["stage_id"]).stage_type != "open":
                raise UserError(self.env._(
                    "A dispute is opened in an open stage; it reaches a closed stage only "
                    "through its resolution."))
            self._prepare_defaults(vals)
            self._precheck_lines(vals)
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")
                                                         or self.env.company.id)
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "factoring.dispute") or "/"
        disputes = super().create(vals_list)
        for dispute in disputes:
            if dispute.user_id:
                dispute.message_subscribe(partner_ids=dispute.user_id.partner_id.ids)
        return disputes

    @api.model
    def _prepare_defaults(self, vals):
        """Client, owner and team of a new dispute from its items, debtor and reason."""
        Line = self.env["account.move.line"]
        items = Line
        for command in vals.get("line_ids") or []:
            if command[0] == 0 and command[2].get("move_line_id"):
                items |= Line.browse(command[2]["move_line_id"])
        if items:
            if not vals.get("debtor_id"):
                vals["debtor_id"] = items[0].partner_id.commercial_partner_id.id
            if "client_id" not in vals:
                vals["client_id"] = items[0].factoring_client_id.id
            if not vals.get("company_id"):
                vals["company_id"] = items[0].company_id.id
        reason = self.env["factoring.dispute.reason"].browse(vals.get("reason_id"))
        debtor = self.env["res.partner"].browse(vals.get("debtor_id"))
        if "user_id" not in vals:
            # the mail gateway runs as the superuser: no owner rather than OdooBot
            opener = self.env.uid if self.env.uid != SUPERUSER_ID else False
            vals["user_id"] = (debtor.sudo().factoring_collector_id or reason.user_id).id \
                or opener
        if "team_id" not in vals and reason.team_id:
            vals["team_id"] = reason.team_id.id

    @api.model
    def _precheck_lines(self, vals):
        """The items of a new dispute are checked before anything is written."""
        Line = self.env["factoring.dispute.line"]
        Item = self.env["account.move.line"]
        Partner = self.env["res.partner"]
        company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
        for command in vals.get("line_ids") or []:
            if command[0] == 0 and command[2].get("move_line_id"):
                Line._check_item_values(
                    vals.get("name") or self.env._("New dispute"),
                    Partner.browse(vals.get("debtor_id")), Partner.browse(vals.get("client_id")),
                    company, Item.browse(command[2]["move_line_id"]),
                    command[2].get("amount", 0.0), exclude=Line)

    def write(self, vals):
        check_protected(self, [vals], DISPUTE_PROTECTED + DISPUTE_AMOUNTS,
                        lambda _vals: self._names())
        if not is_guarded(self):
            if set(vals) & set(LOCKED_WHEN_CLOSED):
                self._check_open()
            if not self.env.su:
                self._check_work_rights(self.env._("change it"))
            if vals.get("stage_id"):
                stage = self.env["factoring.dispute.stage"].browse(vals["stage_id"])
                if stage.stage_type != "open":
                    raise UserError(self.env._(
                        "Dispute %(dispute)s: the stage %(stage)s closes a dispute; resolve "
                        "or reject it instead (Resolve button), so that its amounts are "
                        "accounted for.", dispute=self._names(), stage=stage.name))
        res = super().write(vals)
        if "user_id" in vals and vals["user_id"]:
            self.message_subscribe(partner_ids=self.env["res.users"].browse(
                vals["user_id"]).partner_id.ids)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_worked(self):
        if self.env.su:
            return
        if not self.env.user.has_group("factoring_base.group_factoring_manager"):
            raise AccessError(self.env._("Only factoring managers may delete disputes."))
        worked = self.filtered(lambda d: d.resolution_ids or d.state != "open")
        if worked:
            raise UserError(self.env._(
                "Dispute %s has resolutions: it cannot be deleted.", worked[0].name))

    def unlink(self):
        # the lines go with the dispute (database cascade): lift their holds first
        for dispute in self:
            dispute.line_ids.move_line_id._factoring_lift_holds("dispute", dispute)
        return super().unlink()

    @api.constrains("debtor_id", "client_id", "company_id")
    def _check_lines_match(self):
        self.line_ids._check_item()

    # ------------------------------------------------------------------
    # Company configuration read by the resolutions
    # ------------------------------------------------------------------
    def _check_role(self, field_name, defaults, action):
        """The user must hold one of the roles the company configured in
        ``field_name`` (or, when none is configured, one of ``defaults``)."""
        groups = self.company_id[field_name]
        if not groups:
            check_groups(self.env, defaults, action)
        elif not (self.env.su or groups & self.env.user.all_group_ids):
            raise AccessError(self.env._(
                "You are not allowed to %(action)s (roles allowed in %(company)s: "
                "%(groups)s).", action=action, company=self.company_id.name,
                groups=", ".join(groups.mapped("full_name"))))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_resolve_wizard(self):
        self.ensure_one()
        self._check_work_rights(self.env._("resolve it"), strict=True)
        self._check_open()
        if not self.line_ids:
            raise UserError(self.env._("Dispute %s has no disputed items to resolve.",
                                       self.name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Resolve %s", self.name),
            "res_model": "factoring.dispute.resolve",
            "view_mode": "form",
            "target": "new",
            "context": {"default_dispute_id": self.id},
        }

    def action_reject(self):
        """The claim is refused in full: whatever is not yet resolved is rejected,
        the holds lift and dunning resumes."""
        self._check_work_rights(self.env._("reject it"), strict=True)
        self._check_open()
        for dispute in self:
            amounts = {line: line.amount_unresolved for line in dispute._lines_unresolved()}
            if not amounts:
                raise UserError(self.env._(
                    "Dispute %s has nothing left to reject.", dispute.name))
            dispute._factoring_resolve("rejected", amounts)
        return True

    def action_close(self):
        """Close a dispute whose amounts are all resolved; refused otherwise."""
        self._check_work_rights(self.env._("close it"), strict=True)
        self._check_open()
        for dispute in self:
            if not dispute.line_ids:
                raise UserError(self.env._(
                    "Dispute %s has no disputed items: nothing to close. Add the items or "
                    "reject the claim.", dispute.name))
            if dispute._lines_unresolved():
                raise UserError(self.env._(
                    "Dispute %(dispute)s cannot be closed without a resolution: "
                    "%(amount)s of the disputed %(disputed)s is not resolved (credit note, "
                    "debtor pays, write-off or rejected).",
                    dispute=dispute.name, amount=dispute.amount_unresolved,
                    disputed=dispute.amount_disputed))
            if dispute.approval_pending or dispute.payment_pending:
                raise UserError(self.env._(
                    "Dispute %s waits for a write-off approval or the debtor's payment; it "
                    "closes by itself when they come.", dispute.name))
            dispute._factoring_try_close()
        return True

    def action_check_payments(self):
        """On demand: close the disputes whose debtor agreed to pay and did."""
        self._check_work_rights(self.env._("check its payments"))
        self._factoring_check_payments()
        return True

    def action_view_items(self):
        self.ensure_one()
        check_groups(self.env, ["factoring_base.group_factoring_user"],
                     self.env._("read disputes"))
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_base.action_factoring_open_items")
        action.update({
            "domain": [("id", "in", self.line_ids.move_line_id.ids)],
            "context": {},
            "name": self.env._("Items of %s", self.name),
        })
        return action

    def action_view_moves(self):
        self.ensure_one()
        check_groups(self.env, ["factoring_base.group_factoring_user"],
                     self.env._("read disputes"))
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Resolution entries of %s", self.name),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.resolution_ids.move_id.ids)],
        }

    # ------------------------------------------------------------------
    # Resolution engine (called by the wizard and the actions above)
    # ------------------------------------------------------------------
    def _factoring_resolve(self, kind, amounts, note=False, request_approval=False):
        """Resolve ``amounts`` ({dispute line: amount}) of this dispute as
        ``kind``: credit_note or recourse (either way, each own invoice gets a
        customer credit note and each factored item recourse to the client),
        debtor_pays, write_off or rejected. Checks the
        caller's rights and the amounts, posts the accounting documents, lifts
        the holds of the lines fully resolved and closes the dispute when all is
        resolved. All or nothing: a failure writes nothing."""
        self.ensure_one()
        self._check_work_rights(self.env._("resolve it"), strict=True)
        self._check_open()
        # Writing the dispute's row first: two resolutions of the same dispute at
        # once conflict on it (the second waits, then fails to serialize and is
        # retried on fresh data), so the amounts cannot be allocated twice.
        guarded(self.sudo()).write({"last_resolution_date": fields.Datetime.now()})
        # sent now (not at the end of the transaction): the second resolution
        # waits here, before computing anything on stale amounts
        self.sudo().flush_recordset(["last_resolution_date"])
        # each amount in its item's currency
        amounts = {line: line.currency_id.round(amount) for line, amount in amounts.items()
                   if not line.currency_id.is_zero(amount)}
        if not amounts:
            raise UserError(self.env._("Dispute %s: enter the amount to resolve on at least "
                                       "one item.", self.name))
        for line, amount in amounts.items():
            if line.dispute_id != self:
                raise UserError(self.env._("Item %(item)s is not disputed in %(dispute)s.",
                                           item=line.display_name, dispute=self.name))
            currency = line.currency_id
            if currency.compare_amounts(amount, 0) < 0:
                raise ValidationError(self.env._(
                    "Dispute %(dispute)s, item %(item)s: a resolved amount cannot be "
                    "negative (%(amount)s).", dispute=self.name, item=line.invoice_number,
                    amount=amount))
            if currency.compare_amounts(amount, line.amount_unresolved) > 0:
                raise ValidationError(self.env._(
                    "Dispute %(dispute)s, item %(item)s: %(amount)s is more than its "
                    "unresolved disputed amount %(open)s; the resolutions of an item add up "
                    "to its disputed amount.", dispute=self.name, item=line.invoice_number,
                    amount=amount, open=line.amount_unresolved))
        Resolution = self.env["factoring.dispute.resolution"]
        vals_list = []
        for line, amount in amounts.items():
            line_kind = kind
            if kind in ("credit_note", "recourse"):
                # each item gets the document of its kind: recourse to the client
                # for a factored item, a credit note for an own invoice
                line_kind = "recourse" if line.move_line_id.factoring_client_id \
                    else "credit_note"
            vals_list.append({
                "dispute_id": self.id, "line_id": line.id, "kind": line_kind,
                "amount": amount, "note": note, "user_id": self.env.uid,
            })
        kinds = {vals["kind"] for vals in vals_list}
        if "credit_note" in kinds:
            self._check_role("factoring_dispute_credit_note_group_ids",
                             DEFAULT_CREDIT_NOTE_GROUPS,
                             self.env._("resolve disputes with a credit note"))
        if "recourse" in kinds:
            self._check_role("factoring_dispute_recourse_group_ids", DEFAULT_RECOURSE_GROUPS,
                             self.env._("charge disputed amounts back to the client "
                                        "(recourse)"))
        to_approve = False
        if kind == "write_off":
            # the allowance is in company currency: each item's amount at its rate
            to_approve = self._check_writeoff_allowance(
                max(line._to_company(amount) for line, amount in amounts.items()),
                request_approval)
        for vals in vals_list:
            if vals["kind"] == "debtor_pays":
                vals["state"] = "pending"
            elif to_approve:
                vals["state"] = "to_approve"
            else:
                vals["state"] = "done"
        resolutions = guarded(Resolution.sudo()).create(vals_list)
        resolutions.filtered(lambda r: r.state == "done")._post_documents()
        if to_approve:
            self._factoring_request_approval(resolutions)
        labels = dict(Resolution._fields["kind"]._description_selection(self.env))
        self.message_post(body=self.env._(
            "Resolved: %(items)s.",
            items="; ".join(
                self.env._("%(item)s %(amount)s %(kind)s%(state)s",
                           item=r.line_id.invoice_number,
                           amount=format_amount(self.env, r.amount, r.currency_id),
                           kind=labels[r.kind].lower(),
                           state=(self.env._(" (awaiting approval)") if r.state == "to_approve"
                                  else self.env._(" (awaiting payment)")
                                  if r.state == "pending" else ""))
                for r in resolutions)))
        resolutions._check_allocation()
        self._factoring_after_resolution()
        return resolutions.with_env(self.env)

    def _writeoff_allowance(self):
        """The current user's write-off allowance in this dispute's company, or
        None when no role of the user may write off."""
        self.ensure_one()
        limits = self.env["factoring.dispute.writeoff.limit"].sudo().search([
            ("company_id", "=", self.company_id.id),
            ("group_id", "in", self.env.user.all_group_ids.ids)])
        return max(limits.mapped("amount")) if limits else None

    def _check_writeoff_allowance(self, amount, request_approval):
        """:return: True when the write-off waits for a supervisor's approval."""
        if self.env.su:
            return False
        allowance = self._writeoff_allowance()
        if allowance is None:
            raise AccessError(self.env._(
                "Dispute %s: your roles may not write disputed amounts off (Factoring > "
                "Configuration > Write-off Allowances).", self.name))
        if self.currency_id.compare_amounts(amount, allowance) <= 0:
            return False
        if not request_approval:
            raise UserError(self.env._(
                "Dispute %(dispute)s: a write-off of %(amount)s is above your allowance of "
                "%(allowance)s. Nothing was written off; ask a collections supervisor to "
                "approve it (tick \"Request approval\").",
                dispute=self.name, amount=amount, allowance=allowance))
        return True

    def _factoring_request_approval(self, resolutions):
        supervisors = self._supervisor_users()
        for user in supervisors:
            self.activity_schedule(
                "mail.mail_activity_data_todo", user_id=user.id,
                summary=self.env._("Approve a write-off of %s", sum(resolutions.mapped("amount"))),
                note=self.env._("Write-off requested by %s above their allowance.",
                                self.env.user.name))

    def _supervisor_users(self):
        self.ensure_one()
        group = self.env.ref(SUPERVISOR_GROUP)
        return self.env["res.users"].sudo().search([
            ("all_group_ids", "in", group.ids), ("company_ids", "in", self.company_id.ids),
            ("share", "=", False), ("id", "!=", self.env.ref("base.user_root").id)])

    def _factoring_after_resolution(self):
        """Lift the holds of the fully resolved items; close the dispute when
        nothing remains to resolve, wait for the debtor's payment otherwise."""
        for dispute in self:
            resolved = dispute.line_ids.filtered(
                lambda line: line.currency_id.is_zero(line.amount_unresolved)
                and not any(r.state == "to_approve" for r in line.resolution_ids))
            if resolved:
                resolved.move_line_id._factoring_lift_holds("dispute", dispute)
            dispute._factoring_try_close()

    def _factoring_try_close(self):
        for dispute in self.filtered(lambda d: d.state == "open"):
            if not dispute.line_ids or dispute._lines_unresolved() or dispute.approval_pending:
                continue
            if dispute.payment_pending:
                waiting = self.env.ref("factoring_disputes.stage_waiting_debtor",
                                       raise_if_not_found=False)
                if waiting and dispute.stage_id != waiting:
                    guarded(dispute.sudo()).write({"stage_id": waiting.id})
                continue
            settled = dispute.resolution_ids.filtered(
                lambda r: r.state == "done" and r.kind != "rejected")
            state = "resolved" if settled else "rejected"
            stage = self.env["factoring.dispute.stage"].search(
                [("stage_type", "=", state)], limit=1)
            guarded(dispute.sudo()).write({
                "state": state,
                "stage_id": stage.id or dispute.stage_id.id,
                "date_closed": dispute.company_id._factoring_today(),
            })
            dispute.line_ids.move_line_id._factoring_lift_holds("dispute", dispute)
            dispute.activity_ids.sudo().action_feedback(
                feedback=self.env._("Dispute closed (%s).", dispute._state_label()))

    def _factoring_check_payments(self):
        """Debtor-pays resolutions whose item is paid are done; their disputes
        close when nothing else is pending. Set-based search of the pending
        resolutions; returns the disputes closed."""
        domain = [("state", "=", "pending"), ("kind", "=", "debtor_pays")]
        if self:
            domain.append(("dispute_id", "in", self.ids))
        pending = self.env["factoring.dispute.resolution"].sudo().search(domain)
        paid = pending.filtered(lambda r: r.line_id.move_line_id.reconciled)
        if not paid:
            return self.browse()
        guarded(paid).write({"state": "done"})
        disputes = paid.dispute_id.with_env(self.env)
        open_before = disputes.filtered(lambda d: d.state == "open")
        for dispute in disputes:
            dispute.sudo().message_post(body=self.env._(
                "The debtor paid %(items)s: the agreed payment is in.",
                items=", ".join(paid.filtered(
                    lambda r, d=dispute: r.dispute_id == d).line_id.mapped("invoice_number"))))
        disputes.sudo()._factoring_try_close()
        return open_before.filtered(lambda d: d.state != "open")

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------
    @api.model
    def _cron_check_payments(self):
        self.sudo()._factoring_check_payments()

    @api.model
    def _cron_deadlines(self):
        """Past the deadline: an activity for the owner (once). A further
        ``factoring_dispute_escalation_days`` later: an activity for each
        collections supervisor (once). Both logged in the chatter; running the
        cron again the same or another day adds nothing. Each company on its
        factoring day."""
        overdue = escalated = self.sudo().browse()
        for company, today in self.env["res.company"]._factoring_all_days():
            company_overdue, company_escalated = self._deadlines(company, today)
            overdue |= company_overdue
            escalated |= company_escalated
        return overdue, escalated

    @api.model
    def _deadlines(self, company, today):
        """The reminders and escalations of ``company``'s disputes on its day
        ``today``: (reminded disputes, escalated disputes)."""
        Dispute = self.sudo()
        overdue = Dispute.search([
            ("company_id", "=", company.id),
            ("state", "=", "open"), ("date_deadline", "<", today),
            ("overdue_notified_date", "=", False)])
        for dispute in overdue:
            owner = dispute.user_id or dispute._supervisor_users()[:1]
            if owner:
                dispute.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=owner.id, date_deadline=today,
                    summary=self.env._("Dispute past its deadline"),
                    note=self.env._("The deadline of %(dispute)s was %(deadline)s.",
                                    dispute=dispute.name,
                                    deadline=format_date(self.env, dispute.date_deadline)))
            dispute.message_post(body=self.env._(
                "Deadline %(deadline)s passed: %(owner)s was given an activity.",
                deadline=format_date(self.env, dispute.date_deadline),
                owner=owner.name or self.env._("nobody (no owner, no supervisor)")))
        guarded(overdue.sudo()).write({"overdue_notified_date": today})
        limit = today - timedelta(days=company.factoring_dispute_escalation_days)
        late = Dispute.search([
            ("company_id", "=", company.id), ("state", "=", "open"),
            ("escalated_date", "=", False), ("date_deadline", "<", limit)])
        for dispute in late:
            supervisors = dispute._supervisor_users()
            for user in supervisors:
                dispute.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=user.id, date_deadline=today,
                    summary=self.env._("Escalated dispute"),
                    note=self.env._(
                        "%(dispute)s is %(days)s days past its deadline %(deadline)s.",
                        dispute=dispute.name, days=(today - dispute.date_deadline).days,
                        deadline=format_date(self.env, dispute.date_deadline)))
            dispute.message_post(body=self.env._(
                "Escalated to the collections supervisors (%(users)s): %(days)s days past "
                "the deadline.", users=", ".join(supervisors.mapped("name")) or "-",
                days=(today - dispute.date_deadline).days))
        guarded(late.sudo()).write({"escalated_date": today})
        return overdue, late

    # ------------------------------------------------------------------
    # Mail gateway: the disputes alias
    # ------------------------------------------------------------------
    @api.model
    def _factoring_find_debtor(self, email):
        """The debtor an e-mail address belongs to: the commercial partner of the
        contacts with that address (the debtor itself, its AP contacts...),
        factoring debtors first."""
        normalized = email_normalize(email or "")
        if not normalized:
            return self.env["res.partner"]
        partners = self.env["res.partner"].sudo().search(
            [("email_normalized", "=", normalized)])
        debtors = partners.commercial_partner_id
        return (debtors.filtered("is_factoring_debtor") or debtors)[:1]

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        values = dict(custom_values or {})
        debtor = self._factoring_find_debtor(msg_dict.get("email_from"))
        reason = self.env.ref("factoring_disputes.reason_other", raise_if_not_found=False)
        values.setdefault("subject", msg_dict.get("subject") or self.env._("No subject"))
        values.setdefault("email_from", msg_dict.get("email_from"))
        if debtor:
            values.setdefault("debtor_id", debtor.id)
            if debtor.company_id:
                values.setdefault("company_id", debtor.company_id.id)
        if reason:
            values.setdefault("reason_id", reason.id)
        dispute = super(FactoringDispute, self.with_context(
            mail_create_nolog=True)).message_new(msg_dict, custom_values=values)
        if not debtor:
            dispute.message_post(body=self.env._(
                "The sender %s matches no debtor: set the debtor and the items.",
                msg_dict.get("email_from")))
        elif debtor:
            dispute.message_subscribe(partner_ids=debtor.ids)
        return dispute
