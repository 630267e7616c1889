from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount

from .common import check_supervisor

TRIGGERS = [
    ("amount_age", "Amount and age"),
    ("broken_promise", "Broken promise"),
    ("no_contact", "No contact"),
]
ACTIONS = [
    ("reassign", "Reassign to the supervisor"),
    ("notify", "Notify the supervisor"),
    ("raise_level", "Raise the dunning level"),
]


class FactoringEscalationRule(models.Model):
    """An escalation rule, applied every day after the dunning run. A debtor
    that meets the rule is escalated once: the escalation stays open (and is
    not repeated) while the debtor still meets the rule, and closes when it no
    longer does."""

    _name = "factoring.escalation.rule"
    _description = "Escalation Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    trigger = fields.Selection(TRIGGERS, required=True, default="amount_age")
    min_amount = fields.Monetary(
        string="Minimum Amount",
        help="Amount and age: the debtor's items past due beyond the days must reach it.")
    min_days = fields.Integer(
        string="Days", default=60,
        help="Amount and age: days past due; broken promise: broken within these days; "
        "no contact: days without a call note on a debtor with overdue items.")
    action = fields.Selection(ACTIONS, required=True, default="notify")
    user_id = fields.Many2one(
        "res.users", string="Escalate to",
        help="Defaults to the company's collections supervisor.")

    @api.constrains("min_amount", "min_days")
    def _check_values(self):
        for rule in self:
            if rule.min_amount < 0 or rule.min_days < 0:
                raise ValidationError(self.env._(
                    "Escalation rule %s: amount and days cannot be negative.", rule.name))

    @api.model_create_multi
    def create(self, vals_list):
        check_supervisor(self.env, self.env._("create escalation rules"))
        return super().create(vals_list)

    def write(self, vals):
        check_supervisor(self.env, self.env._("change escalation rules"))
        return super().write(vals)

    def unlink(self):
        check_supervisor(self.env, self.env._("delete escalation rules"))
        return super().unlink()

    def _target(self):
        self.ensure_one()
        return self.user_id or self.company_id.factoring_collections_supervisor_id

    def _candidates(self, today):
        """Debtors meeting the rule today: {debtor id: [item ids]}."""
        self.ensure_one()
        self.env.flush_all()
        open_overdue = SQL(
            """
            SELECT cp.id AS debtor_id, aml.id, aml.amount_residual,
                   %(today)s - aml.date_maturity AS dpd
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
                   AND acc.account_type = 'asset_receivable'
              JOIN res_partner p ON p.id = aml.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
             WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE AND aml.amount_residual > 0
               AND aml.date_maturity < %(today)s AND aml.factoring_dunning_hold IS NOT TRUE
            """, today=today, company=self.company_id.id)
        if self.trigger == "amount_age":
            query = SQL(
                """
                WITH o AS (%(open)s)
                SELECT debtor_id, ARRAY_AGG(id ORDER BY id) FROM o WHERE dpd > %(days)s
              GROUP BY debtor_id HAVING SUM(amount_residual) >= %(amount)s
                """, open=open_overdue, days=self.min_days, amount=self.min_amount or 0.0)
        elif self.trigger == "broken_promise":
            query = SQL(
                """
                WITH o AS (%(open)s)
                SELECT p.debtor_id, ARRAY_REMOVE(ARRAY_AGG(DISTINCT o.id), NULL)
                  FROM factoring_promise p
             LEFT JOIN o ON o.debtor_id = p.debtor_id
                 WHERE p.company_id = %(company)s AND p.state = 'broken'
                   AND p.date_closed > %(today)s - %(days)s
              GROUP BY p.debtor_id
                """, open=open_overdue, company=self.company_id.id, today=today,
                days=self.min_days)
        else:
            query = SQL(
                """
                WITH o AS (%(open)s)
                SELECT o.debtor_id, ARRAY_AGG(o.id ORDER BY o.id)
                  FROM o
             LEFT JOIN LATERAL (
                       SELECT MAX(c.date) AS last FROM factoring_collection_call c
                        WHERE c.debtor_id = o.debtor_id AND c.company_id = %(company)s) ct
                       ON TRUE
                 WHERE ct.last IS NULL
                    OR (ct.last AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                       <= %(today)s - %(days)s
              GROUP BY o.debtor_id
                """, open=open_overdue, company=self.company_id.id, today=today,
                days=self.min_days, tz=self.company_id._factoring_tz())
        return dict(self.env.execute_query(query))

    def _apply(self, today=None):
        """Escalate the debtors newly meeting each rule (on ``today``, by
        default its company's factoring day); close the escalations of debtors
        that no longer do. :return: the new escalations."""
        Log = self.env["factoring.escalation.log"].sudo()
        created = Log
        for rule in self:
            candidates = rule._candidates(today or rule.company_id._factoring_today())
            open_logs = Log.search([("rule_id", "=", rule.id), ("active", "=", True)])
            open_logs.filtered(lambda log, c=candidates: log.partner_id.id not in c).write(
                {"active": False, "date_closed": fields.Datetime.now()})
            new = set(candidates) - set(open_logs.partner_id.ids)
            if not new:
                continue
            target = rule._target()
            debtors = self.env["res.partner"].sudo().browse(sorted(new))
            logs = Log.create([{
                "rule_id": rule.id, "company_id": rule.company_id.id,
                "partner_id": debtor.id, "item_ids": [fields.Command.set(candidates[debtor.id])],
                "from_user_id": debtor.factoring_collector_id.id,
                "to_user_id": target.id, "action": rule.action,
            } for debtor in debtors])
            logs._execute()
            created |= logs
        return created

    @api.model
    def _cron_escalate(self):
        self.sudo().search([("active", "=", True)])._apply()

    def action_apply_now(self):
        check_supervisor(self.env, self.env._("apply escalation rules"))
        logs = self.sudo()._apply()
        return {
            "type": "ir.actions.act_window",
            "res_model": "factoring.escalation.log",
            "view_mode": "list,form",
            "domain": [("id", "in", logs.ids)],
            "name": self.env._("New Escalations"),
        }


class FactoringEscalationLog(models.Model):
    """One escalation: rule, debtor, items, from whom, to whom, when. Open
    while the debtor still meets the rule (one open escalation per rule and
    debtor: the database refuses a second)."""

    _name = "factoring.escalation.log"
    _description = "Escalation"
    _order = "date desc, id desc"

    rule_id = fields.Many2one("factoring.escalation.rule", required=True, readonly=True,
                              index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Debtor", required=True, readonly=True,
                                 index=True)
    item_ids = fields.Many2many(
        "account.move.line", "factoring_escalation_log_item_rel", "log_id", "move_line_id",
        string="Items", readonly=True)
    from_user_id = fields.Many2one("res.users", string="From", readonly=True)
    to_user_id = fields.Many2one("res.users", string="To", readonly=True)
    action = fields.Selection(ACTIONS, required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    date_closed = fields.Datetime(readonly=True)
    active = fields.Boolean(default=True, readonly=True,
                            help="Open while the debtor still meets the rule.")
    note = fields.Text(readonly=True)

    _open_uniq = models.UniqueIndex(
        "(rule_id, partner_id) WHERE active", "A debtor is escalated once per rule at a time.")

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(self.env._("Escalations are made by the escalation rules only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise UserError(self.env._("Escalations are written by the escalation rules only."))
        return super().write(vals)

    def _execute(self):
        """Carry out each escalation's action and log it on the debtor."""
        escalation_type = self.env.ref("factoring_collections.mail_activity_type_escalation")
        for log in self:
            debtor = log.partner_id.sudo()
            amount = sum(log.item_ids.mapped("amount_residual"))
            note = self.env._(
                "Escalated by rule %(rule)s: %(count)s item(s), %(amount)s; from %(from)s to "
                "%(to)s.", rule=log.rule_id.name, count=len(log.item_ids),
                amount=format_amount(self.env, amount, log.company_id.currency_id),
                **{"from": log.from_user_id.name or "-", "to": log.to_user_id.name or "-"})
            if log.action == "reassign" and log.to_user_id:
                debtor.with_context(factoring_portfolio_note=note).write(
                    {"factoring_collector_id": log.to_user_id.id})
                log.env["factoring.promise"].sudo().search([
                    ("debtor_id", "=", debtor.id), ("state", "=", "pending")
                ])._factoring_move_to(log.to_user_id)
            elif log.action == "notify" and log.to_user_id:
                debtor.activity_schedule(
                    activity_type_id=escalation_type.id, summary=self.env._(
                        "Escalation: %s", log.rule_id.name),
                    note=note, user_id=log.to_user_id.id)
            elif log.action == "raise_level":
                note += " " + log._raise_level()
            debtor.message_post(body=note)
            log.note = note

    def _raise_level(self):
        """Move the escalated items one level up their debtor's policy now
        (the next dunning run continues from there)."""
        self.ensure_one()
        company = self.company_id
        policy = self.partner_id.factoring_dunning_policy_id or company.factoring_dunning_policy_id
        if not policy or not self.item_ids:
            return self.env._("No dunning policy: level not raised.")
        levels = policy.level_ids.sorted("days")
        States = self.env["factoring.dunning.item"].sudo()
        states = {s.move_line_id.id: s for s in States.search(
            [("move_line_id", "in", self.item_ids.ids)])}
        today = company._factoring_today()
        raised = 0
        for item in self.item_ids:
            state = states.get(item.id)
            current = state.level_days if state else 0
            nxt = levels.filtered(lambda lvl, c=current: lvl.days > c)[:1]
            if not nxt:
                continue
            vals = {"level_id": nxt.id, "level_days": nxt.days, "date": today}
            if state:
                state.write(vals)
            else:
                States.create({**vals, "move_line_id": item.id,
                               "partner_id": self.partner_id.id, "company_id": company.id})
            raised += 1
        return self.env._("%s item(s) raised one dunning level.", raised)
