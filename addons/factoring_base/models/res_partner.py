from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL, format_amount

# How many of a client's largest debtors its one screen lists.
TOP_DEBTORS = 3

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

# Fields only credit risk may write (docs/domain.md, Roles: credit analysts own ratings).
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
        "res.users", string="Client Manager", tracking=True,
        index="btree_not_null")
    factoring_credit_analyst_id = fields.Many2one(
        "res.users", string="Credit Analyst", tracking=True,
        index="btree_not_null")
    factoring_collector_id = fields.Many2one(
        "res.users", string="Collector", tracking=True,
        index="btree_not_null")
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
        "purchase price) we owe the client, net of fees and of the reserve already "
        "released.")
    factoring_reserve_held = fields.Monetary(
        compute="_compute_factoring_reserve", string="Reserve Held",
        currency_field="currency_id",
        help="Reserve on the client's open factored invoices (their residual times "
        "the share not advanced): released as the debtors pay.")
    factoring_reserve_releasable = fields.Monetary(
        compute="_compute_factoring_reserve", string="Releasable Reserve",
        currency_field="currency_id",
        help="Reserve Owed minus Reserve Held minus the client's deficit (minus its "
        "Availability, when negative), never below zero: what can be paid out to the "
        "client now (Release Reserve).")
    # Eligibility and availability (_factoring_availability): the one figure the
    # screens show and funding checks.
    factoring_funds_in_use = fields.Monetary(
        compute="_compute_factoring_availability", string="Funds in Use",
        currency_field="currency_id",
        help="What was advanced on the client's open factored items: each item's "
        "residual times the advance share of its funding entry.")
    factoring_eligible = fields.Monetary(
        compute="_compute_factoring_availability", string="Eligible Receivables",
        currency_field="currency_id",
        help="The client's open factored items that count for funding: not held by a "
        "dispute or a hold that makes them ineligible (a promise to pay does not).")
    factoring_availability = fields.Monetary(
        compute="_compute_factoring_availability", string="Availability",
        currency_field="currency_id",
        help="Eligible Receivables x advance rate - Funds in Use. Negative: the client is "
        "over-advanced by that much; funding refuses to take it below zero.")
    factoring_availability_detail = fields.Char(
        compute="_compute_factoring_availability", string="Availability Detail",
        help="How the availability is made: eligible of open, what was left out and "
        "why, borrowing base and funds in use.")
    factoring_open_amount = fields.Monetary(
        compute="_compute_factoring_open_items", string="Open Receivables",
        currency_field="currency_id")
    # The client's one screen (Factoring tab): see _factoring_figure_fields().
    factoring_overdue_amount = fields.Monetary(
        compute="_compute_factoring_open_items", string="Overdue",
        currency_field="currency_id",
        help="Open receivable items past their due date (as debtor or as client).")
    factoring_overdue_detail = fields.Char(
        compute="_compute_factoring_open_items", string="Overdue Detail",
        help="The overdue amount by what holds it: disputed, promised, held manually, "
        "and what is left to chase (not held from dunning).")
    factoring_oldest_overdue_date = fields.Date(
        compute="_compute_factoring_open_items", string="Oldest Overdue Due Date")
    factoring_oldest_overdue_days = fields.Integer(
        compute="_compute_factoring_open_items", string="Oldest Overdue (days)",
        help="Days past due of the oldest overdue open item.")
    factoring_top_debtors = fields.Text(
        compute="_compute_factoring_top_debtors", string="Top Debtors",
        help="The client's largest debtors and their share of its open factored items.")
    factoring_meeting_count = fields.Integer(
        compute="_compute_factoring_meetings", string="Meeting Notes")
    factoring_last_meeting_id = fields.Many2one(
        "factoring.interaction", compute="_compute_factoring_meetings", string="Last Meeting")
    factoring_last_meeting_date = fields.Datetime(
        compute="_compute_factoring_meetings", string="Last Meeting On")
    factoring_last_meeting_user_id = fields.Many2one(
        "res.users", compute="_compute_factoring_meetings", string="Last Meeting By")
    factoring_client_debtor_ids = fields.One2many(
        "factoring.client.debtor", "client_id", string="Debtors of the Client")
    factoring_debtor_client_ids = fields.One2many(
        "factoring.client.debtor", "debtor_id", string="Clients of the Debtor")
    factoring_client_debtor_count = fields.Integer(
        compute="_compute_factoring_client_debtor_count", string="Approved Debtors")
    factoring_debtor_client_count = fields.Integer(
        compute="_compute_factoring_client_debtor_count", string="Clients")

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

    def _compute_factoring_client_debtor_count(self):
        Pair = self.env["factoring.client.debtor"]
        as_client = dict(Pair._read_group(
            [("client_id", "in", self.ids)], ["client_id"], ["__count"]))
        as_debtor = dict(Pair._read_group(
            [("debtor_id", "in", self.ids)], ["debtor_id"], ["__count"]))
        for partner in self:
            partner.factoring_client_debtor_count = as_client.get(partner, 0)
            partner.factoring_debtor_client_count = as_debtor.get(partner, 0)

    def _compute_factoring_reserve(self):
        self.factoring_reserve_balance = 0.0
        self.factoring_reserve_held = 0.0
        self.factoring_reserve_releasable = 0.0
        company = self.env.company
        if not self.ids or not company.factoring_client_account_id \
                or not self.env["account.move.line"].has_access("read"):
            return
        figures = self._factoring_reserve_figures(company)
        for partner in self:
            partner.factoring_reserve_balance, partner.factoring_reserve_held, \
                partner.factoring_reserve_releasable = figures.get(partner.id, (0.0, 0.0, 0.0))

    def _factoring_reserve_figures(self, company):
        """Reserve figures of these clients in *company*, in its currency, in two
        queries whatever the number of clients.

        - balance: the client's current account, what the factor owes the client
          (the reserve, less fees and what was already released);
        - held: the reserve on the client's open factored items, i.e. each item's
          residual times the share of its schedule that was not advanced, taken
          from the funding entry (advance / face value), so a later change of the
          agreement's rate does not move it;
        - releasable: balance minus held minus the client's deficit (what it is
          over-advanced: minus its availability, when negative), never below
          zero: what can be paid out now. An over-advanced client is not paid
          a reserve the factor needs to cover the deficit.
        :return: {partner id: (balance, held, releasable)}
        """
        currency = company.currency_id
        self.env["account.move.line"].flush_model([
            "account_id", "partner_id", "company_id", "parent_state", "balance", "move_id",
            "factoring_schedule_line_id", "factoring_client_id", "amount_residual",
            "reconciled"])
        self.env["factoring.schedule"].flush_model(["move_id", "state", "company_id", "client_id"])
        balances = dict(self.env.execute_query(SQL(
            """
            SELECT partner_id, -SUM(balance)
              FROM account_move_line
             WHERE account_id = %(account)s AND partner_id = ANY(%(partners)s)
               AND company_id = %(company)s AND parent_state = 'posted'
          GROUP BY partner_id
            """,
            account=company.factoring_client_account_id.id, partners=self.ids,
            company=company.id)))
        held = dict(self.env.execute_query(SQL(
            """
            WITH funding AS (%(funding)s)
            SELECT item.factoring_client_id,
                   SUM(item.amount_residual * (1 - COALESCE(f.advance, 0) / f.face))
              FROM account_move_line item
              JOIN funding f ON f.move_id = item.move_id AND f.face != 0
             WHERE item.factoring_schedule_line_id IS NOT NULL
               AND item.factoring_client_id = ANY(%(partners)s)
               AND item.parent_state = 'posted' AND NOT item.reconciled
          GROUP BY item.factoring_client_id
            """,
            funding=self._factoring_funding_cte(company), partners=self.ids)))
        availability = self._factoring_availability(company)
        result = {}
        for partner_id in set(balances) | set(held):
            balance = currency.round(float(balances.get(partner_id) or 0.0))
            on_hold = currency.round(float(held.get(partner_id) or 0.0))
            deficit = max(-availability.get(partner_id, {}).get("availability", 0.0), 0.0)
            result[partner_id] = (
                balance, on_hold, max(currency.round(balance - on_hold - deficit), 0.0))
        return result

    # ------------------------------------------------------------------
    # Eligibility and availability (one definition: the screens show it and
    # funding checks it)
    # ------------------------------------------------------------------
    def _factoring_funding_cte(self, company):
        """What was advanced on each funding entry of these clients and the face
        value it bought (company currency): the share of an open item that is
        funds in use is its residual x advance / face, the rest is reserve."""
        return SQL(
            """
            SELECT s.move_id,
                   SUM(l.balance) FILTER (WHERE l.factoring_schedule_line_id IS NOT NULL)
                       AS face,
                   -SUM(l.balance) FILTER (WHERE l.account_id = %(advance)s) AS advance
              FROM factoring_schedule s
              JOIN account_move_line l ON l.move_id = s.move_id
             WHERE s.state = 'funded' AND s.company_id = %(company)s
               AND s.client_id = ANY(%(partners)s)
          GROUP BY s.move_id
            """,
            advance=company.factoring_advance_account_id.id, company=company.id,
            partners=self.ids)

    def _factoring_availability(self, company, today=None, pending=None):
        """Eligibility and availability of these clients in *company* (company
        currency), set-based: a few queries whatever the number of clients.

        - open: the client's open factored items (residual);
        - eligible: the open items that count for funding. Base leaves out the
          items an active hold makes ineligible (a dispute, a manual hold that
          says so; a promise to pay does not); the extension hook
          :meth:`_factoring_eligibility_rules` applies further rules
          (factoring_limits: age, cross-age, excess over the pair or debtor
          limit, debtors without a limit);
        - borrowing_base: eligible x the advance rate of each item's agreement;
        - funds_in_use: what was advanced on the open items, i.e. each item's
          residual x the advance / face value of its funding entry (the same
          split as the reserve: funds in use + reserve held = open);
        - availability: borrowing_base - funds_in_use (negative: the client is
          over-advanced by that much, its deficit);
        - held_by_source: {source: residual} of the open items left out by an
          ineligible-making hold (see ``_factoring_held_by_source``);
        - ineligible: {reason: amount} of everything left out (base: "hold";
          the hook adds its own reasons).

        :param today: the day the age rules count from (the hook's), default
            the company's factoring day
        :param pending: a factoring.schedule not funded yet, counted as if it
            were (its lines open and eligible under the same rules, its advance
            in use): the availability funding would leave
        :return: {client id: dict above}; clients without open items get zeros
        """
        currency = company.currency_id
        today = today or company._factoring_today()

        def zero():
            return {"open": 0.0, "eligible": 0.0, "borrowing_base": 0.0, "funds_in_use": 0.0,
                    "availability": 0.0, "held_by_source": {}, "ineligible": {}}

        result = {client_id: zero() for client_id in self.ids}
        if not self.ids:
            return result
        self.env.flush_all()
        rows = self.env.execute_query(SQL(
            """
            WITH funding AS (%(funding)s)
            SELECT item.factoring_client_id, item.partner_id,
                   SUM(item.amount_residual),
                   COALESCE(SUM(item.amount_residual)
                            FILTER (WHERE item.factoring_ineligible_hold), 0),
                   COALESCE(SUM(item.amount_residual * a.advance_rate)
                            FILTER (WHERE item.factoring_ineligible_hold IS NOT TRUE), 0),
                   COALESCE(SUM(item.amount_residual * a.advance_rate), 0),
                   COALESCE(SUM(item.amount_residual * COALESCE(f.advance, 0) / f.face), 0)
              FROM account_move_line item
              JOIN funding f ON f.move_id = item.move_id AND f.face != 0
              JOIN factoring_schedule_line sl ON sl.id = item.factoring_schedule_line_id
              JOIN factoring_schedule s ON s.id = sl.schedule_id
              JOIN factoring_agreement a ON a.id = s.agreement_id
             WHERE item.factoring_schedule_line_id IS NOT NULL
               AND item.factoring_client_id = ANY(%(partners)s)
               AND item.company_id = %(company)s
               AND item.parent_state = 'posted' AND NOT item.reconciled
          GROUP BY item.factoring_client_id, item.partner_id
            """,
            funding=self._factoring_funding_cte(company), partners=self.ids,
            company=company.id))
        groups = {}
        for client_id, debtor_id, open_amount, held, eligible_rate, open_rate, funds in rows:
            open_amount, held = float(open_amount or 0.0), float(held or 0.0)
            eligible = open_amount - held
            # the advance rate of the group: of its eligible items, or of all
            # its items when none is eligible (a rule may only lower eligible)
            rate = float(eligible_rate) / eligible if eligible else (
                float(open_rate) / open_amount if open_amount else 0.0)
            groups[client_id, debtor_id] = {
                "open": open_amount, "eligible": eligible, "rate": rate,
                "funds_in_use": float(funds or 0.0),
                "ineligible": {"hold": held} if held else {},
            }
        if pending:
            self._factoring_add_pending(company, groups, pending)
        groups = self._factoring_eligibility_rules(company, groups, today, pending=pending)
        held_by_source = self.env["account.move.line"]._factoring_held_by_source(
            Domain.AND([
                self.env["account.move.line"]._factoring_open_items_domain(),
                Domain("factoring_client_id", "in", self.ids),
                Domain("factoring_schedule_line_id", "!=", False),
                Domain("company_id", "=", company.id),
            ]), groupby="factoring_client_id", effect="ineligible")
        for (client_id, _debtor_id), group in groups.items():
            figures = result.setdefault(client_id, zero())
            eligible = max(group["eligible"], 0.0)
            figures["open"] += group["open"]
            figures["eligible"] += eligible
            figures["borrowing_base"] += eligible * group["rate"] / 100.0
            figures["funds_in_use"] += group["funds_in_use"]
            for reason, amount in group["ineligible"].items():
                figures["ineligible"][reason] = figures["ineligible"].get(reason, 0.0) + amount
        for client_id, figures in result.items():
            for key in ("open", "eligible", "borrowing_base", "funds_in_use"):
                figures[key] = currency.round(figures[key])
            figures["availability"] = currency.round(
                figures["borrowing_base"] - figures["funds_in_use"])
            figures["held_by_source"] = {
                source: currency.round(amount)
                for source, amount in held_by_source.get(client_id, {}).items()}
            figures["ineligible"] = {
                reason: currency.round(amount)
                for reason, amount in figures["ineligible"].items()
                if not currency.is_zero(amount)}
        return result

    def _factoring_add_pending(self, company, groups, schedule):
        """Count a schedule that is not funded yet as if it were: its lines as
        open eligible items of their debtor (converted as the funding entry
        would), its advance as funds in use, pro rata of the lines."""
        schedule.ensure_one()
        currency = schedule.currency_id or company.currency_id
        company_currency = company.currency_id
        total = schedule.amount_total
        if not total:
            return
        client_id = schedule.client_id.commercial_partner_id.id
        for line in schedule.line_ids:
            if not line.debtor_id:
                continue
            amount = line.amount
            if currency != company_currency:
                amount = currency._convert(amount, company_currency, company, schedule.date)
            funds = amount * schedule.advance_amount / total
            group = groups.setdefault((client_id, line.debtor_id.id), {
                "open": 0.0, "eligible": 0.0, "rate": schedule.agreement_id.advance_rate,
                "funds_in_use": 0.0, "ineligible": {}})
            eligible_before = group["eligible"]
            group["open"] += amount
            group["eligible"] += amount
            group["funds_in_use"] += funds
            if group["eligible"]:
                group["rate"] = (
                    eligible_before * group["rate"]
                    + amount * schedule.agreement_id.advance_rate) / group["eligible"]

    @api.model
    def _factoring_eligibility_rules(self, company, groups, today, pending=None):
        """EXTENSION HOOK of :meth:`_factoring_availability`: apply eligibility
        rules beyond base's (base's own rule, ineligible-making holds, is
        already applied).

        :param company: the company of the figures
        :param groups: ``{(client id, debtor id): group}``, one group per client
            and debtor with open factored items (and the pending schedule's
            lines); each group is a dict of company-currency amounts:
            ``open`` (residual of the open items), ``eligible`` (what still
            counts), ``rate`` (the group's advance rate, %), ``funds_in_use``
            and ``ineligible`` ({reason: amount left out}).
            A rule lowers ``eligible`` (never raises it; it is floored at zero
            afterwards) and adds what it left out to ``ineligible`` under its
            own reason (e.g. "age", "pair limit"), so the figures can say why.
            It leaves ``open``, ``rate`` and ``funds_in_use`` alone.
        :param today: the day age rules count from
        :param pending: the schedule counted as if funded (its lines are in the
            groups), or None
        :return: the groups (the same dict, changed in place, or a new one)

        factoring_limits overrides it with ``super()`` for its rules: items
        older than the agreement's ineligibility age, the cross-age rule, the
        excess over the pair or debtor limit, debtors without an active limit.
        """
        return groups

    @api.model
    def _factoring_check_release_rights(self):
        if self.env.su:
            return
        user = self.env.user
        if not (user.has_group("factoring_base.group_factoring_operations")
                or user.has_group("account.group_account_manager")):
            raise AccessError(self.env._(
                "Only operations, factoring managers and accounting administrators may "
                "release a client's reserve."))

    def action_factoring_release_reserve(self):
        """Open the confirmation of the release of this client's releasable
        reserve."""
        self.ensure_one()
        self._factoring_check_release_rights()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Release Reserve"),
            "res_model": "factoring.reserve.release",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    def _factoring_release_reserve(self, journal, date):
        """Pay this client its releasable reserve: a posted outbound payment whose
        counterpart debits the client's current account, reconciled with the
        client's open current-account lines.
        :return: the account.payment
        """
        self.ensure_one()
        self._factoring_check_release_rights()
        company = self.env.company
        company._factoring_check_accounting()
        # Two releases at once must not both pay the same reserve: writing the
        # client's row makes the second transaction fail with a serialization
        # error (Odoo retries it, and it then sees nothing left to release).
        self.env.cr.execute(SQL(
            "UPDATE res_partner SET write_date = write_date WHERE id = %s", self.id))
        self.invalidate_recordset(["factoring_reserve_releasable"])
        amount = self._factoring_reserve_figures(company).get(self.id, (0, 0, 0.0))[2]
        currency = company.currency_id
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise UserError(self.env._(
                "%(client)s has no releasable reserve: what the factor owes it is held "
                "against its open factored invoices.", client=self.display_name))
        if journal.type not in ("bank", "cash") or journal.company_id != company:
            raise UserError(self.env._("Pay the reserve from a bank or cash journal of %s.",
                              company.name))
        account = company.factoring_client_account_id
        payment = self.env["account.payment"].sudo().with_company(company).create({
            "payment_type": "outbound",
            "partner_type": "supplier",
            "partner_id": self.id,
            "amount": amount,
            "currency_id": currency.id,
            "journal_id": journal.id,
            "date": date,
            "memo": self.env._("Reserve release - %s", self.display_name),
            "destination_account_id": account.id,
        })
        payment.action_post()
        to_match = self.env["account.move.line"].sudo().search([
            ("account_id", "=", account.id), ("partner_id", "=", self.id),
            ("company_id", "=", company.id), ("parent_state", "=", "posted"),
            ("reconciled", "=", False), ("currency_id", "=", currency.id),
        ])
        if to_match.filtered(lambda rec: rec.balance > 0) and to_match.filtered(
                lambda rec: rec.balance < 0):
            to_match.reconcile()
        self.sudo().message_post(body=self.env._(
            "Reserve released: %(amount)s %(currency)s paid by %(payment)s.",
            amount=amount, currency=currency.name, payment=payment.name))
        return payment.with_env(self.env)

    def _factoring_open_items_domain(self):
        """Open receivable items of these partners, as debtor or as client."""
        return Domain.AND([
            self.env["account.move.line"]._factoring_open_items_domain(),
            Domain("partner_id", "in", self.ids) | Domain("factoring_client_id", "in", self.ids),
        ])

    def _factoring_figures_lines(self):
        """Journal items as the one screen's figures read them: every factoring
        role sees the figures, including roles without access to the ledger, so
        they are read as superuser, within the user's companies. Empty when the
        user may not read them at all."""
        Line = self.env["account.move.line"]
        if Line.has_access("read"):
            return Line
        if self.env.user.has_group("factoring_base.group_factoring_user"):
            return Line.sudo()
        return None

    def _factoring_figures_domain(self):
        return self.env["account.move.line"]._factoring_open_items_domain() & Domain(
            "company_id", "in", self.env.companies.ids)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_factoring_open_items(self):
        """Open and overdue receivables of these partners as debtor or as client
        (set-based: four grouped queries for any number of partners)."""
        self.factoring_open_item_count = 0
        self.factoring_open_amount = 0.0
        self.factoring_overdue_amount = 0.0
        self.factoring_oldest_overdue_date = False
        self.factoring_oldest_overdue_days = 0
        self.factoring_overdue_detail = False
        Line = self._factoring_figures_lines()
        ids = [i for i in self.ids if isinstance(i, int)]
        if not ids or Line is None:
            return
        today = self.env.company._factoring_today()
        base = self._factoring_figures_domain()
        overdue = Domain("date_maturity", "<", today)
        totals = {}
        for field_name in ("partner_id", "factoring_client_id"):
            scope = base & Domain(field_name, "in", ids)
            for partner, count, amount in Line._read_group(
                    scope, [field_name], ["__count", "amount_residual:sum"]):
                done = totals.setdefault(partner.id, [0, 0.0, 0.0, False])
                done[0] += count
                done[1] += amount
            for partner, amount, oldest in Line._read_group(
                    scope & overdue, [field_name], ["amount_residual:sum", "date_maturity:min"]):
                done = totals.setdefault(partner.id, [0, 0.0, 0.0, False])
                done[2] += amount
                done[3] = min(done[3], oldest) if done[3] else oldest
        held = {}
        for field_name in ("partner_id", "factoring_client_id"):
            for partner_id, by_source in Line._factoring_held_by_source(
                    base & Domain(field_name, "in", ids) & overdue, groupby=field_name,
                    effect="dunning").items():
                mine = held.setdefault(partner_id, {})
                for source, amount in by_source.items():
                    mine[source] = mine.get(source, 0.0) + amount
        currency = self.env.company.currency_id
        for partner in self:
            count, amount, overdue_amount, oldest = totals.get(partner.id, (0, 0.0, 0.0, False))
            partner.factoring_overdue_detail = self._factoring_held_detail(
                overdue_amount, held.get(partner.id), currency,
                self.env._("%s to chase"))
            partner.factoring_open_item_count = count
            partner.factoring_open_amount = amount
            partner.factoring_overdue_amount = overdue_amount
            partner.factoring_oldest_overdue_date = oldest
            partner.factoring_oldest_overdue_days = (today - oldest).days if oldest else 0

    @api.model
    def _factoring_held_detail(self, total, held, currency, rest_label):
        """A figure's held parts by source and the rest, in words ("13,983.50
        disputed, 5,000.00 promised, 4,037.00 to chase"); False when nothing of
        it is held. :param rest_label: how the rest is named, with %s for its
        amount."""
        held = {source: amount for source, amount in (held or {}).items()
                if not currency.is_zero(amount)}
        if not held:
            return False
        rest = currency.round(total - sum(held.values()))
        words = self.env["account.move.line"]._factoring_held_words(held, currency)
        return ", ".join([words, rest_label % format_amount(self.env, rest, currency)])

    @api.depends_context("uid", "allowed_company_ids", "company")
    def _compute_factoring_availability(self):
        """Availability of these clients in the current company (see
        _factoring_availability), read as superuser for every factoring role.
        A field of these that another addon redefines with its own compute is
        left to it."""
        fields_of = {
            "factoring_funds_in_use": lambda fig: fig["funds_in_use"],
            "factoring_eligible": lambda fig: fig["eligible"],
            "factoring_availability": lambda fig: fig["availability"],
            "factoring_availability_detail": lambda fig: self._factoring_availability_words(
                fig, self.env.company.currency_id),
        }
        fields_of = {name: value for name, value in fields_of.items()
                     if self._fields[name].compute == "_compute_factoring_availability"}
        self.update(dict.fromkeys(fields_of, False))
        clients = self.filtered(lambda p: isinstance(p.id, int) and p.is_factoring_client)
        if not clients or self._factoring_figures_lines() is None:
            return
        figures = clients.sudo()._factoring_availability(self.env.company)
        for partner in clients:
            fig = figures[partner.id]
            partner.update({name: value(fig) for name, value in fields_of.items()})

    def _factoring_availability_words(self, figures, currency):
        """The availability explained: "eligible 20,000.00 of 33,841.00 open
        (13,841.00 disputed left out); borrowing base 16,000.00 - funds in use
        27,072.80"."""
        def money(amount):
            return format_amount(self.env, amount, currency)

        held = figures["held_by_source"]
        left_out = [self.env["account.move.line"]._factoring_held_words(held, currency)] \
            if held else []
        reasons = self._factoring_ineligible_labels()
        left_out += [
            self.env._("%(amount)s %(reason)s", amount=money(amount),
                       reason=reasons.get(reason, reason))
            for reason, amount in sorted(figures["ineligible"].items())
            if reason != "hold"]
        words = self.env._("eligible %(eligible)s of %(open)s open",
                           eligible=money(figures["eligible"]), open=money(figures["open"]))
        if left_out:
            words += self.env._(" (left out: %s)", ", ".join(left_out))
        return words + self.env._(
            "; borrowing base %(base)s - funds in use %(funds)s",
            base=money(figures["borrowing_base"]), funds=money(figures["funds_in_use"]))

    @api.model
    def _factoring_ineligible_labels(self):
        """How the availability names what each eligibility rule left out:
        {reason key of _factoring_eligibility_rules: words}. Addons that add a
        rule add its words with ``super()`` (e.g. "over the debtor limit")."""
        return {"hold": self.env._("held")}

    def _factoring_debtor_shares(self, limit=None):
        """Each client's debtors by their share of its open factored items,
        largest first: {client id: [(debtor, amount, share %)]}. One grouped
        query for all the clients (docs/domain.md: concentration of debtor d in client c
        = c's open items on d / all c's open items)."""
        Line = self._factoring_figures_lines()
        ids = [i for i in self.ids if isinstance(i, int)]
        if not ids or Line is None:
            return {}
        rows = Line._read_group(
            self._factoring_figures_domain() & Domain("factoring_client_id", "in", ids),
            ["factoring_client_id", "partner_id"], ["amount_residual:sum"])
        by_client = {}
        for client, debtor, amount in rows:
            by_client.setdefault(client.id, []).append((debtor.with_env(self.env), amount))
        result = {}
        for client_id, debtors in by_client.items():
            total = sum(amount for _debtor, amount in debtors)
            debtors.sort(key=lambda d: (-d[1], d[0].id))
            result[client_id] = [
                (debtor, amount, 100.0 * amount / total if total else 0.0)
                for debtor, amount in debtors[:limit]]
        return result

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_factoring_top_debtors(self):
        shares = self._factoring_debtor_shares(limit=TOP_DEBTORS)
        currency = self.env.company.currency_id
        for partner in self:
            partner.factoring_top_debtors = "\n".join(
                self.env._("%(debtor)s: %(share)s %% (%(amount)s)",
                  debtor=debtor.sudo().display_name, share=f"{share:.1f}",
                  amount=format_amount(self.env, amount, currency))
                for debtor, amount, share in shares.get(partner.id, [])
            ) or False

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_factoring_meetings(self):
        """Meeting notes (factoring.interaction of type meeting, not calendar
        events): how many, and the last one with its date and author. Two
        queries for any number of partners."""
        self.factoring_meeting_count = 0
        self.factoring_last_meeting_id = False
        self.factoring_last_meeting_date = False
        self.factoring_last_meeting_user_id = False
        Interaction = self.env["factoring.interaction"]
        ids = [i for i in self.ids if isinstance(i, int)]
        if not ids or not Interaction.has_access("read"):
            return
        domain = Domain([("partner_id", "in", ids), ("interaction_type", "=", "meeting")])
        stats = {partner.id: (count, last) for partner, count, last in Interaction._read_group(
            domain, ["partner_id"], ["__count", "date:max"])}
        last_meetings = {}
        if stats:
            for meeting in Interaction.search_fetch(
                    domain & Domain("date", "in", list({last for _c, last in stats.values()})),
                    ["partner_id", "date", "user_id"], order="date desc, id desc"):
                if meeting.date == stats[meeting.partner_id.id][1]:
                    last_meetings.setdefault(meeting.partner_id.id, meeting)
        for partner in self:
            count, _last = stats.get(partner.id, (0, False))
            meeting = last_meetings.get(partner.id)
            partner.factoring_meeting_count = count
            if meeting:
                partner.factoring_last_meeting_id = meeting
                partner.factoring_last_meeting_date = meeting.date
                partner.factoring_last_meeting_user_id = meeting.user_id

    # ------------------------------------------------------------------
    # The client's one screen
    # ------------------------------------------------------------------
    @api.model
    def _factoring_figure_fields(self):
        """The figures of the client's one screen (its Factoring tab), as
        ``(group name, field name)`` in display order. Each addon appends its own
        with ``super()`` and shows them in its named group of the form
        (``factoring_figures_limits``, ``_collections``, ``_disputes``,
        ``_reports``); :meth:`_factoring_figure_values` reads them all. Every figure must be
        readable by every factoring role and computed set-based."""
        return [
            ("factoring_figures_base", "factoring_open_amount"),
            ("factoring_figures_base", "factoring_overdue_amount"),
            ("factoring_figures_base", "factoring_overdue_detail"),
            ("factoring_figures_base", "factoring_oldest_overdue_days"),
            ("factoring_figures_base", "factoring_oldest_overdue_date"),
            ("factoring_figures_base", "factoring_top_debtors"),
            ("factoring_figures_base", "factoring_funds_in_use"),
            ("factoring_figures_base", "factoring_eligible"),
            ("factoring_figures_base", "factoring_availability"),
            ("factoring_figures_base", "factoring_availability_detail"),
            ("factoring_figures_base", "factoring_last_meeting_date"),
            ("factoring_figures_base", "factoring_last_meeting_user_id"),
        ]

    def _factoring_figure_values(self):
        """{partner id: {field name: value}} of every figure of the hook, for
        these partners at once (``read`` format: a many2one is ``(id, name)``)."""
        names = list(dict.fromkeys(name for _group, name in self._factoring_figure_fields()))
        return {values.pop("id"): values for values in self.read(names)}

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
            raise AccessError(self.env._(
                "Only credit analysts and credit managers may change %(fields)s "
                "(partner: %(partner)s).",
                fields=names, partner=", ".join(self.mapped("display_name")) or self.env._("new"),
            ))

    def _factoring_check_reader(self):
        """The partner's factoring screens are for factoring users who may read
        the partner."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group("factoring_base.group_factoring_user"):
            raise AccessError(self.env._(
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

    def action_view_factoring_meetings(self):
        """The meeting notes the Meeting Notes button counts (the Meetings filter
        can be removed to see calls and other notes too)."""
        action = self.action_view_factoring_interactions()
        action["context"] = {**action["context"], "search_default_meetings": 1,
                             "default_interaction_type": "meeting"}
        return action

    def action_view_factoring_client_debtors(self):
        """The client x debtor records of this partner, as client or as debtor."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_base.action_factoring_client_debtor")
        if self.is_factoring_client:
            action["domain"] = [("client_id", "=", self.id)]
            action["context"] = {"default_client_id": self.id}
        else:
            action["domain"] = [("debtor_id", "=", self.id)]
            action["context"] = {"default_debtor_id": self.id}
        return action

    def action_view_factoring_open_items(self):
        self._factoring_check_reader()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_base.action_factoring_open_items")
        action["domain"] = list(self._factoring_open_items_domain())
        # the same items as the button's total: factored and own, no default filter
        action["context"] = {"search_default_group_client": 1} if self.is_factoring_debtor \
            and not self.is_factoring_client else {"search_default_group_debtor": 1}
        return action
