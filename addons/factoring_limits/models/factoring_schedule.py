from odoo import models
from odoo.tools import SQL, format_amount, format_date, get_lang

from odoo.addons.factoring_base.models.factoring_guard import guarded

# Amounts within this much of a limit count as within it (rounding of conversions).
EPSILON = 0.005


class FactoringSchedule(models.Model):
    _inherit = "factoring.schedule"

    def _factoring_verification_checks(self):
        return super()._factoring_verification_checks() + ["limits"]

    def action_fund(self):
        """Funding re-checks the limits first: a verified schedule that no
        longer passes them (another schedule took the headroom since it was
        verified, e.g. funded at the same moment; a limit ended) goes back to
        draft, with the reasons on its lines, in its verification note and in
        its chatter, and stops counting in the utilisation. That is committed:
        the refusal is returned as a warning, not raised (an exception would
        roll the reset back and leave the schedule verified, counting). The
        other schedules are funded as usual."""
        self._check_funding_rights()
        refused = self.browse()
        for schedule in self.filtered(lambda rec: rec.state == "verified"):
            general, errors = schedule._verify_limits(funding=True)
            if general or errors:
                schedule._refuse_funding_on_limits(general, errors)
                refused |= schedule
        result = super(FactoringSchedule, self - refused).action_fund() \
            if self - refused else True
        if not refused:
            return result
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Not funded: %s", refused._names()),
                "message": "\n".join(refused.mapped("verification_note")),
                "type": "danger",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _refuse_funding_on_limits(self, general, errors):
        """Back to draft with the limits' reasons (see action_fund)."""
        self.ensure_one()
        self._write_line_messages(errors)
        note = self._format_verification_errors(general, errors)
        guarded(self).write({"state": "draft", "verification_note": note})
        self.message_post(body=self.env._(
            "Back to draft: funding refused, the limits no longer allow it (another "
            "schedule may have used the headroom since verification).\n%s", note))

    def _verify_limits(self, funding=False):
        """Pair, debtor and client limits and the agreement's maximum
        concentration, each line cumulated with the earlier lines of the
        schedule (in the schedule's order).

        A line fails when the utilisation of its pair or debtor plus the lines
        of this schedule on that debtor up to it exceed the limit; when the
        client's funds in use plus the advance on the lines up to it exceed the
        client limit; or (for clients with a client limit) when the debtor's
        share of the client's open items after the whole schedule passes the
        agreement's maximum concentration from that line on. Utilisation counts
        the verified unfunded lines of other schedules, except at funding.

        No limit means no funding: a line on a debtor with neither an active
        debtor limit nor an active client x debtor limit (none, or one only
        requested, proposed, approved from a later date, expired or rejected)
        fails with that reason, unless the company funds debtors without a
        limit (Settings); then such a debtor is not limited.

        At funding the client limit is not a line reason but a funding problem
        a credit manager may override (see _factoring_funding_problems).

        At funding the active limit rows relied on are written (a counter): two
        fundings at once on the same limit conflict in the database, the
        second one fails with a serialization error, Odoo retries it, and the
        retry sees the first funding's items and fails the headroom check.
        Three statements for the whole schedule.
        """
        self.ensure_one()
        company = self.company_id
        client_id = self.client_id.id
        Engine = self.env["factoring.limit.engine"]
        factors = Engine._currency_factors(company)
        lines = self.env.execute_query(SQL(
            """
            SELECT l.id, l.debtor_id, l.amount * r.factor,
                   SUM(l.amount * r.factor) OVER (
                       PARTITION BY l.debtor_id ORDER BY l.sequence, l.id),
                   SUM(l.amount * r.factor) OVER (ORDER BY l.sequence, l.id)
              FROM factoring_schedule_line l
              JOIN unnest(%(currencies)s::int[], %(factors)s::numeric[])
                       AS r(currency_id, factor) ON r.currency_id = l.currency_id
             WHERE l.schedule_id = %(schedule)s AND l.debtor_id IS NOT NULL AND l.amount > 0
          ORDER BY l.sequence, l.id
            """,
            currencies=list(factors), factors=list(factors.values()), schedule=self.id))
        if not lines:
            return [], {}
        debtor_ids = list({row[1] for row in lines})
        if funding:
            self._touch_limits(debtor_ids)
        limits = Engine._limits_in_force(company, debtor_ids=debtor_ids, client_ids=[client_id])
        limits = {key: value for key, value in limits.items()
                  if key[0] != "pair" and key[0] != "client" or key[1] == client_id}
        without_limit = {
            debtor_id: version for (_client, debtor_id), version in Engine._pairs_without_limit(
                company, [(client_id, debtor_id) for debtor_id in debtor_ids]).items()}
        client_limit = limits.get(("client", client_id, 0))
        max_share = self.agreement_id.max_concentration
        check_concentration = bool(client_limit) and max_share < 100.0
        if not limits and not without_limit:
            return [], {}
        by_debtor, by_pair, funds = Engine._exposure(
            company, debtor_ids=debtor_ids, client_ids=[client_id],
            exclude_schedule_id=self.id, include_verified=not funding)
        names = {limit.id: limit.display_name for limit in self.env["factoring.limit"].sudo().browse(
            [value[0] for value in limits.values()])}
        debtor_names = {p.id: p.display_name for p in self.env["res.partner"].sudo().browse(
            debtor_ids)}
        currency = company.currency_id
        rate = self.agreement_id.advance_rate / 100.0
        # Amounts formatted like format_amount, without its per-call language
        # look-ups, and messages translated once: a schedule of 10,000 lines may
        # fail everywhere, and its reasons must not take longer than the checks.
        lang = self.env["res.lang"].browse(get_lang(self.env).id)
        lang_data = lang._get_data(id=lang.id)
        fmt = f"%.{currency.decimal_places}f"
        pre = f"{currency.symbol or ''}\N{NO-BREAK SPACE}" if currency.position == "before" else ""
        post = f"\N{NO-BREAK SPACE}{currency.symbol or ''}" if currency.position != "before" else ""
        # the usual grouping by thousands formatted by Python itself
        simple = lang_data.grouping in ("[3,0]", "[3]")
        separators = str.maketrans({",": lang_data.thousands_sep or "",
                                    ".": lang_data.decimal_point or "."})
        spec = f",.{currency.decimal_places}f"

        def money(amount):
            amount = currency.round(amount)
            text = format(amount, spec).translate(separators) if simple else \
                lang.format(fmt, amount, grouping=True)
            text = text.replace(" ", "\N{NO-BREAK SPACE}").replace(
                "-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
            return f"{pre}{text}{post}"

        over_template = self.env._(
            "%(label)s %(limit)s of %(amount)s exceeded: utilisation %(used)s plus "
            "%(cumulated)s in this schedule up to this line, headroom %(headroom)s")
        labels = {
            "pair": self.env._("client x debtor limit"),
            "debtor": self.env._("debtor limit"),
            "client": self.env._("client limit (funds in use)"),
        }
        concentration_template = self.env._(
            "concentration of %(debtor)s reaches %(share)s %% of %(client)s's open "
            "items (%(amount)s of %(total)s after this schedule), above the "
            "agreement's maximum of %(max)s %%")

        def over(limit, used, cumulated, scope):
            limit_id, amount = limit
            return over_template % {
                "label": labels[scope], "limit": names[limit_id], "amount": money(amount),
                "used": money(used), "cumulated": money(cumulated),
                "headroom": money(amount - used)}

        no_limit = {debtor_id: self._no_limit_reason(debtor_names.get(debtor_id, ""), version)
                    for debtor_id, version in without_limit.items()}
        schedule_total = lines[-1][4]
        client_total = sum(amount for (c, _d), amount in by_pair.items() if c == client_id)
        final_total = float(client_total) + float(schedule_total)
        errors = {}
        for line_id, debtor_id, _amount, cum_debtor, cum_total in lines:
            cum_debtor, cum_total = float(cum_debtor), float(cum_total)
            reasons = []
            pair_used = by_pair.get((client_id, debtor_id), 0.0)
            if debtor_id in without_limit:
                reasons.append(no_limit[debtor_id])
            else:
                pair = limits.get(("pair", client_id, debtor_id))
                if pair and pair_used + cum_debtor > pair[1] + EPSILON:
                    reasons.append(over(pair, pair_used, cum_debtor, "pair"))
                debtor = limits.get(("debtor", 0, debtor_id))
                debtor_used = by_debtor.get(debtor_id, 0.0)
                if debtor and debtor_used + cum_debtor > debtor[1] + EPSILON:
                    reasons.append(over(debtor, debtor_used, cum_debtor, "debtor"))
            if client_limit and not funding:
                client_used = funds.get(client_id, 0.0)
                advance = currency.round(cum_total * rate)
                if client_used + advance > client_limit[1] + EPSILON:
                    reasons.append(over(client_limit, client_used, advance, "client"))
            if check_concentration and final_total > 0:
                share = 100.0 * (pair_used + cum_debtor) / final_total
                if share > max_share + 1e-9:
                    reasons.append(concentration_template % {
                        "debtor": debtor_names.get(debtor_id, ""), "share": f"{share:.1f}",
                        "client": self.client_id.display_name,
                        "amount": money(pair_used + cum_debtor), "total": money(final_total),
                        "max": f"{max_share:g}"})
            if reasons:
                errors[line_id] = reasons
        return [], errors

    def _factoring_funding_problems(self):
        """Base's problems (availability) and the client limit: funding must
        not take the client's utilised limit (funds in use, what is funded
        only) plus this schedule's advance past its active client limit. A
        credit manager may override it with a reason (base's override)."""
        problems = super()._factoring_funding_problems()
        problem = self._client_limit_problem()
        return problems + [problem] if problem else problems

    def _client_limit_problem(self):
        self.ensure_one()
        company = self.company_id
        client_id = self.client_id.id
        Engine = self.env["factoring.limit.engine"].sudo()
        limit = Engine._limits_in_force(company, client_ids=[client_id]).get(
            ("client", client_id, 0))
        if not limit:
            return False
        limit_id, amount = limit
        funds = Engine._exposure(company, client_ids=[client_id], include_verified=False,
                                 exclude_schedule_id=self.id)[2].get(client_id, 0.0)
        currency = company.currency_id
        advance = self.currency_id._convert(
            self.advance_amount, currency, company, company._factoring_today()) \
            if self.currency_id and self.currency_id != currency else self.advance_amount
        after = currency.round(funds + advance)
        if currency.compare_amounts(after, amount) <= 0:
            return False

        def money(value):
            return format_amount(self.env, value, currency)

        return self.env._(
            "funding would take %(client)s past its client limit %(limit)s of %(amount)s: "
            "funds in use %(used)s, this schedule's advance %(advance)s, after funding "
            "%(after)s, %(over)s over the limit",
            client=self.client_id.display_name,
            limit=self.env["factoring.limit"].sudo().browse(limit_id).display_name,
            amount=money(amount), used=money(funds), advance=money(advance),
            after=money(after), over=money(after - amount))

    def _factoring_log_funding_override(self, problems, reason):
        """Base logs the override on the schedule; a client limit overridden
        is also logged in the limit's history (its chatter), naming the
        schedule, the figures, who overrode and why."""
        res = super()._factoring_log_funding_override(problems, reason)
        limit = self.env["factoring.limit"].sudo().search([
            ("company_id", "=", self.company_id.id), ("scope", "=", "client"),
            ("client_id", "=", self.client_id.id), ("state", "=", "active")], limit=1)
        overridden = [problem for problem in problems if limit and limit.display_name in problem]
        if overridden:
            limit.message_post(body=self.env._(
                "Schedule %(schedule)s funded past this limit on the override of %(user)s: "
                "%(problems)s. Reason: %(reason)s",
                schedule=self.name, user=self.funding_override_user_id.name or "-",
                problems="; ".join(overridden), reason=reason or "-"))
        return res

    def _no_limit_reason(self, debtor, version):
        """Why a line on ``debtor`` (its name) is not fundable: no active debtor
        or client x debtor limit; ``version``: (state, scope, date) of the
        version that explains it, or None (see the engine's
        _pairs_without_limit)."""
        if not version:
            return self.env._(
                "no approved limit on debtor %(debtor)s: it has no limit", debtor=debtor)
        state, scope, day = version
        kind = self.env._("client x debtor limit") if scope == "pair" else self.env._("limit")
        day = format_date(self.env, day) if day else ""
        if state == "approved":
            return self.env._(
                "no approved limit on debtor %(debtor)s yet: its %(kind)s applies from %(date)s",
                debtor=debtor, kind=kind, date=day)
        if state == "expired":
            return self.env._(
                "no approved limit on debtor %(debtor)s: its %(kind)s expired on %(date)s",
                debtor=debtor, kind=kind, date=day)
        if state == "rejected":
            return self.env._(
                "no approved limit on debtor %(debtor)s: its %(kind)s was rejected",
                debtor=debtor, kind=kind)
        states = dict(self.env["factoring.limit"]._fields["state"]._description_selection(
            self.env))
        return self.env._(
            "no approved limit on debtor %(debtor)s: its %(kind)s is only %(state)s",
            debtor=debtor, kind=kind, state=states[state])

    def _touch_limits(self, debtor_ids):
        """Write the active limit rows this funding relies on (see _verify_limits)."""
        self.env["factoring.limit"].flush_model()
        self.env.cr.execute(SQL(
            """
            UPDATE factoring_limit
               SET funding_check_count = funding_check_count + 1
             WHERE company_id = %(company)s AND state = 'active'
               AND ((scope = 'debtor' AND debtor_id = ANY(%(debtors)s))
                    OR (scope = 'pair' AND client_id = %(client)s
                        AND debtor_id = ANY(%(debtors)s))
                    OR (scope = 'client' AND client_id = %(client)s))
            """,
            company=self.company_id.id, debtors=debtor_ids, client=self.client_id.id))
        self.env["factoring.limit"].invalidate_model(["funding_check_count"])
