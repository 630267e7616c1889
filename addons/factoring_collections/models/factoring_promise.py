from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, format_amount, format_date

from odoo.addons.factoring_base.models.factoring_guard import check_protected, guarded
from odoo.addons.factoring_base.models.res_company_day import factoring_today

from .common import check_collector

STATES = [
    ("pending", "Pending"),
    ("kept", "Kept"),
    ("partial", "Partly Kept"),
    ("broken", "Broken"),
]
# State and what it is derived from change only through _check_state.
PROTECTED = ("state", "paid_amount", "date_closed", "date_recorded", "collector_id")
# What the debtor promised: changes while the promise is pending only.
TERMS = ("amount", "date", "item_ids", "debtor_id", "company_id")


class FactoringPromise(models.Model):
    """A debtor's promise to pay an amount by a date (optionally for given
    items). Its state is derived from the payments reconciled on the debtor's
    items (or on the promised items) between the day it was recorded and the
    promised date: kept when they reach the amount, partly kept or broken when
    the date has passed without it. While pending, the items it covers are on
    hold from dunning (base's hold, source "promise": it stops dunning and
    leaves the items eligible for funding): the promised items or, when none
    are chosen, the debtor's oldest overdue items up to the promised amount.
    The promise lifts its holds when it ends. A broken promise gives the
    collector an activity and is logged on the debtor."""

    _name = "factoring.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    debtor_id = fields.Many2one(
        "res.partner", string="Debtor", required=True, index=True, check_company=True,
        tracking=True, domain="[('is_company', '=', True)]")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(required=True, tracking=True)
    date = fields.Date(string="Promised Date", required=True, tracking=True, index=True)
    date_recorded = fields.Date(
        required=True, readonly=True, default=factoring_today,
        help="Payments count from this day to the promised date.")
    item_ids = fields.Many2many(
        "account.move.line", "factoring_promise_item_rel", "promise_id", "move_line_id",
        string="Promised Items", check_company=True,
        help="Leave empty when the promise covers the debtor's open items as a whole: it "
        "then holds the oldest overdue items up to the promised amount.")
    call_id = fields.Many2one(
        "factoring.collection.call", string="From Call", index="btree_not_null",
        check_company=True)
    user_id = fields.Many2one(
        "res.users", string="Recorded by", required=True, readonly=True,
        default=lambda self: self.env.user)
    collector_id = fields.Many2one(
        "res.users", string="Collector", readonly=True, index=True,
        help="The debtor's collector; follows the debtor when it is handed over while the "
        "promise is pending.")
    state = fields.Selection(
        STATES, required=True, default="pending", readonly=True, tracking=True, index=True)
    paid_amount = fields.Monetary(readonly=True, help="Payments counted towards the promise.")
    date_closed = fields.Date(readonly=True)
    note = fields.Text()

    _amount_positive = models.Constraint(
        "CHECK(amount > 0)", "A promise to pay needs a positive amount.")

    @api.onchange("item_ids")
    def _onchange_item_ids(self):
        """The promised amount defaults to what the chosen items owe."""
        if self.item_ids and self.state == "pending":
            self.amount = sum(self.item_ids.mapped("amount_residual"))

    @api.depends("debtor_id", "amount", "date")
    def _compute_display_name(self):
        for promise in self:
            promise.display_name = self.env._(
                "%(debtor)s: %(amount)s by %(date)s", debtor=promise.debtor_id.name or "",
                amount=format_amount(self.env, promise.amount, promise.currency_id)
                if promise.currency_id else promise.amount,
                date=format_date(self.env, promise.date) if promise.date else "")

    # ------------------------------------------------------------------
    # Create / write: validation, holds
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        check_collector(self.env, self.env._("record promises to pay"))
        check_protected(self, vals_list, PROTECTED, lambda vals: self.env._("New promise"))
        # validated before anything is written
        for vals in vals_list:
            self.new(vals)._check_terms()
        promises = super().create(vals_list)
        for promise in promises:
            guarded(promise.sudo()).write({
                "collector_id": promise.debtor_id.factoring_collector_id.id or self.env.uid})
        promises._set_holds()
        return promises

    def write(self, vals):
        check_protected(self, [vals], PROTECTED,
                        lambda v: ", ".join(self[:5].mapped("display_name")))
        if set(vals) & set(TERMS):
            closed = self.filtered(lambda p: p.state != "pending")
            if closed:
                raise UserError(self.env._(
                    "%(promises)s: a promise that has ended (kept, partly kept or broken) "
                    "cannot be changed.", promises=", ".join(closed.mapped("display_name"))))
        if set(vals) & set(TERMS):
            for promise in self:
                current = {
                    "debtor_id": promise.debtor_id.id, "company_id": promise.company_id.id,
                    "amount": promise.amount, "date": promise.date,
                    "item_ids": [fields.Command.set(promise.item_ids.ids)],
                }
                self.new({**current, **vals})._check_terms()
        res = super().write(vals)
        if set(vals) & set(TERMS):
            self._lift_holds()
            self._set_holds()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_pending_only(self):
        check_collector(self.env, self.env._("delete promises to pay"))
        if self.filtered(lambda p: p.state != "pending"):
            raise UserError(self.env._("Only pending promises can be deleted."))

    def unlink(self):
        self._lift_holds()
        return super().unlink()

    def _open_items_domain(self):
        self.ensure_one()
        return Domain.AND([
            self.env["account.move.line"]._factoring_open_items_domain(),
            Domain("partner_id", "child_of", self.debtor_id.commercial_partner_id.id),
            Domain("company_id", "=", self.company_id.id),
            Domain("amount_residual", ">", 0),
        ])

    def _check_terms(self):
        """A promise in the past, above the debtor's open balance, or on items
        that are not the debtor's open items is refused, naming the promise."""
        days = self.company_id._factoring_days()
        Line = self.env["account.move.line"].sudo()
        for promise in self.filtered(lambda p: p.state == "pending"):
            if not (promise.debtor_id and promise.date and promise.company_id):
                raise UserError(self.env._("A promise to pay needs a debtor and a date."))
            name = promise.debtor_id.display_name
            if promise.date < days[promise.company_id.id]:
                raise UserError(self.env._(
                    "Promise of %(debtor)s: the promised date %(date)s is in the past.",
                    debtor=name, date=format_date(self.env, promise.date)))
            domain = promise._open_items_domain()
            if promise.item_ids:
                item_ids = promise.item_ids._origin.ids
                wrong = Line.browse(item_ids) - Line.search(domain & Domain("id", "in", item_ids))
                if wrong:
                    raise UserError(self.env._(
                        "Promise of %(debtor)s: %(items)s are not open items of this debtor.",
                        debtor=name, items=", ".join(wrong.sudo().mapped("display_name"))))
                domain &= Domain("id", "in", item_ids)
            [[balance]] = Line._read_group(domain, [], ["amount_residual:sum"])
            if promise.currency_id.compare_amounts(promise.amount, balance or 0.0) > 0:
                raise UserError(self.env._(
                    "Promise of %(debtor)s: %(amount)s is more than the open balance "
                    "%(balance)s.", debtor=name,
                    amount=format_amount(self.env, promise.amount, promise.currency_id),
                    balance=format_amount(self.env, balance or 0.0, promise.currency_id)))

    def _covered_items(self):
        """The items the promise holds: the promised items, or, when none are
        chosen, the debtor's open items not already held from dunning (a
        dispute), oldest due first, until they reach the promised amount (the
        overdue ones come first; the last item may go beyond the amount)."""
        self.ensure_one()
        if self.item_ids:
            return self.item_ids.sudo()
        Line = self.env["account.move.line"].sudo()
        candidates = Line.search_fetch(
            self._open_items_domain() & Domain("factoring_dunning_hold", "=", False),
            ["amount_residual"], order="date_maturity, id")
        covered = Line
        total = 0.0
        for item in candidates:
            if self.currency_id.compare_amounts(total, self.amount) >= 0:
                break
            covered |= item
            total += item.amount_residual
        return covered

    def _set_holds(self):
        for promise in self.filtered(lambda p: p.state == "pending"):
            items = promise._covered_items()
            if items:
                items._factoring_set_hold(
                    self.env._("Promise to pay %s", promise.display_name), "promise",
                    origin=promise)

    def _lift_holds(self):
        if not self:
            return
        holds = self.env["factoring.item.hold"].sudo().search([
            ("source", "=", "promise"), ("res_model", "=", self._name),
            ("res_id", "in", self.ids)])
        for promise in self:
            lines = holds.filtered(lambda h, p=promise: h.res_id == p.id).move_line_id
            lines._factoring_lift_holds("promise", origin=promise)

    # ------------------------------------------------------------------
    # State from payments (set-based)
    # ------------------------------------------------------------------
    def _paid_amounts(self):
        """Payments (a payment, a bank statement line, a cash application; not
        a credit note or a write-off) reconciled on each promise's items, or on
        the debtor's receivable items when the promise names none, dated from the
        day the promise was recorded to its date: {promise id: amount}."""
        if not self:
            return {}
        self.env.flush_all()
        rows = self.env.execute_query(SQL(
            """
            SELECT p.id, COALESCE(SUM(apr.amount), 0)
              FROM factoring_promise p
              JOIN res_partner dp ON dp.commercial_partner_id = p.debtor_id
              JOIN account_move_line item ON item.partner_id = dp.id
                   AND item.company_id = p.company_id
              JOIN account_account acc ON acc.id = item.account_id
                   AND acc.account_type = 'asset_receivable'
              JOIN account_partial_reconcile apr ON apr.debit_move_id = item.id
              JOIN account_move_line cp ON cp.id = apr.credit_move_id
              JOIN account_move cm ON cm.id = cp.move_id
             WHERE p.id = ANY(%(ids)s)
               AND cp.date BETWEEN p.date_recorded AND p.date
               AND (cm.origin_payment_id IS NOT NULL OR cm.statement_line_id IS NOT NULL
                    OR cm.factoring_cash_application IS TRUE)
               AND (NOT EXISTS (SELECT 1 FROM factoring_promise_item_rel r
                                 WHERE r.promise_id = p.id)
                    OR item.id IN (SELECT r.move_line_id FROM factoring_promise_item_rel r
                                    WHERE r.promise_id = p.id))
          GROUP BY p.id
            """, ids=self.ids))
        return {pid: float(amount) for pid, amount in rows}

    def _check_state(self, today=None):
        """Derive the state of pending promises from the payments; end the ones
        kept, partly kept or broken (lift their holds; a broken one gives the
        collector an activity and is logged on the debtor and the promise)."""
        days = self.company_id._factoring_days()  # the day: ``today`` or its company's
        pending = self.filtered(lambda p: p.state == "pending")
        paid = pending._paid_amounts()
        ended = self.browse()
        broken = self.browse()
        for promise in pending:
            amount = paid.get(promise.id, 0.0)
            currency = promise.currency_id
            if currency.compare_amounts(amount, promise.amount) >= 0:
                state = "kept"
            elif promise.date >= (today or days[promise.company_id.id]):
                state = False
            elif currency.compare_amounts(amount, 0.0) > 0:
                state = "partial"
            else:
                state = "broken"
            vals = {}
            if currency.compare_amounts(amount, promise.paid_amount) != 0:
                vals["paid_amount"] = amount
            if state:
                vals.update(state=state, date_closed=today or days[promise.company_id.id])
                ended |= promise
                if state == "broken":
                    broken |= promise
            if vals:
                guarded(promise.sudo()).write(vals)
        ended._lift_holds()
        broken._notify_broken()
        return ended

    def _notify_broken(self):
        for promise in self:
            body = self.env._(
                "Promise to pay %(amount)s by %(date)s broken (paid %(paid)s).",
                amount=format_amount(self.env, promise.amount, promise.currency_id),
                date=format_date(self.env, promise.date),
                paid=format_amount(self.env, promise.paid_amount, promise.currency_id))
            user = promise.debtor_id.factoring_collector_id or promise.collector_id
            promise.sudo().message_post(body=body)
            promise.debtor_id.sudo().message_post(body=body)
            promise.debtor_id.sudo().activity_schedule(
                "factoring_collections.mail_activity_type_broken_promise",
                summary=self.env._("Broken promise: call %s", promise.debtor_id.name),
                note=body, user_id=user.id or self.env.uid)

    @api.model
    def _cron_check_promises(self):
        self.search([("state", "=", "pending")])._check_state()

    def action_check(self):
        """Check these promises against the payments now."""
        check_collector(self.env, self.env._("check promises to pay"))
        self.check_access("write")
        self._check_state()
        return True

    # ------------------------------------------------------------------
    # Kept ratio
    # ------------------------------------------------------------------
    @api.model
    def _kept_ratio(self, groupby, ids):
        """Share of ended promises that were kept in full, in %, per value of
        ``groupby`` ("debtor_id" or "collector_id"): {id: (ratio, ended count)}.
        A partly kept promise counts as not kept."""
        rows = self.sudo()._read_group(
            [(groupby, "in", ids), ("state", "!=", "pending")], [groupby, "state"], ["__count"])
        totals = {}
        for record, state, count in rows:
            kept, ended = totals.get(record.id, (0, 0))
            totals[record.id] = (kept + (count if state == "kept" else 0), ended + count)
        return {key: (round(100.0 * kept / ended, 1), ended)
                for key, (kept, ended) in totals.items()}

    def _factoring_move_to(self, user):
        """Pending promises follow their debtor to its new collector."""
        pending = self.filtered(lambda p: p.state == "pending")
        if pending:
            guarded(pending.sudo()).write({"collector_id": user.id})
