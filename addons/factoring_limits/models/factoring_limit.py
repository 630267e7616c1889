from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import format_amount, format_date

from odoo.addons.factoring_base.models.factoring_guard import (
    check_groups,
    check_protected,
    guarded,
    is_guarded,
)
from odoo.addons.factoring_base.models.res_company_day import factoring_today
from odoo.addons.factoring_base.models.res_partner import RATINGS

from .factoring_limit_rule import SCOPES

CLIENT_MANAGER_GROUP = "factoring_base.group_factoring_client_manager"
ANALYST_GROUP = "factoring_base.group_factoring_credit_analyst"
CREDIT_MANAGER_GROUP = "factoring_base.group_factoring_credit_manager"
STATES = [
    ("draft", "Draft"),
    ("requested", "Requested"),
    ("proposed", "Proposed"),
    ("approved", "Approved (Scheduled)"),
    ("active", "Active"),
    ("superseded", "Superseded"),
    ("expired", "Expired"),
    ("rejected", "Rejected"),
]
# Written only by the limit's own methods (factoring_base's guard).
LIMIT_PROTECTED = (
    "state", "version", "requester_id", "request_date", "proposer_id", "propose_date",
    "proposal_rating", "rule_id", "approvals_required", "approved_date", "rejection_reason",
    "rejected_user_id", "rejected_date", "previous_id", "end_date", "funding_check_count",
    "client_debtor_id",
)
# The terms of a version: free in draft, adjusted by credit risk while requested,
# frozen from the proposal on (a change is a new version).
LIMIT_TERMS = (
    "scope", "client_id", "debtor_id", "company_id", "currency_id", "amount", "date_from",
    "date_to", "is_temporary",
)
# What credit risk owns once the limit has left the draft.
LIMIT_CREDIT_FIELDS = ("review_date", "proposal_note", "document_ids")
# Documents that make a large debtor limit approvable.
FINANCIAL_DOCUMENTS = ("agency_report", "financial_statements")


class FactoringLimit(models.Model):
    """One version of a client, debtor or client x debtor limit.

    Every change of a limit is a new version: a client manager requests it, a
    credit analyst proposes it, the approvers the approval matrix names approve
    it; the approved version becomes active and supersedes the previous one. A
    temporary version falls back to the previous one when it ends. Versions are
    never deleted once requested: they are the limit's history."""

    _name = "factoring.limit"
    _description = "Factoring Limit"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "company_id, scope, client_id, debtor_id, version desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True, string="Limit")
    scope = fields.Selection(SCOPES, required=True, default="debtor", tracking=True, index=True)
    client_id = fields.Many2one(
        "res.partner", string="Client", index="btree_not_null", tracking=True,
        domain="[('is_factoring_client', '=', True)]", check_company=True, ondelete="restrict")
    debtor_id = fields.Many2one(
        "res.partner", string="Debtor", index="btree_not_null", tracking=True,
        domain="[('is_factoring_debtor', '=', True)]", check_company=True, ondelete="restrict")
    partner_id = fields.Many2one(
        "res.partner", compute="_compute_partner_id", store=True, index=True,
        string="Partner", help="The debtor of a debtor or pair limit, the client of a client limit.")
    client_debtor_id = fields.Many2one(
        "factoring.client.debtor", string="Client x Debtor", index="btree_not_null",
        readonly=True, ondelete="restrict", copy=False,
        help="The client x debtor record a pair limit hangs on.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    currency_id = fields.Many2one(
        "res.currency", required=True, tracking=True,
        default=lambda self: self.env.company.currency_id)
    amount = fields.Monetary(required=True, tracking=True)
    amount_company = fields.Monetary(
        compute="_compute_amount_company", currency_field="company_currency_id",
        string="Amount (company currency)")
    date_from = fields.Date(
        string="Valid From", required=True, default=factoring_today, tracking=True)
    date_to = fields.Date(string="Valid To", tracking=True)
    review_date = fields.Date(tracking=True)
    is_temporary = fields.Boolean(
        string="Temporary", tracking=True,
        help="When a temporary limit ends, the version it superseded is active again.")
    reason = fields.Text(string="Request Reason", tracking=True)
    proposal_note = fields.Text(string="Proposal", tracking=True)
    state = fields.Selection(
        STATES, default="draft", required=True, tracking=True, copy=False, index=True)
    version = fields.Integer(readonly=True, copy=False, default=0)
    requester_id = fields.Many2one("res.users", string="Requested by", readonly=True, copy=False)
    request_date = fields.Datetime(string="Requested on", readonly=True, copy=False)
    proposer_id = fields.Many2one("res.users", string="Proposed by", readonly=True, copy=False)
    propose_date = fields.Datetime(string="Proposed on", readonly=True, copy=False)
    proposal_rating = fields.Selection(
        RATINGS, string="Rating at Proposal", readonly=True, copy=False)
    document_ids = fields.Many2many(
        "factoring.credit.document", string="Credit Documents", check_company=True,
        help="The documents the proposal rests on.")
    rule_id = fields.Many2one(
        "factoring.limit.rule", string="Approval Rule", readonly=True, copy=False)
    approval_group_id = fields.Many2one(related="rule_id.group_id", string="Approved by Group")
    approvals_required = fields.Integer(readonly=True, copy=False)
    approval_ids = fields.One2many(
        "factoring.limit.approval", "limit_id", string="Approvals", readonly=True)
    approval_count = fields.Integer(compute="_compute_approval_count", string="Approvals Given")
    approved_date = fields.Datetime(string="Approved on", readonly=True, copy=False)
    rejection_reason = fields.Text(readonly=True, copy=False, tracking=True)
    rejected_user_id = fields.Many2one("res.users", string="Rejected by", readonly=True, copy=False)
    rejected_date = fields.Datetime(string="Rejected on", readonly=True, copy=False)
    previous_id = fields.Many2one(
        "factoring.limit", string="Previous Version", readonly=True, copy=False,
        index="btree_not_null")
    end_date = fields.Date(
        string="Ended on", readonly=True, copy=False,
        help="The day the version stopped being active (superseded or expired).")
    # Funding writes it on the active limits it relies on: two fundings at once
    # cannot both take the last headroom (see factoring.schedule._verify_limits).
    funding_check_count = fields.Integer(readonly=True, copy=False, default=0)
    can_approve = fields.Boolean(
        compute="_compute_can_approve", search="_search_can_approve",
        string="I May Approve")
    approval_blocked_reason = fields.Char(
        compute="_compute_approval_blocked_reason", string="Why I May Not Decide",
        help="Why you may not propose (a requested limit) or approve (a proposed limit) "
        "this version: the four-eyes rule, your approval band, an approval already given.")
    proposal_warning = fields.Char(
        compute="_compute_proposal_warning", string="Rating Warning",
        help="The partner is rated below the grade from which the company warns proposals "
        "(Settings); a warning, not a block.")
    utilisation = fields.Monetary(
        compute="_compute_position", currency_field="company_currency_id")
    headroom = fields.Monetary(compute="_compute_position", currency_field="company_currency_id")
    utilisation_percent = fields.Float(compute="_compute_position", string="Utilisation (%)")
    sector_id = fields.Many2one(related="partner_id.factoring_sector_id", store=True,
                                string="Sector")
    analyst_id = fields.Many2one(related="partner_id.factoring_credit_analyst_id", store=True,
                                 string="Credit Analyst")
    client_manager_id = fields.Many2one(
        compute="_compute_client_manager_id", comodel_name="res.users", string="Client Manager")

    _one_active_idx = models.UniqueIndex(
        "(company_id, scope, COALESCE(client_id, 0), COALESCE(debtor_id, 0)) "
        "WHERE state = 'active'",
        "A client, debtor or client x debtor pair has one active limit per company.")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("scope", "client_id.name", "debtor_id.name", "version")
    def _compute_name(self):
        labels = dict(SCOPES)
        for limit in self:
            who = " / ".join(p.name for p in (limit.client_id, limit.debtor_id) if p)
            limit.name = f"{labels.get(limit.scope, '')} {who} v{limit.version}".strip()

    @api.depends("scope", "client_id", "debtor_id")
    def _compute_partner_id(self):
        for limit in self:
            limit.partner_id = limit.client_id if limit.scope == "client" else limit.debtor_id

    def _compute_client_manager_id(self):
        for limit in self:
            limit.client_manager_id = (
                limit.client_id or limit.debtor_id).factoring_client_manager_id

    @api.depends("amount", "currency_id", "company_id")
    def _compute_amount_company(self):
        for limit in self:
            limit.amount_company = limit._to_company(limit.amount)

    def _to_company(self, amount, day=None):
        self.ensure_one()
        company = self.company_id or self.env.company
        if not self.currency_id or self.currency_id == company.currency_id:
            return amount
        return self.currency_id._convert(
            amount, company.currency_id, company, day or company._factoring_today())

    def _compute_approval_count(self):
        counts = dict(self.env["factoring.limit.approval"].sudo()._read_group(
            [("limit_id", "in", self.ids)], ["limit_id"], ["__count"]))
        for limit in self:
            limit.approval_count = counts.get(limit, 0)

    @api.depends_context("uid")
    def _compute_can_approve(self):
        # the form's button follows the action's own check (_decision_blocked);
        # _can_approve_domain is its search form (the Limits to Approve menu)
        for limit in self:
            limit.can_approve = limit.state == "proposed" and not limit._decision_blocked()[0]

    def _can_approve_domain(self):
        user = self.env.user
        mine = self.env["factoring.limit.approval"].sudo().search(
            [("user_id", "=", user.id)]).limit_id
        return Domain([
            ("state", "=", "proposed"),
            ("rule_id.group_id", "in", user.all_group_ids.ids),
            ("requester_id", "!=", user.id),
            ("proposer_id", "!=", user.id),
            ("id", "not in", mine.ids),
        ])

    @api.depends_context("uid")
    @api.depends("state", "requester_id", "proposer_id", "rule_id")
    def _compute_approval_blocked_reason(self):
        for limit in self:
            reason = limit._decision_blocked()[1]
            limit.approval_blocked_reason = self.env._(
                "You may not decide this limit: %s.", reason) if reason else False

    def _decision_blocked(self):
        """Why the current user may not take the next decision on this limit,
        proposing a requested one or approving a proposed one: (exception
        class, reason), or (None, False) when nothing stands in the way (or
        the state has no decision of this kind). The one place the four-eyes
        rule and the approval bands are read, for the form and for the
        actions."""
        self.ensure_one()
        user = self.env.user
        if self.env.su or self.state not in ("requested", "proposed"):
            return None, False
        if not user.has_group(ANALYST_GROUP):
            return AccessError, self.env._(
                "only credit analysts and credit managers propose and approve limits")
        if self.state == "requested":
            if user == self.requester_id:
                return UserError, self.env._(
                    "you requested it; another credit analyst must propose it (four eyes)")
            return None, False
        if user == self.requester_id:
            return AccessError, self.env._(
                "you requested it; someone who neither requested nor proposed it must "
                "approve it (four eyes)")
        if user == self.proposer_id:
            return AccessError, self.env._(
                "you proposed it; someone who neither requested nor proposed it must "
                "approve it (four eyes)")
        if self.rule_id.group_id not in user.all_group_ids:
            return AccessError, self.env._(
                "%(amount)s is above your approval band: rule %(rule)s (%(band)s) needs "
                "%(group)s",
                amount=format_amount(self.env, self.amount, self.currency_id),
                rule=self.rule_id.name, band=self.rule_id.band, group=self.rule_id.group_id.name)
        given = self.env["factoring.limit.approval"].sudo().search(
            [("limit_id", "=", self.id)])
        if user in given.user_id:
            return UserError, self.env._(
                "you have already approved it (%(given)s of %(required)s approvals given); "
                "another approver must give the next one",
                given=len(given), required=self.approvals_required)
        return None, False

    @api.depends_context("uid")
    @api.depends("state", "partner_id.factoring_rating", "proposal_rating", "company_id")
    def _compute_proposal_warning(self):
        for limit in self:
            limit.proposal_warning = limit._rating_warning()

    def _rating_warning(self):
        """A warning when the partner's rating (at the proposal, or now before
        it) is worse than the company's warning grade; False otherwise."""
        self.ensure_one()
        if self.state not in ("draft", "requested", "proposed"):
            return False
        threshold = self.company_id.factoring_limit_warn_rating
        rating = self.proposal_rating if self.state == "proposed" else \
            self.partner_id.sudo().factoring_rating
        order = [code for code, _label in RATINGS]
        if not threshold or not rating or order.index(rating) <= order.index(threshold):
            return False
        labels = dict(self._fields["proposal_rating"]._description_selection(self.env))
        return self.env._(
            "%(partner)s is rated %(rating)s, below %(threshold)s, the grade from which "
            "%(company)s warns limit proposals: state in the proposal why the limit is "
            "acceptable.",
            partner=self.partner_id.display_name, rating=labels[rating],
            threshold=labels[threshold], company=self.company_id.name)

    def _search_can_approve(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = self._can_approve_domain()
        return domain if (operator == "=") == value else ~domain

    @api.depends_context("allowed_company_ids")
    def _compute_position(self):
        Engine = self.env["factoring.limit.engine"]
        for company in self.company_id:
            limits = self.filtered(lambda rec, c=company: rec.company_id == c)
            position = Engine._limit_positions(company, limits)
            for limit in limits:
                util, headroom = position.get(limit.id, (0.0, 0.0))
                limit.utilisation = util
                limit.headroom = headroom
                limit.utilisation_percent = (
                    100.0 * util / limit.amount_company if limit.amount_company else 0.0)
        (self - self.filtered("company_id")).update(
            {"utilisation": 0.0, "headroom": 0.0, "utilisation_percent": 0.0})

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def _label(self):
        return self.display_name or self.env._("New limit")

    @api.constrains("amount", "date_from", "date_to", "is_temporary", "review_date")
    def _check_values(self):
        for limit in self:
            if limit.currency_id.compare_amounts(limit.amount, 0.0) <= 0:
                raise ValidationError(self.env._(
                    "Limit %(limit)s: the amount must be positive, not %(amount)s.",
                    limit=limit._label(), amount=limit.amount))
            if limit.date_to and limit.date_to < limit.date_from:
                raise ValidationError(self.env._(
                    "Limit %(limit)s: the end (%(end)s) is before the start (%(start)s).",
                    limit=limit._label(), end=format_date(self.env, limit.date_to),
                    start=format_date(self.env, limit.date_from)))
            if limit.is_temporary and not limit.date_to:
                raise ValidationError(self.env._(
                    "Limit %s: a temporary limit needs an end date.", limit._label()))

    @api.constrains("requester_id", "proposer_id")
    def _check_four_eyes(self):
        for limit in self:
            if limit.requester_id and limit.requester_id == limit.proposer_id:
                raise ValidationError(self.env._(
                    "Limit %(limit)s: %(user)s requested it and cannot also propose it; "
                    "requester, proposer and approvers are different people.",
                    limit=limit._label(), user=limit.requester_id.name))

    @api.constrains("scope", "client_id", "debtor_id", "company_id")
    def _check_scope(self):
        for limit in self:
            if limit.scope in ("client", "pair") and not limit.client_id.is_factoring_client:
                raise ValidationError(self.env._(
                    "Limit %s: a client or client x debtor limit needs a factoring client.",
                    limit._label()))
            if limit.scope in ("debtor", "pair") and not limit.debtor_id.is_factoring_debtor:
                raise ValidationError(self.env._(
                    "Limit %s: a debtor or client x debtor limit needs a debtor.",
                    limit._label()))
            if limit.scope == "client" and limit.debtor_id or \
                    limit.scope == "debtor" and limit.client_id:
                raise ValidationError(self.env._(
                    "Limit %s: a client limit names no debtor and a debtor limit no client.",
                    limit._label()))

    def _check_own_client(self, vals_list):
        """A client manager (without a credit role) requests client and pair
        limits only for his own clients (or clients nobody manages yet); a
        debtor limit for any debtor (his client may be about to sell to it)."""
        user = self.env.user
        if self.env.su or user.has_group(ANALYST_GROUP) or \
                user.has_group("factoring_base.group_factoring_manager"):
            return
        for vals in vals_list:
            if vals.get("scope", "debtor") not in ("client", "pair"):
                continue
            client = self.env["res.partner"].browse(vals.get("client_id")).sudo()
            manager = client.factoring_client_manager_id
            if manager and manager != user:
                raise AccessError(self.env._(
                    "New limit for %(client)s: you are not its client manager "
                    "(%(manager)s is); ask a credit analyst.",
                    client=client.display_name, manager=manager.name))

    def _check_currency_given(self, vals_list):
        for vals in vals_list:
            if "currency_id" in vals and not vals["currency_id"]:
                raise ValidationError(self.env._(
                    "Limit %s: the currency is required.",
                    self._label() if self else self.env._("New limit")))

    # ------------------------------------------------------------------
    # ORM guards
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        check_protected(self, vals_list, LIMIT_PROTECTED,
                        lambda vals: self.env._("New limit"))
        check_groups(self.env, (CLIENT_MANAGER_GROUP, ANALYST_GROUP),
                     self.env._("create limits"))
        self._check_currency_given(vals_list)
        self._check_own_client(vals_list)
        for vals in vals_list:
            if vals.get("scope") == "client":
                vals.pop("debtor_id", None)
            if vals.get("scope", "debtor") == "debtor":
                vals.pop("client_id", None)
        limits = super().create(vals_list)
        for limit in limits:
            guarded(limit).write({"version": limit._next_version()})
        limits._link_client_debtor()
        return limits

    def write(self, vals):
        check_protected(self, [vals], LIMIT_PROTECTED, lambda vals: self._names())
        self._check_currency_given([vals])
        if set(LIMIT_TERMS) & set(vals) and not is_guarded(self):
            for limit in self:
                if limit.state == "requested":
                    check_groups(self.env, (ANALYST_GROUP,), self.env._(
                        "change the terms of a requested limit (%s)", limit._label()))
                elif limit.state != "draft":
                    raise UserError(self.env._(
                        "Limit %(limit)s is %(state)s: its terms can no longer change; "
                        "request a new version.",
                        limit=limit._label(), state=limit._state_label()))
        if set(LIMIT_CREDIT_FIELDS) & set(vals) and not is_guarded(self) and \
                any(limit.state != "draft" for limit in self):
            check_groups(self.env, (ANALYST_GROUP,), self.env._(
                "change the review date, proposal or documents of a limit (%s)", self._names()))
        if "document_ids" in vals:
            frozen = self.filtered(lambda rec: rec.state not in ("draft", "requested"))
            if frozen:
                raise UserError(self.env._(
                    "Limit %s: the documents of a proposal are frozen.", frozen[0]._label()))
        res = super().write(vals)
        if {"client_id", "debtor_id", "scope"} & set(vals):
            self._link_client_debtor()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        for limit in self:
            if limit.state != "draft":
                raise UserError(self.env._(
                    "Limit %(limit)s is %(state)s: it belongs to the limit history and "
                    "cannot be deleted.", limit=limit._label(), state=limit._state_label()))

    def _names(self, limit=5):
        names = ", ".join(rec._label() for rec in self[:limit])
        return names + (", ..." if len(self) > limit else "")

    def _state_label(self):
        return dict(STATES)[self.state]

    def _key_domain(self):
        self.ensure_one()
        return Domain([
            ("company_id", "=", self.company_id.id), ("scope", "=", self.scope),
            ("client_id", "=", self.client_id.id), ("debtor_id", "=", self.debtor_id.id),
        ])

    def _next_version(self):
        others = self.sudo().search(self._key_domain() & Domain("id", "!=", self.id),
                                    order="version desc", limit=1)
        return (others.version or 0) + 1

    def _link_client_debtor(self):
        pairs = self.filtered(lambda rec: rec.scope == "pair")
        for limit in pairs:
            record = self.env["factoring.client.debtor"].sudo().with_context(
                active_test=False).search([
                    ("client_id", "=", limit.client_id.id),
                    ("debtor_id", "=", limit.debtor_id.id),
                    ("company_id", "=", limit.company_id.id)], limit=1)
            if not record:
                raise ValidationError(self.env._(
                    "Limit %(limit)s: %(debtor)s is not a debtor of %(client)s (no client x "
                    "debtor record); approve the debtor on the client's agreement first.",
                    limit=limit._label(), debtor=limit.debtor_id.display_name,
                    client=limit.client_id.display_name))
            if limit.client_debtor_id != record:
                super(FactoringLimit, limit).write({"client_debtor_id": record.id})
        for limit in (self - pairs).filtered("client_debtor_id"):
            super(FactoringLimit, limit).write({"client_debtor_id": False})
        return True

    # ------------------------------------------------------------------
    # Life cycle
    # ------------------------------------------------------------------
    def _check_state(self, allowed, action):
        for limit in self:
            if limit.state not in allowed:
                raise UserError(self.env._(
                    "Limit %(limit)s is %(state)s: it cannot be %(action)s.",
                    limit=limit._label(), state=limit._state_label(), action=action))

    def action_request(self):
        """Draft -> requested (client managers and credit roles)."""
        check_groups(self.env, (CLIENT_MANAGER_GROUP, ANALYST_GROUP),
                     self.env._("request limits"))
        self.check_access("write")
        self._check_state(("draft",), self.env._("requested"))
        missing = self.filtered(lambda rec: not (rec.reason or "").strip())
        if missing:
            raise UserError(self.env._(
                "Limit %s: say why the limit is requested (Request Reason).",
                missing[0]._label()))
        guarded(self).write({
            "state": "requested", "requester_id": self.env.uid,
            "request_date": fields.Datetime.now()})
        for limit in self:
            analyst = limit.partner_id.factoring_credit_analyst_id
            if analyst:
                limit.sudo().activity_schedule(
                    "mail.mail_activity_data_todo", user_id=analyst.id,
                    summary=self.env._("Propose limit %s", limit._label()))
        return True

    def action_propose(self):
        """Draft or requested -> proposed (credit analysts and managers): the
        proposal records its author, the partner's rating and the approval rule
        that will decide it."""
        check_groups(self.env, (ANALYST_GROUP,), self.env._("propose limits"))
        self.check_access("write")
        self._check_state(("draft", "requested"), self.env._("proposed"))
        warnings = []
        for limit in self:
            error, reason = limit._decision_blocked()
            if error:
                raise error(self.env._("Limit %(limit)s: %(reason)s.",
                                       limit=limit._label(), reason=reason))
            amount = limit._to_company(limit.amount)
            rule = self.env["factoring.limit.rule"]._find_rule(
                limit.company_id, limit.scope, amount)
            if not rule:
                raise UserError(self.env._(
                    "Limit %(limit)s: no approval rule covers a %(scope)s limit of %(amount)s; "
                    "ask a credit manager to complete the approval matrix.",
                    limit=limit._label(), scope=dict(SCOPES)[limit.scope],
                    amount=format_amount(self.env, amount, limit.company_id.currency_id)))
            guarded(limit).write({
                "state": "proposed", "proposer_id": self.env.uid,
                "propose_date": fields.Datetime.now(),
                "proposal_rating": limit.partner_id.factoring_rating,
                "rule_id": rule.id, "approvals_required": rule.approvals_required,
            })
            limit.sudo().activity_unlink(["mail.mail_activity_data_todo"])
            warning = limit._rating_warning()
            if warning:
                limit.message_post(body=warning)
                warnings.append(warning)
        if warnings:
            return self._warning_notification(
                self.env._("Limit proposed on a low-rated partner"), warnings)
        return True

    def _warning_notification(self, title, warnings):
        """A sticky warning the web client shows, then reloads the record."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": "\n".join(warnings),
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_approve(self):
        """One approval of a proposed limit by a member of its rule's group who
        neither requested nor proposed it and has not approved it yet; the last
        approval the rule needs activates it (or, valid from a later date,
        schedules it: see _activate_scheduled). Returns a warning notification
        when the debtor has credit insurance and the limit exceeds the insured
        amount."""
        check_groups(self.env, (ANALYST_GROUP,), self.env._("approve limits"))
        self.check_access("write")
        self._check_state(("proposed",), self.env._("approved"))
        warnings = []
        for limit in self:
            limit._check_approver()
            limit._check_documents()
            self.env["factoring.limit.approval"].sudo().create({
                "limit_id": limit.id, "user_id": self.env.uid, "rule_id": limit.rule_id.id})
            limit.invalidate_recordset(["approval_count", "can_approve"])
            given = self.env["factoring.limit.approval"].sudo().search_count(
                [("limit_id", "=", limit.id)])
            if given >= limit.approvals_required:
                if limit.date_from > limit.company_id._factoring_today():
                    limit._schedule()
                else:
                    limit._activate()
            else:
                limit.message_post(body=self.env._(
                    "Approval %(given)s of %(required)s given by %(user)s.",
                    given=given, required=limit.approvals_required, user=self.env.user.name))
            warning = limit._insurance_warning()
            if warning:
                limit.message_post(body=warning)
                warnings.append(warning)
        if warnings:
            return self._warning_notification(
                self.env._("Limit above its credit insurance"), warnings)
        return True

    def _check_approver(self):
        self.ensure_one()
        error, reason = self._decision_blocked()
        if error:
            raise error(self.env._("Limit %(limit)s: %(reason)s.",
                                   limit=self._label(), reason=reason))

    def _check_documents(self):
        """A debtor limit above the company's threshold needs a valid agency
        report or financial statements of the debtor."""
        self.ensure_one()
        threshold = self.company_id.factoring_limit_document_amount
        if self.scope != "debtor" or not threshold or self._to_company(self.amount) <= threshold:
            return
        today = self.company_id._factoring_today()
        valid = self.env["factoring.credit.document"].sudo().search_count([
            ("partner_id", "=", self.debtor_id.id), ("company_id", "=", self.company_id.id),
            ("doc_type", "in", FINANCIAL_DOCUMENTS), ("date", "<=", today),
            "|", ("expiry_date", "=", False), ("expiry_date", ">=", today)])
        if not valid:
            raise UserError(self.env._(
                "Limit %(limit)s: a debtor limit above %(threshold)s needs a valid agency "
                "report or financial statements of %(debtor)s.",
                limit=self._label(), debtor=self.debtor_id.display_name,
                threshold=format_amount(self.env, threshold, self.company_id.currency_id)))

    def _insurance_warning(self):
        self.ensure_one()
        if self.scope != "debtor":
            return False
        # the covers valid when the limit takes effect; a debtor without any
        # valid cover gives no warning (nothing to exceed: the whole exposure
        # shows as uninsured on the debtor's Credit tab)
        day = max(self.date_from, self.company_id._factoring_today())
        covers = self.env["factoring.credit.insurance"]._insured_amounts(
            self.company_id, self.debtor_id.ids, day=day)
        if self.debtor_id.id not in covers:
            return False
        insured = covers[self.debtor_id.id][0]
        amount = self._to_company(self.amount)
        if self.company_id.currency_id.compare_amounts(amount, insured) > 0:
            return self.env._(
                "Limit %(limit)s (%(amount)s) is above the debtor's insured amount "
                "(%(insured)s): %(uninsured)s is not insured.",
                limit=self._label(),
                amount=format_amount(self.env, amount, self.company_id.currency_id),
                insured=format_amount(self.env, insured, self.company_id.currency_id),
                uninsured=format_amount(self.env, amount - insured, self.company_id.currency_id))
        return False

    def _schedule(self):
        """Fully approved but valid from a later date: the version waits in
        'approved' (the active version stays in force) until the daily run
        activates it on its start date."""
        self.ensure_one()
        guarded(self).write({"state": "approved", "approved_date": fields.Datetime.now()})
        self.message_post(body=self.env._(
            "Approved: this version becomes the active limit on %(date)s.",
            date=format_date(self.env, self.date_from)))

    def _activate(self, today=None, scheduled=False):
        """This version becomes the active one; the active version of the same
        scope and partner is superseded (and remembered, for a temporary limit
        to fall back to)."""
        self.ensure_one()
        previous = self.sudo().search(self._key_domain() & Domain("state", "=", "active"))
        today = today or self.company_id._factoring_today()
        if previous:
            guarded(previous).write({"state": "superseded", "end_date": today})
            # the unique index over active versions: the old one leaves first
            previous.flush_recordset(["state"])
            for old in previous:
                old.message_post(body=self.env._("Superseded by %s.", self._label()))
        guarded(self).write({
            "state": "active", "approved_date": self.approved_date or fields.Datetime.now(),
            "previous_id": previous[:1].id or False})
        self.message_post(body=self.env._(
            "Valid from %(date)s: this version is now the active limit.", date=today)
            if scheduled else self.env._("Approved: this version is now the active limit."))
        self._sync_partner_credit_limit()

    def _sync_partner_credit_limit(self):
        """Odoo's own partner credit limit (company-dependent) follows the active
        debtor limit, so Odoo's credit warnings on invoices use it."""
        Limit = self.sudo()
        for company in self.company_id:
            debtors = self.filtered(
                lambda rec, c=company: rec.scope == "debtor" and rec.company_id == c).debtor_id
            if not debtors:
                continue
            active = {rec.debtor_id: rec for rec in Limit.search([
                ("company_id", "=", company.id), ("scope", "=", "debtor"),
                ("debtor_id", "in", debtors.ids), ("state", "=", "active")])}
            Partner = self.env["res.partner"].sudo().with_company(company)
            fallback = Partner._fields["credit_limit"].get_company_dependent_fallback(Partner)
            for debtor in debtors:
                limit = active.get(debtor)
                partner = Partner.browse(debtor.id)
                if limit:
                    partner.write({"credit_limit": limit._to_company(limit.amount),
                                   "use_partner_credit_limit": True})
                else:
                    partner.write({"credit_limit": fallback})

    def action_reject(self, reason=None):
        """Requested or proposed -> rejected, with the reason (credit roles;
        a proposal is rejected by those who may approve it)."""
        check_groups(self.env, (ANALYST_GROUP,), self.env._("reject limits"))
        self.check_access("write")
        self._check_state(("requested", "proposed"), self.env._("rejected"))
        if not (reason or "").strip():
            raise UserError(self.env._("Limit %s: give the reason for the rejection.",
                                       self._names()))
        for limit in self:
            if limit.state == "proposed" and not self.env.su and \
                    limit.rule_id.group_id not in self.env.user.all_group_ids:
                raise AccessError(self.env._(
                    "Limit %(limit)s: only members of %(group)s may reject this proposal.",
                    limit=limit._label(), group=limit.rule_id.group_id.name))
        guarded(self).write({
            "state": "rejected", "rejection_reason": reason.strip(),
            "rejected_user_id": self.env.uid, "rejected_date": fields.Datetime.now()})
        for limit in self:
            limit.message_post(body=self.env._("Rejected: %s", reason.strip()))
            if limit.requester_id:
                limit.sudo().activity_schedule(
                    "mail.mail_activity_data_todo", user_id=limit.requester_id.id,
                    summary=self.env._("Limit rejected: %s", limit._label()),
                    note=reason.strip())
        return True

    def action_open_reject(self):
        self.ensure_one()
        check_groups(self.env, (ANALYST_GROUP,), self.env._("reject limits"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Limit"),
            "res_model": "factoring.limit.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_limit_id": self.id},
        }

    def action_new_version(self):
        """A draft copy of this version's terms: the way to change a limit."""
        self.ensure_one()
        check_groups(self.env, (CLIENT_MANAGER_GROUP, ANALYST_GROUP),
                     self.env._("request limits"))
        self.check_access("read")
        new = self.copy({"date_from": self.company_id._factoring_today(), "reason": False,
                         "proposal_note": False, "document_ids": False})
        return {
            "type": "ir.actions.act_window",
            "res_model": "factoring.limit",
            "res_id": new.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Daily run
    # ------------------------------------------------------------------
    @api.model
    def _cron_daily(self):
        """Idempotent: activate approved versions whose start date is reached,
        expire ended limits (temporary ones fall back to the
        version they superseded; the client manager is told), give the analyst
        an activity for every limit whose review date is reached, and for every
        credit document expiring soon."""
        self._activate_scheduled()
        self._expire_ended()
        self._schedule_reviews()
        self.env["factoring.credit.document"]._schedule_expiry_activities()
        return True

    @api.model
    def _activate_scheduled(self, today=None):
        """Approved versions whose start date is reached become active (the
        version in force is superseded then), the earliest start first, so that
        of several due versions of one limit the latest start wins. Idempotent:
        an activated version is no longer 'approved'."""
        due = self.sudo().search(
            Domain("state", "=", "approved")
            & self.env["res.company"]._factoring_day_domain("date_from", "<=", today),
            order="date_from, version, id")
        for limit in due:
            limit._activate(today=today, scheduled=True)
        return due

    @api.model
    def _expire_ended(self, today=None):
        Limit = self.sudo()
        ended = Limit.search(Domain("state", "=", "active") & self.env[
            "res.company"]._factoring_day_domain("date_to", "<", today))
        day = today
        for limit in ended:
            today = day or limit.company_id._factoring_today()
            guarded(limit).write({"state": "expired", "end_date": today})
            limit.flush_recordset(["state"])
            fallback = limit.previous_id
            restored = False
            if limit.is_temporary and fallback.state == "superseded" and (
                    not fallback.date_to or fallback.date_to >= today) and not Limit.search_count(
                        limit._key_domain() & Domain("state", "=", "active")):
                guarded(fallback).write({"state": "active", "end_date": False})
                fallback.message_post(body=self.env._(
                    "Active again: temporary limit %s ended.", limit._label()))
                restored = fallback
            body = self.env._("Expired on %(date)s.", date=today) + (
                " " + self.env._("Back to %s.", restored._label()) if restored else
                " " + self.env._("No limit is in force: headroom is 0."))
            limit.message_post(body=body)
            manager = limit.client_manager_id or limit.requester_id
            if manager:
                limit.activity_schedule(
                    "factoring_limits.mail_activity_limit_expired", user_id=manager.id,
                    summary=self.env._("Limit expired: %s", limit._label()), note=body)
        ended._sync_partner_credit_limit()
        return ended

    @api.model
    def _schedule_reviews(self, today=None):
        activity_type = self.env.ref("factoring_limits.mail_activity_limit_review")
        due = self.sudo().search(Domain("state", "=", "active") & self.env[
            "res.company"]._factoring_day_domain("review_date", "<=", today))
        if not due:
            return due
        existing = set(self.env["mail.activity"].sudo().search([
            ("res_model", "=", self._name), ("res_id", "in", due.ids),
            ("activity_type_id", "=", activity_type.id)]).mapped("res_id"))
        todo = due.filtered(lambda rec: rec.id not in existing)
        for limit in todo:
            user = limit.analyst_id or limit.proposer_id or self.env.ref("base.user_admin")
            limit.activity_schedule(
                "factoring_limits.mail_activity_limit_review", user_id=user.id,
                date_deadline=limit.review_date,
                summary=self.env._("Review limit %s", limit._label()))
        return todo
