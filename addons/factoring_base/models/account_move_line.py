from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL

from .factoring_guard import guarded

# Who sets and lifts manual holds on receivable items (the manager implies both).
HOLD_GROUPS = (
    "factoring_base.group_factoring_credit_analyst",
    "factoring_base.group_factoring_collections_supervisor",
)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    factoring_client_id = fields.Many2one(
        "res.partner", string="Factoring Client", index="btree_not_null", copy=False,
        readonly=True, help="Client who sold this invoice to us (factored items only).")
    factoring_schedule_line_id = fields.Many2one(
        "factoring.schedule.line", string="Assigned Invoice", index="btree_not_null",
        copy=False, readonly=True, ondelete="restrict")
    factoring_hold_ids = fields.One2many(
        "factoring.item.hold", "move_line_id", string="Holds", readonly=True,
        help="Active holds on this receivable item (lifted ones are archived).")
    # Stored so that dunning and availability filter held items in SQL; kept
    # right by the holds' create and (un)archive. Its column is created by the
    # pre-init hook, so installing does not compute it for every journal item.
    factoring_on_hold = fields.Boolean(
        string="On Hold", compute="_compute_factoring_on_hold", store=True, readonly=True,
        copy=False)
    # What the screens show of a receivable item, factored or own (see
    # _factoring_item_data): computed for the whole list in one query.
    factoring_invoice_number = fields.Char(
        string="Invoice Number", compute="_compute_factoring_item_fields")
    factoring_invoice_date = fields.Date(
        string="Invoice Date", compute="_compute_factoring_item_fields")
    factoring_days_past_due = fields.Integer(
        string="Days Past Due", compute="_compute_factoring_item_fields",
        help="Today minus the due date; negative while the item is not yet due.")
    factoring_item_state = fields.Selection(
        [("open", "Open"), ("partial", "Partially Paid"), ("paid", "Paid")],
        string="Item Status", compute="_compute_factoring_item_fields")

    # Held items by debtor: the few held rows, found without scanning the others.
    _factoring_on_hold_idx = models.Index("(partner_id) WHERE factoring_on_hold IS TRUE")

    @api.model
    def _factoring_open_items_domain(self):
        """Open receivable items: posted, unreconciled lines on receivable accounts,
        factored or own."""
        return Domain([
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("account_id.account_type", "=", "asset_receivable"),
        ])

    # ------------------------------------------------------------------
    # Item data (factored and own invoices alike)
    # ------------------------------------------------------------------
    def _factoring_item_data(self):
        """What an item is to people, whatever made it, in one query:
        {line id: {"number", "invoice_date", "due_date", "client_id"}}.

        Factored items (funding entries) take the assigned invoice's number and
        dates and the client recorded on the line; own customer invoices take
        the invoice's number (the entry name) and date, and have no client
        (``client_id`` False). The due date is the item's maturity.
        """
        if not self.ids:
            return {}
        self.env["account.move.line"].flush_model(
            ["move_id", "date_maturity", "factoring_client_id", "factoring_schedule_line_id",
             "name", "date"])
        self.env["account.move"].flush_model(["name", "invoice_date", "move_type", "date"])
        self.env["factoring.schedule.line"].flush_model(
            ["invoice_number", "invoice_date", "due_date"])
        rows = self.env.execute_query(SQL(
            """
            SELECT aml.id,
                   CASE WHEN sl.id IS NOT NULL THEN sl.invoice_number
                        WHEN m.move_type != 'entry' THEN m.name
                        ELSE COALESCE(aml.name, m.name) END,
                   COALESCE(sl.invoice_date, m.invoice_date, aml.date),
                   COALESCE(aml.date_maturity, sl.due_date, m.invoice_date_due, aml.date),
                   aml.factoring_client_id
              FROM account_move_line aml
              JOIN account_move m ON m.id = aml.move_id
         LEFT JOIN factoring_schedule_line sl ON sl.id = aml.factoring_schedule_line_id
             WHERE aml.id = ANY(%s)
            """, self.ids))
        return {
            line_id: {
                "number": number or False,
                "invoice_date": invoice_date or False,
                "due_date": due_date or False,
                "client_id": client_id or False,
            }
            for line_id, number, invoice_date, due_date, client_id in rows
        }

    @api.depends("move_id.name", "move_id.invoice_date", "date_maturity",
                 "factoring_schedule_line_id", "amount_residual", "reconciled")
    @api.depends_context("uid")
    def _compute_factoring_item_fields(self):
        saved = self.filtered(lambda rec: isinstance(rec.id, int))
        # Reading the accessor's tables directly: a role that may see the item
        # may see its invoice number and dates.
        data = saved.sudo()._factoring_item_data() if saved else {}
        today = fields.Date.context_today(self)
        for line in self:
            item = data.get(line.id) if isinstance(line.id, int) else None
            due = item["due_date"] if item else line.date_maturity
            line.factoring_invoice_number = item["number"] if item else line.name
            line.factoring_invoice_date = item["invoice_date"] if item else line.date
            line.factoring_days_past_due = (today - due).days if due else 0
            if line.reconciled:
                line.factoring_item_state = "paid"
            elif line.currency_id.compare_amounts(
                    line.amount_residual_currency, line.amount_currency) != 0 \
                    or line.company_currency_id.compare_amounts(
                        line.amount_residual, line.balance) != 0:
                line.factoring_item_state = "partial"
            else:
                line.factoring_item_state = "open"

    # ------------------------------------------------------------------
    # Holds
    # ------------------------------------------------------------------
    @api.depends("factoring_hold_ids", "factoring_hold_ids.active")
    def _compute_factoring_on_hold(self):
        held = set()
        if self.ids:
            Hold = self.env["factoring.item.hold"].sudo()
            held = {line.id for [line] in Hold._read_group(
                [("move_line_id", "in", self.ids), ("active", "=", True)], ["move_line_id"])}
        for line in self:
            line.factoring_on_hold = line.id in held

    def _factoring_hold_origin(self, origin):
        if origin is None or origin is False:
            return False, 0
        if isinstance(origin, models.BaseModel):
            origin.ensure_one()
            return origin._name, origin.id
        model, res_id = origin
        return model, res_id

    def _factoring_set_hold(self, reason, source, origin=None):
        """Put these receivable items on hold (set-based, one hold per item).

        :param reason: shown on the item and in the hold's history
        :param source: a value of ``factoring.item.hold.source`` (addons add
            theirs with ``selection_add``); only that source lifts the hold
        :param origin: the record that set the hold (a dispute, a promise...),
            a record or a ``(model, id)`` pair, or None
        :return: the holds created. Items already held by the same source and
            origin are left as they are (setting a hold twice is harmless).

        No rights check here: callers (a dispute, a promise to pay) check their
        own users' rights; the hold is written as superuser with the caller as
        the user who set it.
        """
        if not (reason or "").strip():
            raise UserError(self.env._("A hold needs a reason."))
        not_receivable = self.filtered(lambda rec: rec.account_type != "asset_receivable")
        if not_receivable:
            raise UserError(self.env._(
                "Only receivable items can be put on hold, not %(items)s.",
                items=", ".join(not_receivable[:5].mapped("display_name"))))
        res_model, res_id = self._factoring_hold_origin(origin)
        Hold = self.env["factoring.item.hold"].sudo()
        existing = Hold.search([
            ("move_line_id", "in", self.ids), ("source", "=", source),
            ("res_model", "=", res_model or False), ("res_id", "=", res_id or 0),
        ])
        todo = self - existing.move_line_id
        return Hold.create([{
            "move_line_id": line.id,
            "reason": reason,
            "source": source,
            "res_model": res_model or False,
            "res_id": res_id or 0,
            "user_id": self.env.uid,
        } for line in todo])

    def _factoring_lift_holds(self, source, origin=None):
        """Lift the active holds of this source on these items (only those of
        that origin when one is given). The holds are archived with who lifted
        them and when. :return: the holds lifted."""
        domain = [("move_line_id", "in", self.ids), ("source", "=", source)]
        if origin is not None and origin is not False:
            res_model, res_id = self._factoring_hold_origin(origin)
            domain += [("res_model", "=", res_model), ("res_id", "=", res_id)]
        holds = self.env["factoring.item.hold"].sudo().search(domain)
        holds.write({
            "active": False,
            "lifted_date": fields.Datetime.now(),
            "lifted_user_id": self.env.uid,
        })
        return holds

    @api.model
    def _factoring_check_hold_rights(self):
        if self.env.su or any(self.env.user.has_group(g) for g in HOLD_GROUPS):
            return
        raise AccessError(self.env._(
            "Only credit analysts, credit managers, collections supervisors and factoring "
            "managers may put receivable items on hold or lift their holds."))

    def action_factoring_hold(self, reason):
        """Manual hold from the open items screen."""
        self._factoring_check_hold_rights()
        self.check_access("read")
        closed = self.filtered(lambda rec: rec.reconciled or rec.parent_state != "posted")
        if closed:
            raise UserError(self.env._(
                "Only open items can be put on hold; %(items)s is paid or not posted.",
                items=", ".join(closed[:5].mapped("display_name"))))
        self._factoring_set_hold(reason, "manual")
        return True

    def action_factoring_lift_hold(self):
        """Lift the manual holds of these items (holds set by a dispute or a
        promise are lifted by them, not here)."""
        self._factoring_check_hold_rights()
        self.check_access("read")
        self._factoring_lift_holds("manual")
        return True

    def _reconcile_post_hook(self, data):
        res = super()._reconcile_post_hook(data)
        if not self.env.context.get("factoring_no_fee"):
            items = self.filtered(lambda rec: rec.factoring_schedule_line_id and rec.reconciled)
            if items:
                items._factoring_post_discount_fees()
        return res

    def _factoring_post_discount_fees(self):
        """Post the discount fee of factored items that are now fully paid: the
        client's current account is debited, fee income credited. One entry per
        client and currency; days are counted from funding to the last payment."""
        lines = self.factoring_schedule_line_id.filtered(
            lambda rec: not rec.paid_date and rec.schedule_id.state == "funded")
        by_key = defaultdict(list)
        for item in self.filtered(lambda rec: rec.factoring_schedule_line_id in lines):
            schedule_line = item.factoring_schedule_line_id
            counterparts = item.matched_credit_ids.credit_move_id
            paid_date = max(counterparts.mapped("date"), default=fields.Date.today())
            agreement = schedule_line.schedule_id.agreement_id
            days = (paid_date - schedule_line.schedule_id.funded_date).days
            fee = agreement._compute_fee(schedule_line.amount, days)
            by_key[(item.company_id, item.factoring_client_id, agreement.currency_id)].append(
                (schedule_line, paid_date, days, fee))
        for (company, client, currency), entries in by_key.items():
            fee_total = sum(e[3] for e in entries)
            move = self.env["account.move"]
            if not currency.is_zero(fee_total):
                company._factoring_check_accounting()
                move = self._factoring_create_fee_move(company, client, currency, entries)
            for schedule_line, paid_date, _days, fee in entries:
                guarded(schedule_line.sudo()).write({
                    "paid_date": paid_date,
                    "fee_amount": fee,
                    "fee_move_id": move.id if fee else False,
                })

    def _factoring_create_fee_move(self, company, client, currency, entries):
        date = max(e[1] for e in entries)
        company_currency = company.currency_id

        def balance(amount):
            if currency == company_currency:
                return amount
            return currency._convert(amount, company_currency, company, date)

        line_vals = []
        for schedule_line, _paid_date, days, fee in entries:
            if currency.is_zero(fee):
                continue
            line_vals.append({
                "name": self.env._("Discount fee %(invoice)s (%(days)s days)",
                          invoice=schedule_line.invoice_number, days=days),
                "account_id": company.factoring_client_account_id.id,
                "partner_id": client.id,
                "currency_id": currency.id,
                "amount_currency": fee,
                "balance": balance(fee),
            })
        line_vals.append({
            "name": self.env._("Discount fees - %s", client.display_name),
            "account_id": company.factoring_fee_account_id.id,
            "partner_id": client.id,
            "currency_id": currency.id,
            "amount_currency": -sum(v["amount_currency"] for v in line_vals),
            "balance": -sum(v["balance"] for v in line_vals),
        })
        move = self.env["account.move"].sudo().with_company(company).create({
            "move_type": "entry",
            "journal_id": company.factoring_journal_id.id,
            "date": date,
            "ref": self.env._("Factoring discount fees - %s", client.display_name),
            "line_ids": [fields.Command.create(v) for v in line_vals],
        })
        move.action_post()
        return move
