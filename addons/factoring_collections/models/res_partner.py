from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import format_amount

from .common import check_collector, check_supervisor, is_supervisor
from .factoring_portfolio_history import ROLE_FIELDS


class ResPartner(models.Model):
    _inherit = "res.partner"

    factoring_call_ids = fields.One2many(
        "factoring.collection.call", "debtor_id", string="Collection Calls")
    factoring_promise_ids = fields.One2many(
        "factoring.promise", "debtor_id", string="Promises to Pay")
    # The collections figures of the client's one screen (group
    # factoring_figures_collections); each computed set-based for all partners.
    factoring_dunnable_amount = fields.Monetary(
        compute="_compute_factoring_collection_figures", string="Overdue to Chase",
        currency_field="currency_id",
        help="Overdue open items (as debtor or as client) that no hold keeps from "
        "dunning: what dunning and the collectors chase. The Overdue figure says what the "
        "holds keep (disputed, promised, held manually).")
    factoring_promise_pending_amount = fields.Monetary(
        compute="_compute_factoring_collection_figures", string="Promised (pending)",
        currency_field="currency_id")
    factoring_promise_next_date = fields.Date(
        compute="_compute_factoring_collection_figures", string="Next Promised Date")
    factoring_promise_kept_ratio = fields.Float(
        compute="_compute_factoring_collection_figures", string="Kept Promises (%)",
        help="Share of the debtor's ended promises to pay that were kept in full.")
    factoring_last_contact_date = fields.Datetime(
        compute="_compute_factoring_collection_figures", string="Last Contact")
    factoring_last_contact_user_id = fields.Many2one(
        "res.users", compute="_compute_factoring_collection_figures", string="Last Contact By")
    factoring_call_count = fields.Integer(compute="_compute_factoring_collection_figures")
    factoring_promise_count = fields.Integer(compute="_compute_factoring_collection_figures")

    # Dunning (per debtor): an own policy, or exclusion from dunning.
    factoring_dunning_policy_id = fields.Many2one(
        "factoring.dunning.policy", string="Dunning Policy", tracking=True,
        help="Overrides the company's default dunning policy for this debtor.")
    factoring_dunning_excluded = fields.Boolean(
        string="Excluded from Dunning", tracking=True,
        help="The daily dunning run skips this debtor's items.")

    factoring_can_edit_dunning = fields.Boolean(compute="_compute_factoring_can_edit_dunning")

    def _compute_factoring_can_edit_dunning(self):
        self.factoring_can_edit_dunning = is_supervisor(self.env)

    factoring_portfolio_history_ids = fields.One2many(
        "factoring.portfolio.history", "partner_id", string="Holders")

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        History = self.env["factoring.portfolio.history"]
        for role, field in ROLE_FIELDS.items():
            held = partners.filtered(field)
            if held:
                History._record(held, role)
        return partners

    def write(self, vals):
        if {"factoring_dunning_policy_id", "factoring_dunning_excluded"} & set(vals):
            check_supervisor(self.env, self.env._("change a debtor's dunning policy or exclusion"))
        changed = {role: self.filtered(lambda p, f=field: p[f].id != vals[field])
                   for role, field in ROLE_FIELDS.items() if field in vals}
        res = super().write(vals)
        History = self.env["factoring.portfolio.history"]
        for role, partners in changed.items():
            if partners:
                History._record(partners, role,
                                note=self.env.context.get("factoring_portfolio_note"))
        return res

    def _factoring_figure_fields(self):
        return super()._factoring_figure_fields() + [
            ("factoring_figures_collections", "factoring_dunnable_amount"),
            ("factoring_figures_collections", "factoring_promise_pending_amount"),
            ("factoring_figures_collections", "factoring_promise_next_date"),
            ("factoring_figures_collections", "factoring_promise_kept_ratio"),
            ("factoring_figures_collections", "factoring_last_contact_date"),
            ("factoring_figures_collections", "factoring_last_contact_user_id"),
        ]

    def _factoring_call_domain(self):
        """Calls on these partners as debtors, or concerning them as clients."""
        return Domain("debtor_id", "in", self.ids) | Domain("client_ids", "in", self.ids)

    def _compute_factoring_collection_figures(self):
        ids = [i for i in self.ids if isinstance(i, int)]
        self.factoring_dunnable_amount = 0.0
        self.factoring_promise_pending_amount = 0.0
        self.factoring_promise_next_date = False
        self.factoring_promise_kept_ratio = 0.0
        self.factoring_last_contact_date = False
        self.factoring_last_contact_user_id = False
        self.factoring_call_count = 0
        self.factoring_promise_count = 0
        if not ids:
            return
        # figures every factoring role reads (one screen): read as superuser
        Call = self.env["factoring.collection.call"].sudo()
        Promise = self.env["factoring.promise"].sudo()
        Line = self.env["account.move.line"].sudo()
        today = self.env.company._factoring_today()
        company = Domain("company_id", "in", self.env.companies.ids)
        last = {}
        counts = {}
        for field_name in ("debtor_id", "client_ids"):
            for partner, count, date in Call._read_group(
                    Domain(field_name, "in", ids) & company, [field_name],
                    ["__count", "date:max"]):
                counts[partner.id] = counts.get(partner.id, 0) + count
                if date and (partner.id not in last or date > last[partner.id]):
                    last[partner.id] = date
        last_users = {}
        if last:
            for call in Call.search_fetch(
                    Domain("date", "in", list(set(last.values())))
                    & self._factoring_call_domain() & company, ["date", "user_id",
                                                                "debtor_id", "client_ids"]):
                for partner_id in (call.debtor_id | call.client_ids).ids:
                    if last.get(partner_id) == call.date:
                        last_users[partner_id] = call.user_id
        pending = {p.id: (amount, date) for p, amount, date in Promise._read_group(
            Domain("debtor_id", "in", ids) & Domain("state", "=", "pending") & company,
            ["debtor_id"], ["amount:sum", "date:min"])}
        promise_counts = dict(Promise._read_group(
            Domain("debtor_id", "in", ids) & company, ["debtor_id"], ["__count"]))
        ratios = Promise._kept_ratio("debtor_id", ids)
        # as debtor or as client, like base's Overdue (whose detail names the rest)
        dunnable = {}
        for field_name in ("partner_id", "factoring_client_id"):
            for partner, amount in Line._read_group(
                    Line._factoring_open_items_domain() & Domain(field_name, "in", ids)
                    & Domain("date_maturity", "<", today)
                    & Domain("factoring_dunning_hold", "=", False) & company,
                    [field_name], ["amount_residual:sum"]):
                dunnable[partner.id] = dunnable.get(partner.id, 0.0) + amount
        for partner_id, (amount, date) in self._factoring_client_promises(ids).items():
            debtor_amount, debtor_date = pending.get(partner_id, (0.0, False))
            pending[partner_id] = (debtor_amount + amount,
                                   min(filter(None, (debtor_date, date)), default=False))
        for partner in self:
            partner.factoring_dunnable_amount = dunnable.get(partner.id, 0.0)
            amount, date = pending.get(partner.id, (0.0, False))
            partner.factoring_promise_pending_amount = amount
            partner.factoring_promise_next_date = date
            partner.factoring_promise_kept_ratio = ratios.get(partner.id, (0.0, 0))[0]
            partner.factoring_last_contact_date = last.get(partner.id, False)
            partner.factoring_last_contact_user_id = last_users.get(partner.id, False)
            partner.factoring_call_count = counts.get(partner.id, 0)
            partner.factoring_promise_count = promise_counts.get(partner, 0)

    @api.model
    def _factoring_client_promises(self, client_ids):
        """A client's part of its debtors' pending promises to pay: each
        promise that holds the client's items counts pro rata of the residual
        it holds on them (all of it when it holds only this client's items), so
        the client's *Promised (pending)* agrees with the "promised" part of
        its *Overdue*. :return: {client id: (amount, next promised date)}"""
        Hold = self.env["factoring.item.hold"].sudo()
        promise_domain = Domain("source", "=", "promise") \
            & Domain("res_model", "=", "factoring.promise") \
            & Domain("company_id", "in", self.env.companies.ids)
        client_holds = Hold.search_fetch(
            promise_domain & Domain("move_line_id.factoring_client_id", "in", client_ids),
            ["move_line_id", "res_id"])
        if not client_holds:
            return {}
        promises = self.env["factoring.promise"].sudo().browse(
            set(client_holds.mapped("res_id"))).filtered(lambda p: p.state == "pending")
        held = {}  # promise id: {client id (or 0 for another's items): residual}
        for hold in Hold.search_fetch(promise_domain & Domain("res_id", "in", promises.ids),
                                      ["move_line_id", "res_id"]):
            line = hold.move_line_id
            parts = held.setdefault(hold.res_id, {})
            key = line.factoring_client_id.id if line.factoring_client_id.id in client_ids else 0
            parts[key] = parts.get(key, 0.0) + line.amount_residual
        result = {}
        for promise in promises:
            parts = held.get(promise.id, {})
            total = sum(parts.values())
            for client_id, residual in parts.items():
                if not client_id or not total:
                    continue
                amount, date = result.get(client_id, (0.0, False))
                result[client_id] = (
                    amount + promise.currency_id.round(promise.amount * residual / total),
                    min(filter(None, (date, promise.date)), default=False))
        return result

    # ------------------------------------------------------------------
    # Actions from the partner form and the worklist
    # ------------------------------------------------------------------
    def action_factoring_calls(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Collection Calls"),
            "res_model": "factoring.collection.call",
            "view_mode": "list,form",
            "domain": list(self._factoring_call_domain()),
            "context": {"default_debtor_id": self.id},
        }

    def action_factoring_promises(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promises to Pay"),
            "res_model": "factoring.promise",
            "view_mode": "list,form",
            "domain": [("debtor_id", "=", self.id)],
            "context": {"default_debtor_id": self.id},
        }

    def action_factoring_log_call(self):
        self.ensure_one()
        check_collector(self.env, self.env._("log collection calls"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": "factoring.collection.call",
            "view_mode": "form",
            "target": "new",
            "context": {"default_debtor_id": self.id},
        }

    def action_factoring_record_promise(self):
        self.ensure_one()
        check_collector(self.env, self.env._("record promises to pay"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record a Promise"),
            "res_model": "factoring.promise",
            "view_mode": "form",
            "target": "new",
            "context": {"default_debtor_id": self.id},
        }

    def action_factoring_open_items(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Open Items of %s", self.display_name),
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "views": [(self.env.ref("factoring_base.factoring_open_items_view_list").id, "list"),
                      (self.env.ref("factoring_base.factoring_open_item_view_form").id, "form")],
            "search_view_id": self.env.ref("factoring_base.factoring_open_items_view_search").id,
            "domain": list(self.env["account.move.line"]._factoring_open_items_domain()
                           & Domain("partner_id", "child_of", self.id)),
        }

    # ------------------------------------------------------------------
    # Statement
    # ------------------------------------------------------------------
    def _factoring_statement_data(self):
        """What the debtor statement prints: open items with days past due,
        the aging buckets (docs/domain.md: not due, 1-30, 31-60, 61-90, 91-120, over
        120) and the promises of the last 90 days."""
        self.ensure_one()
        debtor = self.commercial_partner_id
        today = self.env.company._factoring_today()
        Line = self.env["account.move.line"].sudo()
        items = Line.search(
            Line._factoring_open_items_domain() & Domain("partner_id", "child_of", debtor.id)
            & Domain("company_id", "=", self.env.company.id),
            order="date_maturity, id")
        data = items._factoring_item_data()
        currency = self.env.company.currency_id
        buckets = [
            [self.env._("Not due"), 0.0], [self.env._("1-30"), 0.0], [self.env._("31-60"), 0.0],
            [self.env._("61-90"), 0.0], [self.env._("91-120"), 0.0],
            [self.env._("Over 120"), 0.0]]
        rows = []
        for item in items:
            due = data[item.id]["due_date"] or item.date
            days = (today - due).days
            index = 0 if days <= 0 else min(5, (days - 1) // 30 + 1)
            buckets[index][1] += item.amount_residual
            rows.append({
                "number": data[item.id]["number"] or item.move_name,
                "invoice_date": data[item.id]["invoice_date"],
                "due_date": due,
                "days": max(days, 0),
                "amount": item.amount_residual,
                "amount_text": format_amount(self.env, item.amount_residual, currency),
                "status": self.env._("on hold") if item.factoring_on_hold else "",
            })
        promises = self.env["factoring.promise"].sudo().search([
            ("debtor_id", "=", debtor.id), ("company_id", "=", self.env.company.id),
            "|", ("state", "=", "pending"), ("date", ">=", today - timedelta(days=90))])
        total = sum(row["amount"] for row in rows)
        return {
            "date": today,
            "items": rows,
            "buckets": [(name, amount, format_amount(self.env, amount, currency))
                        for name, amount in buckets],
            "total": total,
            "total_text": format_amount(self.env, total, currency),
            "promises": promises,
        }

    def action_factoring_send_statement(self):
        """Open the e-mail composer with the debtor statement attached."""
        self.ensure_one()
        check_collector(self.env, self.env._("send statements"))
        template = self.env.ref("factoring_collections.mail_template_statement")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": "res.partner",
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
            },
        }
