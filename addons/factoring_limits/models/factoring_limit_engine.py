from odoo import api, models
from odoo.tools import SQL

# Defaults of the eligibility terms when an item has no agreement to read them from.
DEFAULT_INELIGIBILITY_DAYS = 90
# Which version of a debtor or pair limit explains that there is no active one,
# the most telling first (see _pairs_without_limit).
LIMIT_STATE_ORDER = (
    "active", "approved", "proposed", "requested", "draft", "expired", "rejected")


class FactoringLimitEngine(models.AbstractModel):
    """Utilisation, headroom, concentration, eligibility and availability,
    set-based: each figure is one SQL statement for all the partners of a
    company, whatever their number. Amounts are in the company's currency.

    - debtor utilisation: open residual of the debtor's receivable items (all
      clients, factored and own) + the verified, not yet funded schedule lines
      on the debtor;
    - pair utilisation: the same restricted to one client's factored items and
      schedule lines;
    - client utilisation: funds in use (base's definition: what was advanced
      on its open factored items, each item's residual x advance / face value
      of its funding entry) + its verified unfunded lines at the advance rate;
    - headroom = limit - utilisation. The limit is the active version; when the
      last version expired without a successor the limit is 0; a scope that
      never had a limit is not limited (but see _pairs_without_limit: unless
      the company allows it, a debtor without an active limit is not fundable).
    """

    _name = "factoring.limit.engine"
    _description = "Factoring Limit Computations"

    @api.model
    def _currency_factors(self, company, day=None):
        """{currency id: factor to the company's currency} of the active currencies."""
        day = day or company._factoring_today()
        factors = {}
        target = company.currency_id
        for currency in self.env["res.currency"].sudo().search([("active", "=", True)]):
            factors[currency.id] = 1.0 if currency == target else \
                currency._get_conversion_rate(currency, target, company, day)
        return factors

    @api.model
    def _exposure(self, company, debtor_ids=None, client_ids=None, exclude_schedule_id=0,
                  include_verified=True, debtors_only=False):
        """One statement: utilisation per debtor, per client x debtor pair and
        funds in use per client.

        :param debtor_ids: restrict to these debtors (with ``client_ids``: the
            items of those debtors or of those clients); None: every partner
        :param include_verified: count the verified unfunded schedule lines (not
            at funding time: there, as for duplicate invoices, only what is funded
            counts, and the first schedule funded wins)
        :param debtors_only: only the debtors' utilisation (pair and funds empty)
        :return: (debtor {id: amount}, pair {(client, debtor): amount},
                  funds {client: amount})
        """
        self.env.flush_all()
        factors = self._currency_factors(company)
        restrict = debtor_ids is not None or client_ids is not None
        debtors = list(debtor_ids or [])
        clients = list(client_ids or [])
        rows = self.env.execute_query(SQL(
            """
            WITH funding AS (%(funding)s),
            exposure AS (
                SELECT aml.partner_id AS debtor_id,
                       aml.factoring_client_id AS client_id,
                       aml.amount_residual AS exposure,
                       aml.amount_residual * COALESCE(f.advance / NULLIF(f.face, 0), 0) AS funds
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
             LEFT JOIN funding f ON f.move_id = aml.move_id
                                AND aml.factoring_schedule_line_id IS NOT NULL
                 WHERE aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND aml.reconciled IS NOT TRUE
                   AND acc.account_type = 'asset_receivable'
                   AND aml.partner_id IS NOT NULL
                   AND (NOT %(restrict)s OR aml.partner_id = ANY(%(debtors)s)
                        OR aml.factoring_client_id = ANY(%(clients)s))
             UNION ALL
                SELECT l.debtor_id, s.client_id,
                       l.amount * r.factor,
                       l.amount * r.factor * a.advance_rate / 100.0
                  FROM factoring_schedule s
                  JOIN factoring_schedule_line l ON l.schedule_id = s.id
                  JOIN factoring_agreement a ON a.id = s.agreement_id
                  JOIN unnest(%(currencies)s::int[], %(factors)s::numeric[])
                           AS r(currency_id, factor) ON r.currency_id = l.currency_id
                 WHERE %(include_verified)s
                   AND s.state = 'verified' AND s.company_id = %(company)s
                   AND s.id != %(exclude)s AND l.debtor_id IS NOT NULL
                   AND (NOT %(restrict)s OR l.debtor_id = ANY(%(debtors)s)
                        OR s.client_id = ANY(%(clients)s))
            )
            %(totals)s
            """,
            totals=SQL("""
            SELECT debtor_id, NULL, 0, 1, SUM(exposure), 0
              FROM exposure
          GROUP BY debtor_id""") if debtors_only else SQL("""
            SELECT debtor_id, client_id, GROUPING(debtor_id), GROUPING(client_id),
                   SUM(exposure), SUM(funds)
              FROM exposure
          GROUP BY GROUPING SETS ((debtor_id, client_id), (debtor_id), (client_id))"""),
            funding=self.env["res.partner"].browse(
                [] if debtors_only else clients)._factoring_funding_cte(company),
            company=company.id, restrict=restrict, debtors=debtors, clients=clients,
            currencies=list(factors), factors=list(factors.values()),
            exclude=exclude_schedule_id or 0, include_verified=include_verified,
        ))
        by_debtor, by_pair, funds = {}, {}, {}
        for debtor_id, client_id, no_debtor, no_client, exposure, fund in rows:
            if no_client and not no_debtor:
                by_debtor[debtor_id] = float(exposure or 0.0)
            elif no_debtor and not no_client:
                if client_id:
                    funds[client_id] = float(fund or 0.0)
            elif client_id:
                by_pair[client_id, debtor_id] = float(exposure or 0.0)
        return by_debtor, by_pair, funds

    @api.model
    def _limits_in_force(self, company, debtor_ids=None, client_ids=None):
        """The limit of each scope key, in the company's currency: the active
        version's amount, or 0 when the latest version in force expired.

        :return: {(scope, client id or 0, debtor id or 0): (limit id, amount)}
        """
        self.env["factoring.limit"].flush_model()
        factors = self._currency_factors(company)
        restrict = debtor_ids is not None or client_ids is not None
        rows = self.env.execute_query(SQL(
            """
            SELECT DISTINCT ON (scope, COALESCE(client_id, 0), COALESCE(debtor_id, 0))
                   scope, COALESCE(client_id, 0), COALESCE(debtor_id, 0), id, state,
                   amount * r.factor
              FROM factoring_limit
              JOIN unnest(%(currencies)s::int[], %(factors)s::numeric[])
                       AS r(currency_id, factor) USING (currency_id)
             WHERE company_id = %(company)s AND state IN ('active', 'expired')
               AND (NOT %(restrict)s OR debtor_id = ANY(%(debtors)s)
                    OR client_id = ANY(%(clients)s))
          ORDER BY scope, COALESCE(client_id, 0), COALESCE(debtor_id, 0),
                   state = 'active' DESC, version DESC, id DESC
            """,
            company=company.id, currencies=list(factors), factors=list(factors.values()),
            restrict=restrict, debtors=list(debtor_ids or []), clients=list(client_ids or []),
        ))
        return {
            (scope, client_id, debtor_id): (limit_id, float(amount) if state == "active" else 0.0)
            for scope, client_id, debtor_id, limit_id, state, amount in rows
        }

    @api.model
    def _pairs_without_limit(self, company, pairs):
        """The (client, debtor) pairs of ``pairs`` with neither an active
        debtor limit nor an active client x debtor limit, unless the company
        funds debtors without a limit (then none): not fundable, not eligible.

        :param pairs: iterable of (client id, debtor id)
        :return: {(client id, debtor id): (state, scope, date) of the version
            that explains it (a pending one first: approved from a later date,
            proposed, requested, draft; else the latest that ended: expired,
            rejected), or None when the debtor never had a limit; date: the
            valid-from date of an approved version, the end of an expired one}
        """
        pairs = set(pairs)
        if not pairs or company.factoring_fund_without_limit:
            return {}
        self.env["factoring.limit"].flush_model()
        clients = list({client for client, _debtor in pairs})
        debtors = list({debtor for _client, debtor in pairs})
        rows = self.env.execute_query(SQL(
            """
            SELECT DISTINCT ON (scope, COALESCE(client_id, 0), debtor_id)
                   scope, COALESCE(client_id, 0), debtor_id, state,
                   CASE state WHEN 'approved' THEN date_from ELSE end_date END
              FROM factoring_limit
             WHERE company_id = %(company)s AND debtor_id = ANY(%(debtors)s)
               AND (scope = 'debtor' OR (scope = 'pair' AND client_id = ANY(%(clients)s)))
               AND state != 'superseded'
          ORDER BY scope, COALESCE(client_id, 0), debtor_id,
                   array_position(%(order)s, state::text), version DESC, id DESC
            """,
            company=company.id, debtors=debtors, clients=clients, order=list(LIMIT_STATE_ORDER)))
        best = {}
        for scope, client_id, debtor_id, state, day in rows:
            best[scope, client_id, debtor_id] = (state, scope, day)
        rank = {state: index for index, state in enumerate(LIMIT_STATE_ORDER)}
        result = {}
        for client_id, debtor_id in pairs:
            found = [version for version in (best.get(("pair", client_id, debtor_id)),
                                             best.get(("debtor", 0, debtor_id))) if version]
            if any(version[0] == "active" for version in found):
                continue
            found.sort(key=lambda version: rank[version[0]])
            result[client_id, debtor_id] = found[0] if found else None
        return result

    @api.model
    def _limit_positions(self, company, limits):
        """{limit id: (utilisation, headroom)} of these limit versions."""
        if not limits:
            return {}
        by_debtor, by_pair, funds = self._exposure(
            company, debtor_ids=limits.debtor_id.ids, client_ids=limits.client_id.ids)
        result = {}
        for limit in limits:
            if limit.scope == "debtor":
                util = by_debtor.get(limit.debtor_id.id, 0.0)
            elif limit.scope == "pair":
                util = by_pair.get((limit.client_id.id, limit.debtor_id.id), 0.0)
            else:
                util = funds.get(limit.client_id.id, 0.0)
            # an ended version leaves no headroom; a pending one shows what it would
            amount = 0.0 if limit.state in ("expired", "superseded", "rejected") \
                else limit.amount_company
            result[limit.id] = (util, amount - util)
        return result

    @api.model
    def _debtor_positions(self, company):
        """Every debtor with exposure or a limit: (debtor id, limit or None,
        utilisation, headroom or None), sorted by headroom (the tightest first;
        debtors without a limit last). Two statements for all debtors."""
        by_debtor, _pairs, _funds = self._exposure(company, debtors_only=True)
        limits = self._limits_in_force(company)
        debtor_limits = {
            debtor_id: amount for (scope, _client, debtor_id), (_id, amount) in limits.items()
            if scope == "debtor"}
        rows = []
        for debtor_id in set(by_debtor) | set(debtor_limits):
            util = by_debtor.get(debtor_id, 0.0)
            limit = debtor_limits.get(debtor_id)
            rows.append((debtor_id, limit, util, None if limit is None else limit - util))
        rows.sort(key=lambda r: (r[3] is None, r[3] if r[3] is not None else 0.0, r[0]))
        return rows

    @api.model
    def _partner_figures(self, company, partners):
        """Limit figures of these partners as debtor and as client:
        {partner id: {...}} (see res.partner's limit fields)."""
        ids = partners.ids
        by_debtor, by_pair, funds = self._exposure(company, debtor_ids=ids, client_ids=ids)
        limits = self._limits_in_force(company, debtor_ids=ids, client_ids=ids)
        result = {}
        for partner_id in ids:
            debtor_limit = limits.get(("debtor", 0, partner_id))
            client_limit = limits.get(("client", partner_id, 0))
            debtor_util = by_debtor.get(partner_id, 0.0)
            client_util = funds.get(partner_id, 0.0)
            result[partner_id] = {
                "debtor_limit": debtor_limit[1] if debtor_limit else 0.0,
                "has_debtor_limit": bool(debtor_limit),
                "debtor_utilisation": debtor_util,
                "debtor_headroom": debtor_limit[1] - debtor_util if debtor_limit else 0.0,
                "client_limit": client_limit[1] if client_limit else 0.0,
                "has_client_limit": bool(client_limit),
                "client_utilisation": client_util,
                "client_headroom": client_limit[1] - client_util if client_limit else 0.0,
            }
        return result

    @api.model
    def _availability(self, company, client_ids, today=None):
        """Eligibility and availability of these clients: base's one
        definition (``res.partner._factoring_availability``) with the limits'
        rules (:meth:`_eligibility_rules`, through base's hook).

        :return: {client id: {"open", "eligible", "borrowing_base",
            "funds_in_use", "availability", "held_by_source", "ineligible"}}
        """
        if not client_ids:
            return {}
        return self.env["res.partner"].sudo().browse(list(client_ids))._factoring_availability(
            company, today=today)

    @api.model
    def _eligibility_rules(self, company, groups, today, pending=None):
        """The limits' eligibility rules, applied to base's groups (see
        ``res.partner._factoring_eligibility_rules``: one group per client and
        debtor, base has already left out the items an ineligible-making hold
        covers; a promise to pay leaves them eligible). In this order, each
        lowering what is still eligible and recording what it left out:

        - ``no_limit``: a debtor with neither an active debtor limit nor an
          active client x debtor limit is not eligible at all, unless the
          company funds debtors without a limit (the rule of verification);
        - ``age``: items whose invoice date is older than the agreement's
          *Ineligible after (days)* (default 90);
        - ``cross_age``: when the aged part passes the agreement's *Cross-age
          (%)* of the client's open items on the debtor, all of them;
        - ``pair_limit``: what exceeds the client x debtor limit;
        - ``debtor_limit``: the client's part of the debtor's excess over its
          debtor limit (the debtor's open items across all clients and own
          invoices above the limit, shared pro rata of the open amounts).

        A pending schedule's lines (``pending``) count as open items of their
        debtor, aged by their invoice dates.
        """
        if not groups:
            return groups
        client_ids = list({client_id for client_id, _debtor_id in groups})
        debtor_ids = list({debtor_id for _client_id, debtor_id in groups})
        self.env.flush_all()
        aged_rows = self.env.execute_query(SQL(
            """
            SELECT item.factoring_client_id, item.partner_id,
                   COALESCE(SUM(item.amount_residual) FILTER (
                       WHERE item.factoring_ineligible_hold IS NOT TRUE
                         AND COALESCE(sl.invoice_date, item.date)
                             < %(today)s::date - COALESCE(a.ineligibility_days, %(days)s)), 0),
                   MAX(COALESCE(a.cross_age_percent, 0))
              FROM account_move_line item
              JOIN factoring_schedule_line sl ON sl.id = item.factoring_schedule_line_id
              JOIN factoring_schedule s ON s.id = sl.schedule_id
              JOIN factoring_agreement a ON a.id = s.agreement_id
             WHERE item.company_id = %(company)s AND item.parent_state = 'posted'
               AND NOT item.reconciled AND item.factoring_client_id = ANY(%(clients)s)
          GROUP BY item.factoring_client_id, item.partner_id
            """,
            company=company.id, clients=client_ids, today=today,
            days=DEFAULT_INELIGIBILITY_DAYS))
        aged = {(client_id, debtor_id): (float(amount), float(cross_age or 0.0))
                for client_id, debtor_id, amount, cross_age in aged_rows}
        # the debtors' open items across all clients (own invoices included)
        debtor_open = {debtor_id: float(amount or 0.0) for debtor_id, amount in
                       self.env.execute_query(SQL(
                           """
            SELECT aml.partner_id, SUM(aml.amount_residual)
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
             WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE AND acc.account_type = 'asset_receivable'
               AND aml.partner_id = ANY(%(debtors)s)
          GROUP BY aml.partner_id
                           """, company=company.id, debtors=debtor_ids))}
        if pending:
            self._add_pending_ages(company, pending, today, aged, debtor_open)
        limits = self._limits_in_force(company, debtor_ids=debtor_ids, client_ids=client_ids)
        without_limit = self._pairs_without_limit(company, groups)

        def lower(group, eligible, reason):
            left_out = group["eligible"] - max(eligible, 0.0)
            if left_out > 0.0:
                group["eligible"] -= left_out
                group["ineligible"][reason] = group["ineligible"].get(reason, 0.0) + left_out

        for (client_id, debtor_id), group in groups.items():
            if (client_id, debtor_id) in without_limit:
                lower(group, 0.0, "no_limit")
                continue
            open_amount = group["open"]
            aged_amount, cross_age = aged.get((client_id, debtor_id), (0.0, 0.0))
            lower(group, group["eligible"] - aged_amount, "age")
            if cross_age and open_amount > 0 and 100.0 * aged_amount / open_amount > cross_age:
                lower(group, 0.0, "cross_age")
            pair = limits.get(("pair", client_id, debtor_id))
            if pair:
                lower(group, pair[1], "pair_limit")
            debtor = limits.get(("debtor", 0, debtor_id))
            total = debtor_open.get(debtor_id, 0.0)
            if debtor and total > 0:
                excess = max(total - debtor[1], 0.0)
                held = group["ineligible"].get("hold", 0.0)
                lower(group, open_amount - held - excess * open_amount / total, "debtor_limit")
        return groups

    @api.model
    def _add_pending_ages(self, company, schedule, today, aged, debtor_open):
        """A pending schedule's lines as open items of their debtors (amounts in
        the company's currency, as base counts them): in the debtors' totals,
        and in the aged amounts when their invoice date is past the agreement's
        ineligibility age."""
        agreement = schedule.agreement_id
        days = agreement.ineligibility_days or DEFAULT_INELIGIBILITY_DAYS
        client_id = schedule.client_id.commercial_partner_id.id
        currency = schedule.currency_id or company.currency_id
        for line in schedule.line_ids.filtered("debtor_id"):
            amount = line.amount
            if currency != company.currency_id:
                amount = currency._convert(amount, company.currency_id, company, schedule.date)
            debtor_open[line.debtor_id.id] = debtor_open.get(line.debtor_id.id, 0.0) + amount
            if line.invoice_date and (today - line.invoice_date).days > days:
                key = (client_id, line.debtor_id.id)
                amount_aged, cross_age = aged.get(key, (0.0, 0.0))
                aged[key] = (amount_aged + amount,
                             max(cross_age, agreement.cross_age_percent or 0.0))
