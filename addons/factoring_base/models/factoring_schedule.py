from collections import defaultdict

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date
from odoo.tools.misc import format_amount

from .factoring_guard import check_groups, check_protected, guarded
from .res_company_day import factoring_today

FUNDING_GROUP = "factoring_base.group_factoring_operations"
CLIENT_MANAGER_GROUP = "factoring_base.group_factoring_client_manager"
# Who enters, verifies, resets and cancels (unfunded) schedules.
SCHEDULE_GROUPS = (CLIENT_MANAGER_GROUP, FUNDING_GROUP)
# Changed only by the schedule's own actions (see factoring_guard).
SCHEDULE_PROTECTED = ("state", "move_id", "reversal_move_id", "funded_date", "verification_note",
                      "funding_override_reason", "funding_override_user_id",
                      "funding_override_date", "funding_override_problems",
                      "funding_override_key")
# Who may let a schedule be funded despite its funding problems (availability;
# factoring_limits adds the client limit), with a reason that is logged.
OVERRIDE_GROUP = "factoring_base.group_factoring_credit_manager"
OVERRIDE_FIELDS = ("funding_override_reason", "funding_override_user_id",
                   "funding_override_date", "funding_override_problems", "funding_override_key")
# The language the override's problems are compared in: the texts people read
# follow their own language (amounts formatted as they write them), so a
# Turkish credit manager's override and an English operations user's funding
# would never read the same words.
OVERRIDE_KEY_LANG = "en_US"
# What the verification depends on besides the lines: changing it on a verified
# schedule sends it back to draft; on a funded or cancelled one it is refused.
SCHEDULE_CHECKED = ("client_id", "agreement_id", "company_id", "date", "line_ids")
# First key of the advisory lock that makes one client's fundings take turns
# (the second key is the client's id); any constant unlikely to clash.
FUNDING_LOCK_KEY = 716001
# How many errors a verification message lists before it summarises the rest.
MAX_LISTED_ERRORS = 50


class FactoringSchedule(models.Model):
    _name = "factoring.schedule"
    _description = "Assignment Schedule"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/")
    client_id = fields.Many2one(
        "res.partner", string="Client", required=True, tracking=True, index=True,
        domain="[('is_factoring_client', '=', True)]", check_company=True)
    agreement_id = fields.Many2one(
        "factoring.agreement", string="Agreement", required=True, tracking=True, index=True,
        domain="[('client_id', '=', client_id)]", check_company=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="agreement_id.currency_id", store=True)
    date = fields.Date(
        string="Assignment Date", required=True, default=factoring_today,
        tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("verified", "Verified"), ("funded", "Funded"),
         ("cancelled", "Cancelled")],
        default="draft", required=True, tracking=True, copy=False, index=True)
    line_ids = fields.One2many("factoring.schedule.line", "schedule_id", string="Invoices",
                               copy=True)
    line_count = fields.Integer(compute="_compute_amounts", string="Invoices Count")
    error_count = fields.Integer(compute="_compute_amounts", string="Lines with Errors")
    amount_total = fields.Monetary(compute="_compute_amounts", string="Total Face Value")
    advance_amount = fields.Monetary(compute="_compute_amounts", string="Advance")
    reserve_amount = fields.Monetary(compute="_compute_amounts", string="Reserve")
    invoice_fee_total = fields.Monetary(compute="_compute_amounts", string="Invoice Fees")
    move_id = fields.Many2one("account.move", string="Funding Entry", readonly=True,
                              copy=False, index="btree_not_null")
    reversal_move_id = fields.Many2one("account.move", string="Reversal Entry",
                                       readonly=True, copy=False)
    verification_note = fields.Text(readonly=True, copy=False)
    funded_date = fields.Date(
        string="Funded On", readonly=True, copy=False, tracking=True,
        help="The day operations funded the schedule (the funding entry was posted and "
        "the advance became payable): discount fee days count from this day. The "
        "funding entry itself is dated on the assignment date.")
    advance_rate = fields.Float(related="agreement_id.advance_rate")
    funding_problems = fields.Text(
        compute="_compute_funding_problems",
        help="Why funding this verified schedule would be refused (its client's "
        "availability; with factoring_limits, its client limit): a credit manager may "
        "override with a reason.")
    funding_override_reason = fields.Text(
        string="Override Reason", readonly=True, copy=False, tracking=True,
        help="Why a credit manager let this schedule be funded despite its funding "
        "problems.")
    funding_override_user_id = fields.Many2one(
        "res.users", string="Overridden by", readonly=True, copy=False, tracking=True,
        help="The credit manager who overrode the funding problems; four eyes: another "
        "person funds the schedule.")
    funding_override_date = fields.Datetime(string="Overridden on", readonly=True, copy=False)
    funding_override_problems = fields.Text(
        string="Problems Overridden", readonly=True, copy=False,
        help="The funding problems, with their figures, that the override covers; if "
        "funding finds other figures, the override no longer applies.")
    funding_override_key = fields.Text(
        readonly=True, copy=False,
        help="The overridden problems in one fixed language, compared at funding "
        "whoever overrides and whoever funds.")

    _name_company_uniq = models.Constraint(
        "UNIQUE(name, company_id)", "The schedule reference must be unique per company.")

    @api.depends("line_ids.amount", "line_ids.check_message", "agreement_id.advance_rate",
                 "agreement_id.invoice_fee")
    def _compute_amounts(self):
        # Saved schedules: one grouped query, whatever the number of lines (a
        # schedule can hold thousands). Schedules being edited in a form (new
        # ids) have their lines in memory only.
        saved = self.filtered(lambda s: isinstance(s.id, int))
        Line = self.env["factoring.schedule.line"]
        totals = {
            schedule: (count, amount)
            for schedule, count, amount in Line._read_group(
                [("schedule_id", "in", saved.ids)], ["schedule_id"], ["__count", "amount:sum"])
        } if saved else {}
        errors = dict(Line._read_group(
            [("schedule_id", "in", saved.ids), ("check_message", "!=", False)],
            ["schedule_id"], ["__count"])) if saved else {}
        for schedule in self:
            if schedule in saved:
                count, total = totals.get(schedule, (0, 0.0))
                schedule.error_count = errors.get(schedule, 0)
            else:
                count = len(schedule.line_ids)
                total = sum(schedule.line_ids.mapped("amount"))
                schedule.error_count = len(schedule.line_ids.filtered("check_message"))
            currency = schedule.currency_id or schedule.company_id.currency_id
            advance = currency.round(total * schedule.agreement_id.advance_rate / 100.0)
            schedule.line_count = count
            schedule.amount_total = total
            schedule.advance_amount = advance
            schedule.reserve_amount = total - advance
            schedule.invoice_fee_total = currency.round(count * schedule.agreement_id.invoice_fee)

    @api.onchange("client_id")
    def _onchange_client_id(self):
        if self.client_id and self.agreement_id.client_id != self.client_id:
            self.agreement_id = self.env["factoring.agreement"].search([
                ("client_id", "=", self.client_id.id), ("state", "=", "active"),
                ("company_id", "=", self.company_id.id),
            ], limit=1)

    @api.model_create_multi
    def create(self, vals_list):
        check_protected(self, vals_list, SCHEDULE_PROTECTED,
                        lambda vals: vals.get("name") or self.env._("New schedule"))
        for vals in vals_list:
            if vals.get("agreement_id") and not vals.get("client_id"):
                vals["client_id"] = self.env["factoring.agreement"].browse(
                    vals["agreement_id"]).client_id.id
            if vals.get("agreement_id") and not vals.get("company_id"):
                vals["company_id"] = self.env["factoring.agreement"].browse(
                    vals["agreement_id"]).company_id.id
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id)
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "factoring.schedule") or "/"
        return super().create(vals_list)

    def write(self, vals):
        check_protected(self, [vals], SCHEDULE_PROTECTED, lambda vals: self._names())
        if vals.get("state") in ("draft", "cancelled"):
            # an override covers the schedule as it was verified, once
            vals = {**dict.fromkeys(OVERRIDE_FIELDS, False), **vals}
        checked = set(SCHEDULE_CHECKED) & set(vals)
        verified = self.browse()
        if checked:
            locked = self.filtered(lambda s: s.state in ("funded", "cancelled"))
            if locked:
                raise UserError(self.env._(
                    "Schedule %(schedule)s is %(state)s: its invoices, client, agreement and "
                    "date can no longer change.",
                    schedule=locked[0].name, state=locked[0]._state_label()))
            verified = self.filtered(lambda s: s.state == "verified")
        res = super().write(vals)
        verified._back_to_draft()
        return res

    def _names(self, limit=5):
        names = ", ".join(self[:limit].mapped("name"))
        return names + (", ..." if len(self) > limit else "")

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _back_to_draft(self):
        """A verified schedule whose invoices changed must be verified again."""
        schedules = self.filtered(lambda s: s.state == "verified")
        if schedules:
            guarded(schedules).write({"state": "draft"})
            for schedule in schedules:
                schedule.message_post(body=self.env._(
                    "Back to draft: its invoices changed after verification; verify it again."))

    def _forget_verification_note(self):
        with_note = self.filtered("verification_note")
        if with_note:
            guarded(with_note).write({"verification_note": False})

    def _check_schedule_rights(self, action):
        """Entering, verifying, resetting and cancelling unfunded schedules:
        client managers and operations, on schedules they may write."""
        check_groups(self.env, SCHEDULE_GROUPS, action)
        self.check_access("write")

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for schedule in self:
            if schedule.state not in ("draft", "cancelled") or schedule.move_id:
                raise UserError(self.env._(
                    "Schedule %(schedule)s has been verified or funded; cancel it instead of "
                    "deleting it.", schedule=schedule.name))

    # ------------------------------------------------------------------
    # Verification
    # ------------------------------------------------------------------
    def _factoring_verification_checks(self):
        """Names of the checks a schedule must pass, in the order their reasons
        are listed. Each name ``x`` is a method ``_verify_x(funding=False)``
        returning ``(general, line_errors)``: a list of schedule-level reasons and
        ``{line id: [reasons]}``. Addons append their own checks with ``super()``
        (factoring_limits appends ``limits``: the limits and the concentration).
        A check must be set-based (a few queries whatever the number
        of lines): a schedule can hold 10,000 invoices.

        :param funding: (of each check) the check runs at funding time, just
            before the entry is posted; only funded schedules hold an invoice then.
        """
        return ["agreement", "line_values", "approved_debtors", "duplicates"]

    def _get_verification_errors(self, funding=False):
        """Run every check of :meth:`_factoring_verification_checks`.

        :return: (schedule-level errors, {line id: [reasons]})
        """
        self.ensure_one()
        self.env.flush_all()
        general = []
        errors = defaultdict(list)
        for name in self._factoring_verification_checks():
            check_general, check_errors = getattr(self, f"_verify_{name}")(funding=funding)
            general.extend(check_general)
            for line_id, reasons in check_errors.items():
                for reason in reasons:
                    if reason not in errors[line_id]:
                        errors[line_id].append(reason)
        return general, dict(errors)

    def _verify_agreement(self, funding=False):
        """The agreement is active, the client's, not ended; the schedule has lines."""
        agreement = self.agreement_id
        general = []
        if agreement.state != "active":
            general.append(self.env._(
                "agreement %(agreement)s is not active (it is %(state)s)",
                agreement=agreement.name,
                state=dict(agreement._fields["state"].selection)[agreement.state]))
        if agreement.client_id != self.client_id:
            general.append(self.env._(
                "agreement %(agreement)s belongs to %(other)s, not to %(client)s",
                agreement=agreement.name, other=agreement.client_id.display_name,
                client=self.client_id.display_name))
        if agreement.date_end and self.date > agreement.date_end:
            general.append(self.env._("agreement %(agreement)s ended on %(date)s",
                             agreement=agreement.name,
                             date=format_date(self.env, agreement.date_end)))
        if not self.line_ids:
            general.append(self.env._("the schedule has no invoices"))
        return general, {}

    def _verify_line_values(self, funding=False):
        """Each line: a partner that is a debtor, due date not before the invoice
        date, a positive amount in the agreement's currency, an invoice number."""
        errors = defaultdict(list)
        agreement = self.agreement_id
        rows = self.env.execute_query(SQL(
            """
            SELECT l.id,
                   l.debtor_id IS NULL,
                   l.debtor_id IS NOT NULL AND NOT COALESCE(p.is_factoring_debtor, FALSE),
                   l.due_date < l.invoice_date,
                   COALESCE(l.amount, 0) <= 0,
                   l.currency_id IS DISTINCT FROM %(currency)s,
                   l.invoice_number IS NULL OR btrim(l.invoice_number) = ''
              FROM factoring_schedule_line l
         LEFT JOIN res_partner p ON p.id = l.debtor_id
             WHERE l.schedule_id = %(schedule)s
            """,
            currency=agreement.currency_id.id, schedule=self.id,
        ))
        for (line_id, no_debtor, not_debtor, due_before, non_positive,
             currency_mismatch, no_number) in rows:
            if no_debtor:
                errors[line_id].append(self.env._("unknown debtor"))
            if not_debtor:
                errors[line_id].append(self.env._("the partner is not a debtor"))
            if due_before:
                errors[line_id].append(self.env._("due date before invoice date"))
            if non_positive:
                errors[line_id].append(self.env._("amount must be positive"))
            if currency_mismatch:
                errors[line_id].append(self.env._(
                    "currency differs from the agreement's (%s)", agreement.currency_id.name))
            if no_number:
                errors[line_id].append(self.env._("missing invoice number"))
        return [], errors

    def _verify_approved_debtors(self, funding=False):
        """Each line's debtor is approved for the client: an active client x debtor
        record (factoring.client.debtor) of the agreement's client and company in
        state approved. A blocked debtor's reason names who blocked it, since
        when and why. One query whatever the number of lines."""
        agreement = self.agreement_id
        rows = self.env.execute_query(SQL(
            """
            SELECT l.id, cd.state, cd.state_date, up.name, cd.reason
              FROM factoring_schedule_line l
         LEFT JOIN factoring_client_debtor cd
                ON cd.debtor_id = l.debtor_id AND cd.client_id = %(client)s
               AND cd.company_id = %(company)s AND cd.active
         LEFT JOIN res_users u ON u.id = cd.state_user_id
         LEFT JOIN res_partner up ON up.id = u.partner_id
             WHERE l.schedule_id = %(schedule)s AND l.debtor_id IS NOT NULL
               AND cd.state IS DISTINCT FROM 'approved'
            """,
            client=agreement.client_id.id, company=agreement.company_id.id, schedule=self.id,
        ))
        not_approved = self.env._("debtor not approved on agreement %s", agreement.name)
        errors = {}
        for line_id, state, state_date, user_name, reason in rows:
            if state == "blocked":
                since = format_date(self.env, fields.Datetime.context_timestamp(self, state_date))
                errors[line_id] = [self.env._(
                    "debtor blocked for %(client)s by %(user)s since %(date)s (%(reason)s)",
                    client=agreement.client_id.display_name, user=user_name or "-",
                    date=since, reason=reason or "-")]
            else:
                errors[line_id] = [not_approved]
        return [], errors

    def _verify_duplicates(self, funding=False):
        """No invoice (same client, debtor and normalised number) twice: within
        this schedule, in a verified or funded one, or in a draft entered earlier
        (so of two drafts holding one invoice, the earlier one can proceed). At
        funding time only funded schedules count: of two schedules verified
        with the same invoice, the first one funded wins."""
        errors = defaultdict(list)
        # No self-join of the lines: when the table's statistics predate a large
        # import (the usual case right after it) PostgreSQL nests two scans of it,
        # i.e. compares every pair of lines (minutes for 10,000). Each query
        # below reads the lines once, whatever the plan.
        within = self.env.execute_query(SQL(
            """
            SELECT array_agg(id)
              FROM factoring_schedule_line
             WHERE schedule_id = %s AND debtor_id IS NOT NULL AND invoice_number IS NOT NULL
          GROUP BY debtor_id, upper(btrim(invoice_number))
            HAVING count(*) > 1
            """, self.id))
        for (line_ids,) in within:
            for line_id in line_ids:
                errors[line_id].append(self.env._("duplicate invoice number within this schedule"))
        others = dict(self.env.execute_query(SQL(
            """
            SELECT id, name
              FROM factoring_schedule
             WHERE client_id = %(client)s AND id != %(schedule)s
               AND (state = 'funded'
                    OR (NOT %(funding)s AND state = 'verified')
                    OR (NOT %(funding)s AND state = 'draft' AND id < %(schedule)s))
            """,
            client=self.client_id.id, schedule=self.id, funding=funding,
        )))
        keys = defaultdict(list)
        if others:
            for line_id, debtor_id, number in self.env.execute_query(SQL(
                    """
                    SELECT id, debtor_id, upper(btrim(invoice_number))
                      FROM factoring_schedule_line
                     WHERE schedule_id = %s AND debtor_id IS NOT NULL
                       AND invoice_number IS NOT NULL
                    """, self.id)):
                keys[debtor_id, number].append(line_id)
        if keys:
            assigned = self.env.execute_query(SQL(
                """
                SELECT debtor_id, upper(btrim(invoice_number)), schedule_id
                  FROM factoring_schedule_line
                 WHERE client_id = %(client)s
                   AND schedule_id = ANY(%(schedules)s)
                   AND upper(btrim(invoice_number)) = ANY(%(numbers)s)
                """,
                client=self.client_id.id, schedules=list(others),
                numbers=list({number for _debtor, number in keys}),
            ))
            for debtor_id, number, schedule_id in assigned:
                for line_id in keys.get((debtor_id, number), ()):
                    message = self.env._("invoice already assigned in schedule %s", others[schedule_id])
                    if message not in errors[line_id]:
                        errors[line_id].append(message)
        return [], errors

    def _format_verification_errors(self, general, errors):
        lines = self.env["factoring.schedule.line"].browse(list(errors)).sorted(
            lambda rec: (rec.sequence, rec.id))
        parts = [self.env._("Schedule %s: ", self.name) + reason for reason in general]
        for line in lines[:MAX_LISTED_ERRORS]:
            parts.append(self.env._(
                "%(line)s, invoice %(number)s, %(debtor)s: %(reasons)s",
                line=line._label(), number=line.invoice_number or "-",
                debtor=line.debtor_id.display_name or self.env._("no debtor"),
                reasons="; ".join(errors[line.id])))
        if len(lines) > MAX_LISTED_ERRORS:
            parts.append(self.env._("... and %s more lines with errors.", len(lines) - MAX_LISTED_ERRORS))
        return "\n".join(parts)

    def _write_line_messages(self, errors):
        """Store each line's reasons on the line (one UPDATE for the lot)."""
        self.ensure_one()
        self.env.flush_all()
        ids = list(errors)
        messages = ["; ".join(errors[i]) for i in ids]
        self.env.cr.execute(SQL(
            """
            UPDATE factoring_schedule_line l
               SET check_message = NULLIF(m.message, '')
              FROM (SELECT id, message
                      FROM unnest(%(ids)s::int[], %(messages)s::text[]) AS t(id, message)) m
             WHERE l.id = m.id
            """,
            ids=ids or [0], messages=messages or [""],
        ))
        self.env.cr.execute(SQL(
            "UPDATE factoring_schedule_line SET check_message = NULL "
            "WHERE schedule_id = %s AND check_message IS NOT NULL AND NOT (id = ANY(%s))",
            self.id, ids or [0],
        ))
        self.env["factoring.schedule.line"].invalidate_model(["check_message"])

    def action_verify(self):
        """Verify the schedule; it becomes verified only when every line passes.
        Failing lines keep their reasons in *check_message*; the schedule stays draft."""
        self._check_schedule_rights(self.env._("verify assignment schedules"))
        for schedule in self:
            if schedule.state != "draft":
                raise UserError(self.env._("Schedule %s is not a draft.", schedule.name))
            general, errors = schedule._get_verification_errors()
            schedule._write_line_messages(errors)
            if general or errors:
                note = schedule._format_verification_errors(general, errors)
                guarded(schedule).write({"verification_note": note})
                schedule.message_post(body=self.env._(
                    "Verification failed: %(count)s line(s) with errors.",
                    count=len(errors)) + ("\n" + "\n".join(general) if general else ""))
                if len(self) == 1:
                    return {
                        "type": "ir.actions.client",
                        "tag": "display_notification",
                        "params": {
                            "title": self.env._("Schedule %s was not verified", schedule.name),
                            "message": note,
                            "type": "danger",
                            "sticky": True,
                            "next": {"type": "ir.actions.client", "tag": "soft_reload"},
                        },
                    }
                continue
            guarded(schedule).write({"state": "verified", "verification_note": False})
        return True

    def action_reset_draft(self):
        """Verified, or cancelled before it was ever funded, back to draft."""
        self._check_schedule_rights(self.env._("reset assignment schedules to draft"))
        for schedule in self:
            if schedule.state not in ("verified", "cancelled") or schedule.move_id and \
                    schedule.state != "cancelled":
                raise UserError(self.env._("Schedule %s cannot be reset to draft.", schedule.name))
            if schedule.state == "cancelled" and schedule.move_id:
                raise UserError(self.env._(
                    "Schedule %s was funded and reversed; create a new schedule instead.",
                    schedule.name))
        guarded(self).write({"state": "draft"})
        return True

    # ------------------------------------------------------------------
    # Funding
    # ------------------------------------------------------------------
    def _check_funding_rights(self):
        if not self.env.su and not self.env.user.has_group(FUNDING_GROUP):
            raise AccessError(self.env._(
                "Only operations may fund or cancel funded assignment schedules."))

    def action_fund(self):
        self._check_funding_rights()
        for schedule in self:
            if schedule.state != "verified":
                raise UserError(self.env._(
                    "Schedule %s must be verified before it is funded.", schedule.name))
            general, errors = schedule._get_verification_errors(funding=True)
            if general or errors:
                schedule._write_line_messages(errors)
                raise UserError(schedule._format_verification_errors(general, errors))
            problems = schedule._factoring_funding_problems()
            if problems:
                schedule._check_funding_override(problems)
            schedule._claim_invoices()
            schedule.company_id._factoring_check_accounting()
            Move = self.env["account.move"].sudo().with_company(schedule.company_id)
            # skip_analytic_sync: on a draft entry the analytic inverse has no
            # analytic line to sync, yet it rewrites the items one by one (a
            # write per invoice); posting creates the analytic lines.
            move = Move.with_context(skip_analytic_sync=True).create(
                schedule._prepare_funding_move()).with_env(Move.env)
            move.action_post()
            guarded(schedule).write({
                "state": "funded",
                "move_id": move.id,
                "funded_date": schedule._factoring_funding_day(),
            })
            currency = schedule.currency_id
            schedule.message_post(body=self.env._(
                "Funded: entry %(move)s, %(count)s invoice(s) for %(total)s, advance %(advance)s.",
                move=move.name, count=schedule.line_count,
                total=format_amount(self.env, schedule.amount_total, currency),
                advance=format_amount(self.env, schedule.advance_amount, currency)))
            if problems:
                schedule._factoring_log_funding_override(
                    problems, schedule.funding_override_reason)
        return True

    # ------------------------------------------------------------------
    # Funding problems and their override by a credit manager
    # ------------------------------------------------------------------
    def _factoring_funding_problems(self):
        """EXTENSION POINT: why funding this schedule now would be refused
        unless a credit manager overrides it: a list of human-readable
        problems, each with its figures (empty: nothing stops it). Run by
        :meth:`action_fund` after the verification checks, just before the
        entry is posted, and shown on verified schedules.

        Base's problem: funding would leave the client's availability (see
        ``res.partner._factoring_availability``) below zero; the message gives
        the availability before, this schedule's advance and the availability
        after funding. factoring_limits appends its client-limit problem with
        ``super()``. A problem's text must not change while its figures do not
        (an override covers the problems it was given, word for word).
        """
        self.ensure_one()
        company = self.company_id
        client = self.client_id.commercial_partner_id.sudo()
        currency = company.currency_id
        before = client._factoring_availability(company)[client.id]
        after = client._factoring_availability(company, pending=self)[client.id]
        if currency.compare_amounts(after["availability"], 0.0) >= 0:
            return []
        return [self.env._(
            "funding would take %(client)s past its availability: availability before "
            "%(before)s, this schedule's advance %(advance)s, availability after funding "
            "%(after)s (%(detail)s)",
            client=client.display_name,
            before=format_amount(self.env, before["availability"], currency),
            advance=format_amount(self.env, self.advance_amount, self.currency_id),
            after=format_amount(self.env, after["availability"], currency),
            detail=client._factoring_availability_words(after, currency))]

    def _factoring_log_funding_override(self, problems, reason):
        """EXTENSION POINT, called once the schedule is funded despite its
        *problems* (the list of :meth:`_factoring_funding_problems`) on the
        override of a credit manager (``funding_override_user_id``) for
        *reason*, in the funding's transaction. Base logs it in the schedule's
        chatter; factoring_limits adds an entry to the limit history."""
        self.ensure_one()
        self.sudo().message_post(body=self.env._(
            "Funded despite: %(problems)s. Overridden by %(user)s: %(reason)s",
            problems="; ".join(problems), user=self.funding_override_user_id.name or "-",
            reason=reason or "-"))

    def _compute_funding_problems(self):
        for schedule in self:
            schedule.funding_problems = "\n".join(
                schedule._factoring_funding_problems()
            ) if schedule.state == "verified" and isinstance(schedule.id, int) else False

    def _check_funding_override(self, problems):
        """Funding with *problems* goes ahead only on a credit manager's
        override that covers these very problems, given by someone else than
        the person who funds (four eyes)."""
        self.ensure_one()
        if not self.funding_override_user_id:
            raise UserError(self.env._(
                "Schedule %(schedule)s was not funded: %(problems)s.\nA credit manager may "
                "override this with a reason (Override Funding); another person then funds it.",
                schedule=self.name, problems="; ".join(problems)))
        if self.funding_override_user_id == self.env.user and not self.env.su:
            raise UserError(self.env._(
                "Schedule %(schedule)s: you overrode its funding problems, so another person "
                "must fund it (four eyes).", schedule=self.name))
        if (self.funding_override_key or "") != self._factoring_funding_problems_key():
            raise UserError(self.env._(
                "Schedule %(schedule)s was not funded: the override of %(user)s covered "
                "\"%(covered)s\", but funding now finds \"%(problems)s\". A credit manager "
                "must override again.",
                schedule=self.name, user=self.funding_override_user_id.name,
                covered=self.funding_override_problems or "-", problems="; ".join(problems)))

    def _factoring_funding_problems_key(self):
        """The funding problems as one text in a fixed language: what an
        override covers, independent of who reads or acts."""
        self.ensure_one()
        return "\n".join(
            self.with_context(lang=OVERRIDE_KEY_LANG)._factoring_funding_problems())

    def action_open_funding_override(self):
        """The Override Funding wizard (credit managers)."""
        self.ensure_one()
        check_groups(self.env, (OVERRIDE_GROUP,), self.env._("override funding problems"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override Funding"),
            "res_model": "factoring.funding.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_schedule_id": self.id},
        }

    def _factoring_override_funding(self, reason):
        """Let this verified schedule be funded despite its current funding
        problems: a credit manager's decision with a reason, logged in the
        chatter. The override covers the problems as they read now; another
        person funds the schedule."""
        self.ensure_one()
        check_groups(self.env, (OVERRIDE_GROUP,), self.env._("override funding problems"))
        self.check_access("read")
        if not (reason or "").strip():
            raise UserError(self.env._(
                "Schedule %s: an override of its funding problems needs a reason.", self.name))
        if self.state != "verified":
            raise UserError(self.env._(
                "Schedule %(schedule)s is %(state)s: only a verified schedule's funding "
                "problems can be overridden.", schedule=self.name, state=self._state_label()))
        problems = self._factoring_funding_problems()
        if not problems:
            raise UserError(self.env._(
                "Schedule %s has no funding problem to override: operations may fund it.",
                self.name))
        guarded(self.sudo()).write({
            "funding_override_reason": reason.strip(),
            "funding_override_user_id": self.env.uid,
            "funding_override_date": fields.Datetime.now(),
            "funding_override_problems": "\n".join(problems),
            "funding_override_key": self._factoring_funding_problems_key(),
        })
        self.sudo().message_post(
            body=self.env._("Funding problems overridden by %(user)s: %(problems)s. Reason: "
                            "%(reason)s", user=self.env.user.name,
                            problems="; ".join(problems), reason=reason.strip()),
            author_id=self.env.user.partner_id.id)
        return True

    def _claim_invoices(self):
        """Mark the schedule's lines funded, in the funding transaction.

        The duplicate check above only sees what was committed when this
        transaction started (Odoo runs REPEATABLE READ), so two fundings of the
        same invoice running at once would both pass it. The partial unique
        index over funded lines (``factoring.schedule.line._funded_invoice_uniq``)
        is the guarantee: whichever transaction flags an invoice second waits
        for the first one and fails when it commits; it ends here with an error
        naming the invoice, before anything is posted.
        """
        self.ensure_one()
        cr = self.env.cr
        self.env.flush_all()
        # Fundings of one client take turns (a lock held until commit): two
        # fundings sharing several invoices would otherwise each wait for the
        # other on a different invoice (a deadlock, one of them killed at
        # random). The lock alone is not enough: after waiting, this
        # transaction still does not see what the other one committed.
        cr.execute(SQL("SELECT pg_advisory_xact_lock(%s, %s)",
                       FUNDING_LOCK_KEY, self.client_id.id))
        try:
            # One statement for the whole schedule (10,000 lines), not a write
            # per line; the ORM cache is invalidated below.
            with cr.savepoint(flush=False):
                cr.execute(SQL(
                    "UPDATE factoring_schedule_line SET is_funded = TRUE WHERE schedule_id = %s",
                    self.id))
        except psycopg2.errors.UniqueViolation as exc:
            raise UserError(self._claim_conflict_message(exc)) from None
        self.env["factoring.schedule.line"].invalidate_model(["is_funded"])

    def _claim_conflict_message(self, exc):
        """Name the invoice another funding took while this one ran."""
        rows = self.env.execute_query(SQL(
            """
            SELECT mine.invoice_number, debtor.name, other.name
              FROM factoring_schedule_line mine
              JOIN factoring_schedule_line theirs
                ON theirs.client_id = mine.client_id
               AND theirs.debtor_id = mine.debtor_id
               AND upper(btrim(theirs.invoice_number)) = upper(btrim(mine.invoice_number))
               AND theirs.schedule_id != mine.schedule_id
              JOIN factoring_schedule other ON other.id = theirs.schedule_id
              JOIN res_partner debtor ON debtor.id = mine.debtor_id
             WHERE mine.schedule_id = %s AND other.state IN ('verified', 'funded')
             ORDER BY mine.sequence, mine.id
             LIMIT 5
            """, self.id))
        if rows:
            invoices = "; ".join(
                self.env._("invoice %(invoice)s of %(debtor)s (schedule %(other)s)",
                  invoice=number, debtor=debtor, other=other) for number, debtor, other in rows)
        else:
            # the other schedule was entered after this transaction started:
            # the database's message is all there is to name the invoice
            invoices = (exc.diag.message_detail or "").strip()
        return self.env._(
            "Schedule %(schedule)s was not funded: another schedule was funded at the same "
            "moment with the same invoice(s): %(invoices)s. Nothing was posted; reload the "
            "schedule and verify it again.",
            schedule=self.name, invoices=invoices)

    def _factoring_funding_day(self):
        """The day the funds are released, from which discount fee days count:
        the day operations funds the schedule (the funding entry itself keeps
        the assignment date, which may be earlier). Loaders running as
        superuser (demo data, the take-over of an existing portfolio) may give
        the historical day in context key ``factoring_funded_date``."""
        if self.env.su and self.env.context.get("factoring_funded_date"):
            return fields.Date.to_date(self.env.context["factoring_funded_date"])
        return self.company_id._factoring_today()

    def _prepare_funding_move(self):
        """Values of the funding entry: one receivable item per invoice on the
        debtor, the purchase price credited to the client's current account, the
        advance moved to the client's payable, and the per-invoice fees."""
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        company_currency = company.currency_id
        foreign = currency != company_currency

        def amounts(amount):
            vals = {"balance": amount}
            if foreign:
                vals = {
                    "currency_id": currency.id,
                    "amount_currency": amount,
                    "balance": currency._convert(amount, company_currency, company, self.date),
                }
            else:
                vals["currency_id"] = currency.id
                vals["amount_currency"] = amount
            return vals

        client = self.client_id.commercial_partner_id
        line_vals = []
        total_balance = total_currency = 0.0
        for line in self.line_ids.sorted(lambda rec: (rec.sequence, rec.id)):
            vals = amounts(line.amount)
            total_balance += vals["balance"]
            total_currency += vals["amount_currency"]
            line_vals.append({
                "name": line.invoice_number,
                "account_id": company.factoring_receivable_account_id.id,
                "partner_id": line.debtor_id.id,
                "date_maturity": line.due_date,
                "factoring_client_id": client.id,
                "factoring_schedule_line_id": line.id,
                # a general journal's lines default to no follow-up; factored
                # items are followed up like any customer invoice
                "no_followup": False,
                **vals,
            })
        line_vals.append({
            "name": self.env._("Purchase price of schedule %s", self.name),
            "account_id": company.factoring_client_account_id.id,
            "partner_id": client.id,
            "currency_id": currency.id,
            "amount_currency": -total_currency,
            "balance": -company_currency.round(total_balance),
        })
        advance = amounts(self.advance_amount)
        fees = amounts(self.invoice_fee_total) if self.invoice_fee_total else None
        line_vals.append({
            "name": self.env._("Advance on schedule %s", self.name),
            "account_id": company.factoring_client_account_id.id,
            "partner_id": client.id,
            "currency_id": currency.id,
            "amount_currency": advance["amount_currency"] + (fees["amount_currency"] if fees else 0),
            "balance": advance["balance"] + (fees["balance"] if fees else 0),
        })
        line_vals.append({
            "name": self.env._("Advance owed to %(client)s for schedule %(schedule)s",
                      client=client.display_name, schedule=self.name),
            "account_id": company.factoring_advance_account_id.id,
            "partner_id": client.id,
            "date_maturity": self.date,
            "currency_id": currency.id,
            "amount_currency": -advance["amount_currency"],
            "balance": -advance["balance"],
        })
        if fees:
            line_vals.append({
                "name": self.env._("Invoice fees, schedule %s", self.name),
                "account_id": company.factoring_fee_account_id.id,
                "partner_id": client.id,
                "currency_id": currency.id,
                "amount_currency": -fees["amount_currency"],
                "balance": -fees["balance"],
            })
        if not self.env["account.analytic.distribution.model"].sudo().search_count([], limit=1):
            # Without any analytic distribution model the items' distribution is
            # known to be empty; else Odoo searches the models once per debtor
            # and batch of 1,000 items (5,000 searches for 10,000 invoices).
            for vals in line_vals:
                vals["analytic_distribution"] = False
        return {
            "move_type": "entry",
            "journal_id": company.factoring_journal_id.id,
            "date": self.date,
            "ref": self.env._("Assignment schedule %(schedule)s - %(client)s",
                     schedule=self.name, client=client.display_name),
            "line_ids": [fields.Command.create(vals) for vals in line_vals],
        }

    def action_cancel(self):
        """Draft or verified: cancelled (client managers, operations). Funded:
        its entry is reversed (operations only, while nothing is paid)."""
        self._check_schedule_rights(self.env._("cancel assignment schedules"))
        for schedule in self:
            if schedule.state == "cancelled":
                continue
            if schedule.state == "funded":
                schedule._check_funding_rights()
                schedule._cancel_funded()
            guarded(schedule).write({"state": "cancelled"})
        return True

    def _cancel_funded(self):
        self.ensure_one()
        move = self.move_id
        items = move.line_ids.filtered("factoring_schedule_line_id")
        paid = items.filtered(lambda rec: rec.matched_debit_ids or rec.matched_credit_ids)
        if paid:
            raise UserError(self.env._(
                "Schedule %(schedule)s cannot be cancelled: invoice(s) %(invoices)s have "
                "already been paid in part or in full.",
                schedule=self.name, invoices=", ".join(paid[:10].mapped("name"))))
        advance_line = move.line_ids.filtered(
            lambda rec: rec.account_id == self.company_id.factoring_advance_account_id)
        if advance_line.matched_debit_ids or advance_line.matched_credit_ids:
            raise UserError(self.env._(
                "Schedule %s cannot be cancelled: the advance has already been paid to the "
                "client.", self.name))
        # the invoices are free again: another schedule may fund them
        guarded(self.line_ids).write({"is_funded": False})
        # The funding entry may be reversed only once its schedule is cancelled
        # (account.move refuses it otherwise): cancel first, in this transaction.
        guarded(self).write({"state": "cancelled"})
        reversal = move.sudo()._reverse_moves(
            [{"date": self.company_id._factoring_today(),
              "ref": self.env._("Cancellation of schedule %s", self.name)}],
            cancel=True)
        guarded(self).write({"reversal_move_id": reversal.id})
        self.message_post(body=self.env._("Funding entry %(move)s reversed by %(reversal)s.",
                                 move=move.name, reversal=reversal.name))

    def action_view_move(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    def action_open_import(self):
        self.ensure_one()
        self._check_schedule_rights(self.env._("import invoices into assignment schedules"))
        if self.state != "draft":
            raise UserError(self.env._("Schedule %s is not a draft: lines cannot be imported.",
                              self.name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Invoices"),
            "res_model": "factoring.schedule.import",
            "view_mode": "form",
            "target": "new",
            "context": {"default_schedule_id": self.id},
        }
