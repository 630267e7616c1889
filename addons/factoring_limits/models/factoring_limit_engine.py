from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

# Defaults of the eligibility terms when an item has no agreement to read them from.
DEFAULT_INELIGIBILITY_DAYS = 90


class FactoringLimitEngine(models.AbstractModel):
    """Utilisation, headroom, concentration, eligibility and availability,
    set-based: each figure is one SQL statement for all the partners of a
    company, whatever their number. Amounts are in the company's currency.

    - debtor utilisation: open residual of the debtor's receivable items (all
      clients, factored and own) + the verified, not yet funded schedule lines
      on the debtor;
    - pair utilisation: the same restricted to one client's factored items and
      schedule lines;
    - client utilisation (funds in use): the advance on its open factored items
      (residual x the advance rate of the item's agreement) + its verified
      unfunded lines at the advance rate;
    - headroom = limit - utilisation. The limit is the active version; when the
      last version expired without a successor the limit is 0; a scope that
      never had a limit is not limited.
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
            WITH exposure AS (
                SELECT aml.partner_id AS debtor_id,
                       aml.factoring_client_id AS client_id,
                       aml.amount_residual AS exposure,
                       aml.amount_residual * COALESCE(a.advance_rate, 0) / 100.0 AS funds
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
             LEFT JOIN factoring_schedule_line sl ON sl.id = aml.factoring_schedule_line_id
             LEFT JOIN factoring_schedule s ON s.id = sl.schedule_id
             LEFT JOIN factoring_agreement a ON a.id = s.agreement_id
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
        availability = self._availability(company, ids)
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
                **availability.get(partner_id, {"eligible": 0.0, "availability": 0.0}),
            }
        return result

    @api.model
    def _availability(self, company, client_ids, today=None):
        """Eligibility and availability of these clients (docs/domain.md).

        An open factored item is ineligible when it is on hold (disputed, a
        promise...), older than its agreement's ineligibility age (days since
        the invoice date), or, by the cross-age rule, when more than the
        agreement's cross-age share of the client's balance on that debtor is
        ineligible by age (then all of that debtor's items are). Of what
        remains, the excess over the pair limit and the client's part of the
        excess over the debtor limit (the debtor's open items across all
        clients above its limit, shared pro rata) are ineligible.
        Availability = eligible x advance rate - funds in use on open items.

        :return: {client id: {"eligible": x, "availability": y, "borrowing_base": z}}
        """
        if not client_ids:
            return {}
        today = today or company._factoring_today()
        self.env.flush_all()
        rows = self.env.execute_query(SQL(
            """
            WITH items AS (
                SELECT aml.factoring_client_id AS client_id, aml.partner_id AS debtor_id,
                       aml.amount_residual AS residual, aml.factoring_on_hold AS held,
                       COALESCE(sl.invoice_date, aml.date)
                           < %(today)s::date - COALESCE(a.ineligibility_days, %(days)s) AS aged,
                       COALESCE(a.cross_age_percent, 0) AS cross_age,
                       COALESCE(a.advance_rate, 0) AS rate
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
             LEFT JOIN factoring_schedule_line sl ON sl.id = aml.factoring_schedule_line_id
             LEFT JOIN factoring_schedule s ON s.id = sl.schedule_id
             LEFT JOIN factoring_agreement a ON a.id = s.agreement_id
                 WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted'
                   AND aml.reconciled IS NOT TRUE AND acc.account_type = 'asset_receivable'
                   AND aml.factoring_client_id = ANY(%(clients)s)
            )
            SELECT client_id, debtor_id,
                   SUM(residual),
                   COALESCE(SUM(residual) FILTER (WHERE held), 0),
                   COALESCE(SUM(residual) FILTER (WHERE aged AND NOT held), 0),
                   MAX(cross_age),
                   SUM(residual * rate) / NULLIF(SUM(residual), 0),
                   SUM(residual * rate / 100.0)
              FROM items
          GROUP BY client_id, debtor_id
            """,
            company=company.id, clients=list(client_ids), today=today,
            days=DEFAULT_INELIGIBILITY_DAYS))
        debtor_ids = list({row[1] for row in rows})
        limits = self._limits_in_force(company, debtor_ids=debtor_ids, client_ids=client_ids)
        # the debtors' open items across all clients (own invoices included)
        debtor_open = dict(self.env.execute_query(SQL(
            """
            SELECT aml.partner_id, SUM(aml.amount_residual)
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
             WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE AND acc.account_type = 'asset_receivable'
               AND aml.partner_id = ANY(%(debtors)s)
          GROUP BY aml.partner_id
            """, company=company.id, debtors=debtor_ids))) if debtor_ids else {}
        result = defaultdict(lambda: {"eligible": 0.0, "availability": 0.0,
                                      "borrowing_base": 0.0})
        funds = defaultdict(float)
        for client_id, debtor_id, open_amount, held, aged, cross_age, rate, fund in rows:
            open_amount, held, aged = float(open_amount), float(held), float(aged)
            funds[client_id] += float(fund or 0.0)
            eligible = open_amount - held - aged
            if cross_age and open_amount > 0 and 100.0 * aged / open_amount > float(cross_age):
                eligible = 0.0
            pair = limits.get(("pair", client_id, debtor_id))
            if pair:
                eligible = min(eligible, pair[1])
            debtor = limits.get(("debtor", 0, debtor_id))
            total = float(debtor_open.get(debtor_id) or 0.0)
            if debtor and total > 0:
                excess = max(total - debtor[1], 0.0)
                eligible = min(eligible, open_amount - held - excess * open_amount / total)
            eligible = max(eligible, 0.0)
            figures = result[client_id]
            figures["eligible"] += eligible
            figures["borrowing_base"] += eligible * float(rate or 0.0) / 100.0
        currency = company.currency_id
        for client_id, figures in result.items():
            figures["eligible"] = currency.round(figures["eligible"])
            figures["borrowing_base"] = currency.round(figures["borrowing_base"])
            figures["availability"] = currency.round(figures["borrowing_base"] - funds[client_id])
        return dict(result)

    @api.model
    def _concentrations(self, company, client_ids, limit=None):
        """{client id: [(debtor id, amount, share %)]} of the clients' open
        factored items, largest share first (one grouped statement)."""
        rows = self.env.execute_query(SQL(
            """
            SELECT aml.factoring_client_id, aml.partner_id, SUM(aml.amount_residual)
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
             WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE AND acc.account_type = 'asset_receivable'
               AND aml.factoring_client_id = ANY(%(clients)s)
          GROUP BY aml.factoring_client_id, aml.partner_id
            """, company=company.id, clients=list(client_ids)))
        by_client = defaultdict(list)
        for client_id, debtor_id, amount in rows:
            by_client[client_id].append((debtor_id, float(amount)))
        result = {}
        for client_id, debtors in by_client.items():
            total = sum(amount for _debtor, amount in debtors)
            debtors.sort(key=lambda d: (-d[1], d[0]))
            result[client_id] = [
                (debtor_id, amount, 100.0 * amount / total if total else 0.0)
                for debtor_id, amount in debtors[:limit]]
        return result
