from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL, format_amount

from .factoring_guard import guarded

# Who sets and lifts manual holds on receivable items (the manager implies both).
HOLD_GROUPS = (
    "factoring_base.group_factoring_credit_analyst",
    "factoring_base.group_factoring_collections_supervisor",
)

# Who may apply a debtor's money to receivable items: Odoo's own invoicing group
# (billing), which accountants and accounting managers imply. Factoring roles
# (operations included) do not, unless the company gives them this group too.
CASH_GROUP = "account.group_account_invoice"


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
    # right by the holds' create and (un)archive. Their columns are created by
    # the pre-init hook (and the 19.0.1.1.0 migration), so installing does not
    # compute them for every journal item.
    factoring_on_hold = fields.Boolean(
        string="On Hold", compute="_compute_factoring_on_hold", store=True, readonly=True,
        copy=False, help="Any active hold, whatever its effects.")
    factoring_dunning_hold = fields.Boolean(
        string="Held from Dunning", compute="_compute_factoring_on_hold", store=True,
        readonly=True, copy=False,
        help="An active hold stops dunning on this item (a dispute, a promise to pay, a "
        "manual hold that stops dunning): dunning and the overdue to chase skip it.")
    factoring_ineligible_hold = fields.Boolean(
        string="Held from Funding", compute="_compute_factoring_on_hold", store=True,
        readonly=True, copy=False,
        help="An active hold makes this item ineligible (a dispute, a manual hold that "
        "makes it ineligible): funding availability leaves it out.")
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
    # Items held from dunning by debtor, held from funding by client: the same.
    _factoring_dunning_hold_idx = models.Index(
        "(partner_id) WHERE factoring_dunning_hold IS TRUE")
    _factoring_ineligible_hold_idx = models.Index(
        "(factoring_client_id) WHERE factoring_ineligible_hold IS TRUE")

    @api.model
    def _factoring_open_items_domain(self):
        """Open receivable items: posted, unreconciled lines on receivable accounts,
        factored or own."""
        return Domain([
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("account_id.account_type", "=", "asset_receivable"),
        ])

    @api.model
    def _factoring_check_cash_rights(self):
        if not self.env.su and not self.env.user.has_group(CASH_GROUP):
            raise AccessError(self.env._(
                "Only accounting (Invoicing: Billing or Accountant) may register and apply "
                "debtors' payments."))

    def action_factoring_register_payment(self):
        """Open Odoo's payment wizard on open receivable items of one debtor (the
        Register Payment button of Factoring > Open Receivable Items). The wizard
        posts one native payment and reconciles it with the items."""
        self._factoring_check_cash_rights()
        if not self:
            raise UserError(self.env._("Select the open items the debtor pays."))
        self.check_access("read")
        not_open = self.filtered(lambda rec: (
            rec.parent_state != "posted" or rec.reconciled
            or rec.account_id.account_type != "asset_receivable"))
        if not_open:
            raise UserError(self.env._(
                "Only open receivable items can be paid; %(items)s are not.",
                items=", ".join(not_open[:10].mapped("display_name"))))
        debtors = self.partner_id.commercial_partner_id
        if len(debtors) != 1 or not all(self.mapped("partner_id")):
            raise UserError(self.env._(
                "A payment comes from one debtor: the selected items belong to "
                "%(debtors)s. Select the items of one debtor.",
                debtors=", ".join(debtors.mapped("display_name")) or self.env._("no partner")))
        credit_lines = self.filtered(lambda rec: rec.amount_residual < 0)
        if credit_lines:
            raise UserError(self.env._(
                "%(items)s are open credits of the debtor, not amounts it owes: apply them "
                "with a debtor remittance (Factoring > Debtor Remittances).",
                items=", ".join(credit_lines[:10].mapped("display_name"))))
        return self.action_register_payment()

    def _factoring_is_money(self):
        """Whether this line comes from money received: a payment, a bank statement
        line or a cash-application entry (not a credit note or a write-off)."""
        self.ensure_one()
        move = self.move_id
        return bool(move.origin_payment_id or move.statement_line_id
                    or move.factoring_cash_application)

    def action_factoring_apply_credit(self):
        """Apply an open credit of a debtor (a payment entered the usual way, which
        waits on the ordinary receivable account, or what a remittance left
        unapplied) to the debtor's items selected with it: opens a draft debtor
        remittance with the credit and the items, to check and post."""
        self._factoring_check_cash_rights()
        self.check_access("read")
        debtors = self.partner_id.commercial_partner_id
        if len(debtors) != 1 or not all(self.mapped("partner_id")):
            raise UserError(self.env._(
                "An open credit is applied to the items of its own debtor: the selected "
                "items belong to %(debtors)s.",
                debtors=", ".join(debtors.mapped("display_name")) or self.env._("no partner")))
        open_lines = self.filtered(lambda rec: (
            rec.parent_state == "posted" and not rec.reconciled
            and rec.account_id.account_type == "asset_receivable"))
        credit_lines = open_lines.filtered(lambda rec: rec.amount_residual < 0)
        items = open_lines.filtered(lambda rec: rec.amount_residual > 0)
        if len(credit_lines) != 1 or open_lines != self:
            raise UserError(self.env._(
                "Select one open credit of the debtor (a payment waiting on its receivable "
                "account) and the open items to apply it to."))
        if not credit_lines._factoring_is_money():
            raise UserError(self.env._(
                "%s is not a payment of the debtor: only money received (a payment or a bank "
                "statement line) is applied to its items.", credit_lines.display_name))
        remaining = -credit_lines.amount_residual_currency
        lines = []
        for item in items.sorted(lambda rec: (rec.date_maturity or rec.date, rec.id)):
            amount = min(item.amount_residual_currency, remaining)
            if item.currency_id != credit_lines.currency_id or not item.currency_id.compare_amounts(
                    amount, 0) > 0:
                continue
            remaining -= amount
            lines.append(fields.Command.create({
                "invoice_ref": item.factoring_schedule_line_id.sudo().invoice_number
                or item.move_id.name,
                "move_line_id": item.id,
                "amount": amount,
            }))
        remittance = self.env["factoring.remittance"].create({
            "company_id": credit_lines.company_id.id,
            "debtor_id": debtors.id,
            "credit_line_id": credit_lines.id,
            # the day the money came in: fees count the days up to the payment
            "date": credit_lines.date,
            "memo": credit_lines.move_id.ref or credit_lines.move_id.name,
            "line_ids": lines,
        })
        return {
            "type": "ir.actions.act_window",
            "res_model": "factoring.remittance",
            "res_id": remittance.id,
            "view_mode": "form",
        }

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
        days = self.company_id._factoring_days()
        for line in self:
            item = data.get(line.id) if isinstance(line.id, int) else None
            due = item["due_date"] if item else line.date_maturity
            line.factoring_invoice_number = item["number"] if item else line.name
            line.factoring_invoice_date = item["invoice_date"] if item else line.date
            line.factoring_days_past_due = (days[line.company_id.id] - due).days if due else 0
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
    @api.depends("factoring_hold_ids", "factoring_hold_ids.active",
                 "factoring_hold_ids.stops_dunning", "factoring_hold_ids.makes_ineligible")
    def _compute_factoring_on_hold(self):
        held = {}
        if self.ids:
            Hold = self.env["factoring.item.hold"].sudo()
            held = {line.id: (dunning, ineligible) for line, dunning, ineligible in Hold._read_group(
                [("move_line_id", "in", self.ids), ("active", "=", True)], ["move_line_id"],
                ["stops_dunning:bool_or", "makes_ineligible:bool_or"])}
        for line in self:
            dunning, ineligible = held.get(line.id, (False, False))
            line.factoring_on_hold = line.id in held
            line.factoring_dunning_hold = dunning
            line.factoring_ineligible_hold = ineligible

    def _factoring_hold_origin(self, origin):
        if origin is None or origin is False:
            return False, 0
        if isinstance(origin, models.BaseModel):
            origin.ensure_one()
            return origin._name, origin.id
        model, res_id = origin
        return model, res_id

    def _factoring_set_hold(self, reason, source, origin=None, stops_dunning=None,
                            makes_ineligible=None):
        """Put these receivable items on hold (set-based, one hold per item).

        :param reason: shown on the item and in the hold's history
        :param source: a value of ``factoring.item.hold.source`` (addons add
            theirs with ``selection_add``); only that source lifts the hold
        :param origin: the record that set the hold (a dispute, a promise...),
            a record or a ``(model, id)`` pair, or None
        :param stops_dunning: whether the hold stops dunning; None: the
            source's default (``factoring.item.hold._factoring_sources``)
        :param makes_ineligible: whether the hold makes the items ineligible
            for funding availability; None: the source's default
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
        default_dunning, default_ineligible = Hold._factoring_source_effects(source)
        effects = {
            "stops_dunning": default_dunning if stops_dunning is None else bool(stops_dunning),
            "makes_ineligible": default_ineligible if makes_ineligible is None
            else bool(makes_ineligible),
        }
        if not (effects["stops_dunning"] or effects["makes_ineligible"]):
            raise UserError(self.env._(
                "A hold must stop dunning, make the items ineligible for funding, or both "
                "(items: %(items)s).", items=", ".join(self[:5].mapped("display_name"))))
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
            **effects,
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
    def _factoring_held_by_source(self, domain, groupby="partner_id", effect=None):
        """Held residual of the items matching *domain*, per value of *groupby*
        and per source of hold, in one query: ``{group id: {source: amount}}``
        (company currency). Every figure that leaves held items out names
        these amounts.

        An item held by several holds counts once, under the hold that does
        the most (making ineligible before stopping dunning only), then the
        oldest, so the parts add up to the held total.

        :param domain: the items (e.g. a partner's open overdue items)
        :param groupby: a many2one column of the item ("partner_id",
            "factoring_client_id")
        :param effect: None for any active hold, "dunning" for holds that stop
            dunning, "ineligible" for holds that make the item ineligible
        """
        flag = {None: "factoring_on_hold", "dunning": "factoring_dunning_hold",
                "ineligible": "factoring_ineligible_hold"}[effect]
        hold_filter = {None: SQL("TRUE"), "dunning": SQL("h.stops_dunning"),
                       "ineligible": SQL("h.makes_ineligible")}[effect]
        if groupby not in ("partner_id", "factoring_client_id"):
            raise ValueError(groupby)
        Line = self.sudo().with_context(active_test=False)
        query = Line._search(Domain.AND([domain, Domain(flag, "=", True)]))
        self.env["factoring.item.hold"].flush_model()
        self.flush_model([flag, groupby, "amount_residual"])
        rows = self.env.execute_query(SQL(
            """
            SELECT grp, source, SUM(residual)
              FROM (SELECT DISTINCT ON (aml.id) aml.%(groupby)s AS grp, h.source,
                           aml.amount_residual AS residual
                      FROM account_move_line aml
                      JOIN factoring_item_hold h ON h.move_line_id = aml.id AND h.active
                           AND %(hold_filter)s
                     WHERE aml.id IN %(items)s
                  ORDER BY aml.id, h.makes_ineligible DESC, h.stops_dunning DESC, h.date, h.id
                   ) held
          GROUP BY grp, source
            """,
            groupby=SQL.identifier(groupby), hold_filter=hold_filter,
            items=query.subselect()))
        result = {}
        for group_id, source, amount in rows:
            result.setdefault(group_id, {})[source] = float(amount or 0.0)
        return result

    @api.model
    def _factoring_held_words(self, held, currency):
        """The parts of a figure held by source, in words: "13,983.50 disputed,
        5,000.00 promised" (largest first), from ``{source: amount}``."""
        Hold = self.env["factoring.item.hold"]
        return ", ".join(
            self.env._("%(amount)s %(label)s", amount=format_amount(self.env, amount, currency),
                       label=Hold._factoring_source_label(source))
            for source, amount in sorted(held.items(), key=lambda item: (-item[1], item[0]))
            if not currency.is_zero(amount))

    @api.model
    def _factoring_check_hold_rights(self):
        if self.env.su or any(self.env.user.has_group(g) for g in HOLD_GROUPS):
            return
        raise AccessError(self.env._(
            "Only credit analysts, credit managers, collections supervisors and factoring "
            "managers may put receivable items on hold or lift their holds."))

    def action_factoring_hold(self, reason, stops_dunning=True, makes_ineligible=True):
        """Manual hold from the open items screen, with the effects the person
        chose (at least one)."""
        self._factoring_check_hold_rights()
        self.check_access("read")
        closed = self.filtered(lambda rec: rec.reconciled or rec.parent_state != "posted")
        if closed:
            raise UserError(self.env._(
                "Only open items can be put on hold; %(items)s is paid or not posted.",
                items=", ".join(closed[:5].mapped("display_name"))))
        self._factoring_set_hold(reason, "manual", stops_dunning=stops_dunning,
                                 makes_ineligible=makes_ineligible)
        return True

    def action_factoring_lift_hold(self):
        """Lift the manual holds of these items (holds set by a dispute or a
        promise are lifted by them, not here)."""
        self._factoring_check_hold_rights()
        self.check_access("read")
        self._factoring_lift_holds("manual")
        return True

    def _reconcile_post_hook(self, data):
        # Private on purpose: every reconciliation (reconcile(), the reversal of
        # an entry, exchange differences, the bank reconciliation of other apps
        # that call _reconcile_plan directly) ends here, once the partials and
        # full reconciles exist. Pinned by test_fee_payment.test_pin_post_hook.
        res = super()._reconcile_post_hook(data)
        items = self.filtered(lambda rec: rec.factoring_schedule_line_id and rec.reconciled)
        if items:
            items._factoring_post_discount_fees()
        return res

    def _factoring_settlement(self):
        """How each factored item was settled, from its reconciliations.

        A payment (an entry of an account.payment), a bank statement line or a
        cash application entry brings the debtor's money; exchange difference
        entries are neutral; anything else (the reversal of the funding entry, a
        credit note, a write-off, a manual entry) closes the item without
        payment.
        :return: {item: (amount paid in the item's currency, last payment date)}
        """
        result = {}
        for item in self:
            paid = 0.0
            last = False
            partials = item.matched_credit_ids | item.matched_debit_ids
            for partial in partials:
                counterpart = (partial.credit_move_id if partial.debit_move_id == item
                               else partial.debit_move_id)
                move = counterpart.move_id
                if move.exchange_diff_partial_ids or not move._factoring_is_payment():
                    continue
                paid += (partial.debit_amount_currency if partial.debit_move_id == item
                         else partial.credit_amount_currency)
                last = max(last, counterpart.date) if last else counterpart.date
            result[item] = (paid, last)
        return result

    def _factoring_post_discount_fees(self):
        """Charge the discount fee of factored items that are now settled.

        The fee is charged only on what the debtor paid (payments, bank
        statement lines, cash application entries), from the day the schedule
        was funded to the last payment; an item closed by a reversal, credit
        note, write-off or manual matching carries no fee for the part so
        closed. The client's current account is debited, fee income credited:
        one entry per client and currency.
        """
        lines = self.factoring_schedule_line_id.filtered(
            lambda rec: not rec.paid_date and rec.schedule_id.state == "funded")
        items = self.filtered(lambda rec: rec.factoring_schedule_line_id in lines)
        by_key = defaultdict(list)
        for item, (paid, paid_date) in items._factoring_settlement().items():
            if not paid_date:
                continue  # closed without any payment: no fee, not paid
            schedule_line = item.factoring_schedule_line_id
            agreement = schedule_line.schedule_id.agreement_id
            days = (paid_date - schedule_line.schedule_id.funded_date).days
            fee = agreement._compute_fee(paid, days)
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
    def _factoring_undo_fees(self):
        """Factored items that were paid and are open again (their payment was
        unmatched, reset or cancelled) are no longer paid: their fee is taken
        back by an entry crediting the client's current account, and their paid
        date and fee are cleared, so the next settlement charges afresh."""
        items = self.filtered(
            lambda rec: rec.factoring_schedule_line_id.paid_date and not rec.reconciled)
        if not items:
            return
        days = items.company_id._factoring_days()
        by_key = defaultdict(list)
        for item in items:
            schedule_line = item.factoring_schedule_line_id
            currency = schedule_line.schedule_id.agreement_id.currency_id
            if not currency.is_zero(schedule_line.fee_amount):
                by_key[(item.company_id, item.factoring_client_id, currency)].append(
                    (schedule_line, days[item.company_id.id], 0, -schedule_line.fee_amount))
        for (company, client, currency), entries in by_key.items():
            self._factoring_create_fee_move(
                company, client, currency, entries,
                ref=self.env._("Discount fees taken back (payment undone) - %s", client.display_name),
                label=self.env._("Discount fee %(invoice)s taken back"))
        guarded(items.factoring_schedule_line_id.sudo()).write({
            "paid_date": False, "fee_amount": 0.0, "fee_move_id": False})

    def _factoring_create_fee_move(self, company, client, currency, entries, ref=None,
                                   label=None):
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
                "name": label % {"invoice": schedule_line.invoice_number} if label else self.env._(
                    "Discount fee %(invoice)s (%(days)s days)",
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
            "ref": ref or self.env._("Factoring discount fees - %s", client.display_name),
            "line_ids": [fields.Command.create(v) for v in line_vals],
        })
        move.action_post()
        return move
