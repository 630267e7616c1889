import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date, split_every

from .common import check_supervisor

_logger = logging.getLogger(__name__)

# Debtor-level groups processed per committed batch.
BATCH_SIZE = 500

SKIP_REASONS = [
    ("hold", "Held from dunning"),
    ("no_followup", "No follow-up"),
    ("excluded", "Debtor excluded"),
    ("no_policy", "No dunning policy"),
    ("min_amount", "Below the level's minimum amount"),
]


class FactoringDunningRun(models.Model):
    """One dunning run of a company on a day, and its outcome.

    The run selects, in SQL, the open receivable items past due that are not on
    hold, not ``no_followup`` and whose debtor is not excluded; each reaches the
    highest level of its debtor's policy (or the company's) that its days past
    due have passed, and is sent only if that level is higher than the one it
    already had. Items are grouped into one communication per debtor and level;
    the debtor's overdue amount must reach the level's minimum. Each batch of
    communications is written (communications, the items' new level, e-mails
    queued, activities) and, in the cron, committed. A second run the same day
    finds every item already at its level and sends nothing."""

    _name = "factoring.dunning.run"
    _description = "Dunning Run"
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    date = fields.Date(required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Started by", readonly=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        required=True, default="running", readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True)
    communication_ids = fields.One2many(
        "factoring.dunning.communication", "run_id", string="Communications", readonly=True)
    communication_count = fields.Integer(readonly=True)
    item_count = fields.Integer(string="Items Dunned", readonly=True)
    email_count = fields.Integer(string="E-mails Queued", readonly=True)
    letter_count = fields.Integer(string="Letters", readonly=True)
    call_count = fields.Integer(string="Call Activities", readonly=True)
    escalation_count = fields.Integer(string="Escalations", readonly=True)
    fallback_count = fields.Integer(
        string="Calls instead of E-mails", readonly=True,
        help="Debtors without a usable accounts-payable address (none, bounced or "
        "blacklisted): a call activity was scheduled instead.")
    failure_count = fields.Integer(string="Failures", readonly=True)
    skipped_hold = fields.Integer(string="Skipped: held from dunning", readonly=True)
    skipped_no_followup = fields.Integer(string="Skipped: no follow-up", readonly=True)
    skipped_excluded = fields.Integer(string="Skipped: debtor excluded", readonly=True)
    skipped_no_policy = fields.Integer(string="Skipped: no policy", readonly=True)
    skipped_min_amount = fields.Integer(string="Skipped: below minimum", readonly=True)
    skipped_already = fields.Integer(
        string="Already at their level", readonly=True,
        help="Overdue items whose level was already sent (not repeated).")
    level_summary = fields.Text(string="Per Level", readonly=True)
    log = fields.Text(string="Failures Log", readonly=True)

    # One run at a time per company (a second one started meanwhile fails at once).
    _running_uniq = models.UniqueIndex(
        "(company_id) WHERE state = 'running'", "A dunning run is already running.")

    @api.depends("date", "company_id")
    def _compute_name(self):
        for run in self:
            run.name = self.env._("Dunning %(date)s",
                                  date=format_date(self.env, run.date) if run.date else "")

    @api.model_create_multi
    def create(self, vals_list):
        check_supervisor(self.env, self.env._("start dunning runs"))
        if not self.env.context.get("factoring_dunning_run_create"):
            raise UserError(self.env._("Dunning runs are started with Run Now or by the cron."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise UserError(self.env._("A dunning run's outcome is written by the run only."))
        return super().write(vals)

    def unlink(self):
        check_supervisor(self.env, self.env._("delete dunning runs"))
        return super().unlink()

    # ------------------------------------------------------------------
    # Selection (set-based), shared by the run and its preview
    # ------------------------------------------------------------------
    @api.model
    def _overdue_items_cte(self, company, today):
        """Open receivable items of ``company`` past due on ``today``, with their
        debtor, policy, days past due, current level and why they are skipped."""
        return SQL(
            """
            SELECT aml.id, cp.id AS debtor_id, aml.amount_residual AS residual,
                   %(today)s - aml.date_maturity AS dpd,
                   COALESCE(cp.factoring_dunning_policy_id, %(policy)s) AS policy_id,
                   di.level_days AS cur_days,
                   CASE WHEN aml.factoring_dunning_hold THEN 'hold'
                        WHEN aml.no_followup THEN 'no_followup'
                        WHEN cp.factoring_dunning_excluded THEN 'excluded'
                        WHEN COALESCE(cp.factoring_dunning_policy_id, %(policy)s) IS NULL
                             THEN 'no_policy'
                   END AS skip
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
                   AND acc.account_type = 'asset_receivable'
              JOIN res_partner p ON p.id = aml.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
         LEFT JOIN factoring_dunning_item di ON di.move_line_id = aml.id
             WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE AND aml.amount_residual > 0
               AND aml.date_maturity < %(today)s
            """, today=today, company=company.id,
            policy=company.factoring_dunning_policy_id.id or None)

    @api.model
    def _select(self, company, today):
        """:return: (groups, skipped) where groups are dicts (debtor, level,
        items, amount) to send and skipped counts items by reason."""
        self.env.flush_all()
        rows = self.env.execute_query(SQL(
            """
            WITH items AS (%(items)s),
            targeted AS (
                SELECT i.id, i.debtor_id, i.residual, i.cur_days, lvl.id AS level_id,
                       lvl.days AS level_days
                  FROM items i
                  JOIN LATERAL (
                        SELECT l.id, l.days FROM factoring_dunning_level l
                         WHERE l.policy_id = i.policy_id AND l.days <= i.dpd
                      ORDER BY l.days DESC LIMIT 1) lvl ON TRUE
                 WHERE i.skip IS NULL
            ),
            debtor_overdue AS (
                SELECT debtor_id, SUM(residual) AS total FROM items WHERE skip IS NULL
              GROUP BY debtor_id
            )
            SELECT t.debtor_id, t.level_id, ARRAY_AGG(t.id ORDER BY t.id), SUM(t.residual),
                   d.total >= COALESCE(l.min_amount, 0)
              FROM targeted t
              JOIN debtor_overdue d ON d.debtor_id = t.debtor_id
              JOIN factoring_dunning_level l ON l.id = t.level_id
             WHERE t.cur_days IS NULL OR t.level_days > t.cur_days
          GROUP BY t.debtor_id, t.level_id, l.days, d.total, l.min_amount
          ORDER BY t.debtor_id, l.days
            """, items=self._overdue_items_cte(company, today)))
        skipped = dict(self.env.execute_query(SQL(
            "WITH items AS (%s) SELECT skip, COUNT(*) FROM items WHERE skip IS NOT NULL "
            "GROUP BY skip", self._overdue_items_cte(company, today))))
        [[already]] = self.env.execute_query(SQL(
            """
            WITH items AS (%s)
            SELECT COUNT(*) FROM items i
             WHERE i.skip IS NULL AND i.cur_days IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM factoring_dunning_level l
                                WHERE l.policy_id = i.policy_id AND l.days <= i.dpd
                                  AND l.days > i.cur_days)
            """, self._overdue_items_cte(company, today)))
        groups = []
        skipped["min_amount"] = 0
        for debtor_id, level_id, item_ids, amount, reaches in rows:
            if not reaches:
                skipped["min_amount"] += len(item_ids)
                continue
            groups.append({"debtor_id": debtor_id, "level_id": level_id,
                           "item_ids": item_ids, "amount": float(amount)})
        skipped["already"] = already
        return groups, skipped

    @api.model
    def _recipients(self, debtor_ids):
        """Usable accounts-payable addresses per debtor, and why there are none:
        {debtor id: (emails, reason or False)}."""
        rows = self.env.execute_query(SQL(
            """
            SELECT c.commercial_partner_id,
                   STRING_AGG(c.email, ',' ORDER BY c.id) FILTER (
                       WHERE COALESCE(c.message_bounce, 0) = 0 AND bl.id IS NULL),
                   BOOL_OR(COALESCE(c.message_bounce, 0) > 0),
                   BOOL_OR(bl.id IS NOT NULL)
              FROM res_partner c
         LEFT JOIN mail_blacklist bl ON bl.email = c.email_normalized AND bl.active
             WHERE c.commercial_partner_id = ANY(%s) AND c.id != c.commercial_partner_id
               AND c.factoring_contact_role = 'ap' AND c.active
               AND COALESCE(c.email, '') != ''
          GROUP BY c.commercial_partner_id
            """, list(debtor_ids)))
        result = {}
        for debtor_id, emails, bounced, _blacklisted in rows:
            if emails:
                result[debtor_id] = (emails, False)
            elif bounced:
                result[debtor_id] = (False, self.env._("accounts-payable address bounced"))
            else:
                result[debtor_id] = (False, self.env._("accounts-payable address blacklisted"))
        return result

    # ------------------------------------------------------------------
    # Run
    # ------------------------------------------------------------------
    def action_run_now(self):
        """Run now (from the preview or the runs list) for the current company."""
        check_supervisor(self.env, self.env._("start dunning runs"))
        run = self._run(self.env.company, self.env.company._factoring_today())
        if run._is_empty():
            message = run._nothing_to_do()
            run.unlink()
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {"title": self.env._("Nothing to send today"), "message": message,
                           "type": "info", "sticky": False,
                           "next": {"type": "ir.actions.act_window_close"}},
            }
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": run.id,
            "view_mode": "form",
        }

    @api.model
    def _cron_run(self):
        for company in self.env["res.company"].sudo().search(
                [("factoring_dunning_policy_id", "!=", False)]):
            run = self.with_company(company)._run(company, company._factoring_today(), commit=True)
            if run._is_empty():
                _logger.info("Dunning of %s: %s", company.name, run._nothing_to_do())
                run.unlink()
                self.env["ir.cron"]._commit_progress(0)

    def _is_empty(self):
        """A run that sent nothing and failed nowhere: not kept as a record."""
        self.ensure_one()
        return self.state == "done" and not (
            self.communication_count or self.failure_count or self.log)

    def _nothing_to_do(self):
        """Why this run sent nothing, in words (its counts of skipped items)."""
        self.ensure_one()
        labels = {
            "skipped_already": self.env._("overdue items already at their level"),
            "skipped_hold": self.env._("on hold"),
            "skipped_min_amount": self.env._("below their level's minimum amount"),
            "skipped_excluded": self.env._("of debtors excluded from dunning"),
            "skipped_no_followup": self.env._("without follow-up"),
            "skipped_no_policy": self.env._("without a dunning policy"),
        }
        reasons = [f"{self[name]} {label}" for name, label in labels.items() if self[name]]
        return self.env._(
            "No overdue item reached a new dunning level%(reasons)s. No run was recorded.",
            reasons=(": " + ", ".join(reasons)) if reasons else "")

    @api.model
    def _run(self, company, today, commit=False, batch_size=BATCH_SIZE):
        start = fields.Datetime.now()
        run = self.with_context(factoring_dunning_run_create=True).sudo().create({
            "date": today, "company_id": company.id, "user_id": self.env.uid})
        run = run.sudo()
        # Two runs of a company never both work from a view of the items that
        # predates the other's communications: the running slot (unique index)
        # refuses a run while another one runs, and every run writes the
        # company's row. A run that started (took its snapshot) before an
        # earlier one committed gets a serialization failure here, and Odoo's
        # retry (RPC, cron) starts it again with a fresh view: it sends nothing
        # twice. The unique index on (company, debtor, level, day) remains the
        # last guarantee.
        self.env.execute_query(SQL(
            "UPDATE res_company SET factoring_dunning_last_run = %s WHERE id = %s",
            today, company.id))
        company.invalidate_recordset(["factoring_dunning_last_run"])
        if commit:
            # the run is visible (and holds the company's running slot) at once
            self.env["ir.cron"]._commit_progress(0)
        groups, skipped = self._select(company, today)
        totals = dict.fromkeys(
            ("communication_count", "item_count", "email_count", "letter_count", "call_count",
             "escalation_count", "fallback_count", "failure_count"), 0)
        failures = []
        remaining = len(groups)
        for batch in split_every(batch_size, groups):
            batch = list(batch)
            try:
                with self.env.cr.savepoint():
                    counts = run._process_batch(company, today, batch)
                for key, value in counts.items():
                    totals[key] += value
            except Exception as error:  # noqa: BLE001 - a failing batch is recorded, not fatal
                _logger.exception("Dunning batch failed")
                totals["failure_count"] += len(batch)
                failures.append(self.env._(
                    "%(count)s debtor(s) from %(first)s: %(error)s", count=len(batch),
                    first=batch[0]["debtor_id"], error=error))
            remaining -= len(batch)
            if commit:
                self.env["ir.cron"]._commit_progress(len(batch), remaining=remaining)
        run._finish(totals, skipped, failures, start)
        if commit:
            self.env["ir.cron"]._commit_progress(0, remaining=0)
        return run

    def _process_batch(self, company, today, groups):
        """Write one batch: communications, item levels, e-mails, activities."""
        self.ensure_one()
        Level = self.env["factoring.dunning.level"].sudo()
        levels = {lvl.id: lvl for lvl in Level.browse({g["level_id"] for g in groups})}
        debtors = self.env["res.partner"].sudo().browse({g["debtor_id"] for g in groups})
        collectors = {d.id: d.factoring_collector_id for d in debtors}
        email_debtors = {g["debtor_id"] for g in groups if levels[g["level_id"]].channel_email}
        recipients = self._recipients(email_debtors) if email_debtors else {}
        rows = []
        for group in groups:
            level = levels[group["level_id"]]
            emails, reason = recipients.get(group["debtor_id"], (False, False))
            if level.channel_email and not emails and not reason:
                reason = self.env._("no accounts-payable e-mail address")
            fallback = level.channel_email and not emails
            rows.append((
                group["debtor_id"], level.id, collectors[group["debtor_id"]].id or None,
                len(group["item_ids"]), company.currency_id.round(group["amount"]),
                level.channel_email, level.channel_letter, level.channel_call,
                level.channel_escalation, emails or None, "fallback" if fallback else "sent",
                reason if fallback else None))
        comms = self._insert_communications(company, today, rows)
        # The items' links and states straight from the batch's arrays: a join
        # back to the communications made PostgreSQL (statistics taken before
        # the run) loop over the whole link table for each communication.
        comm_ids, item_ids, partner_ids, level_ids, level_days = [], [], [], [], []
        for comm, group in zip(comms, groups, strict=True):
            days = levels[group["level_id"]].days
            for item_id in group["item_ids"]:
                comm_ids.append(comm.id)
                item_ids.append(item_id)
                partner_ids.append(group["debtor_id"])
                level_ids.append(group["level_id"])
                level_days.append(days)
        self.env.execute_query(SQL(
            """
            INSERT INTO factoring_dunning_communication_item_rel (communication_id, move_line_id)
            SELECT * FROM UNNEST(%s::int[], %s::int[])
            """, comm_ids, item_ids))
        self.env.execute_query(SQL(
            """
            INSERT INTO factoring_dunning_item
                   (move_line_id, partner_id, company_id, level_id, level_days, date,
                    communication_id, create_uid, create_date, write_uid, write_date)
            SELECT i.move_line_id, i.partner_id, %(company)s, i.level_id, i.level_days,
                   %(today)s, i.communication_id, %(uid)s, NOW() AT TIME ZONE 'UTC',
                   %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM UNNEST(%(items)s::int[], %(partners)s::int[], %(levels)s::int[],
                          %(days)s::int[], %(comms)s::int[])
                   AS i(move_line_id, partner_id, level_id, level_days, communication_id)
            ON CONFLICT (move_line_id) DO UPDATE
               SET level_id = EXCLUDED.level_id, level_days = EXCLUDED.level_days,
                   date = EXCLUDED.date, communication_id = EXCLUDED.communication_id,
                   partner_id = EXCLUDED.partner_id, write_uid = EXCLUDED.write_uid,
                   write_date = EXCLUDED.write_date
            """, company=company.id, today=today, uid=self.env.uid, items=item_ids,
            partners=partner_ids, levels=level_ids, days=level_days, comms=comm_ids))
        self.env["factoring.dunning.item"].invalidate_model()
        comms.invalidate_recordset(["item_ids"])
        counts = {
            "communication_count": len(comms),
            "item_count": len(item_ids),
            "email_count": 0, "letter_count": 0, "call_count": 0, "escalation_count": 0,
            "fallback_count": 0,
        }
        # e-mails: queued (mail.mail), sent by Odoo's mail queue cron
        emailed = comms.filtered(lambda c: c.channel_email and c.email_to)
        for template, template_comms in emailed.grouped(
                lambda c: c.level_id.mail_template_id).items():
            self._queue_emails(template, template_comms)
        counts["email_count"] = len(emailed)
        counts["letter_count"] = len(comms.filtered("channel_letter"))
        fallback = comms.filtered(lambda c: c.status == "fallback")
        counts["fallback_count"] = len(fallback)
        calls = comms.filtered(lambda c: c.channel_call) | fallback
        counts["call_count"] = len(calls)
        escalations = comms.filtered("channel_escalation")
        counts["escalation_count"] = len(escalations)
        self._schedule_activities(company, today, calls, escalations)
        return counts

    def _insert_communications(self, company, today, rows):
        """Insert the batch's communications in one statement and return them.

        They are this addon's own rows, written by the run only (no create
        override, no computed stored field, no mail thread); the ORM's create
        cost a third of the run for 25,000 of them (a Monetary conversion and
        a related currency per row). The unique index on (company, debtor,
        level, day) still refuses a communication sent twice."""
        self.ensure_one()
        columns = list(zip(*rows, strict=True))
        created = self.env.execute_query(SQL(
            """
            INSERT INTO factoring_dunning_communication
                   (run_id, date, company_id, partner_id, level_id, collector_id, item_count,
                    amount, channel_email, channel_letter, channel_call, channel_escalation,
                    email_to, status, note, create_uid, create_date, write_uid, write_date)
            SELECT %(run)s, %(today)s, %(company)s, c.partner_id, c.level_id, c.collector_id,
                   c.item_count, c.amount, c.ch_email, c.ch_letter, c.ch_call, c.ch_escalation,
                   c.email_to, c.status, c.note, %(uid)s, NOW() AT TIME ZONE 'UTC',
                   %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM UNNEST(%(partners)s::int[], %(levels)s::int[], %(collectors)s::int[],
                          %(counts)s::int[], %(amounts)s::numeric[], %(email)s::bool[],
                          %(letter)s::bool[], %(call)s::bool[], %(escalation)s::bool[],
                          %(email_to)s::varchar[], %(status)s::varchar[], %(note)s::varchar[])
                   AS c(partner_id, level_id, collector_id, item_count, amount, ch_email,
                        ch_letter, ch_call, ch_escalation, email_to, status, note)
         RETURNING partner_id, level_id, id
            """, run=self.id, today=today, company=company.id, uid=self.env.uid,
            partners=list(columns[0]), levels=list(columns[1]), collectors=list(columns[2]),
            counts=list(columns[3]), amounts=list(columns[4]), email=list(columns[5]),
            letter=list(columns[6]), call=list(columns[7]), escalation=list(columns[8]),
            email_to=list(columns[9]), status=list(columns[10]), note=list(columns[11])))
        self.invalidate_recordset(["communication_ids"])
        # in the order of the rows (a debtor has one communication per level)
        by_key = {(partner, level): comm_id for partner, level, comm_id in created}
        return self.env["factoring.dunning.communication"].sudo().browse(
            [by_key[row[0], row[1]] for row in rows])

    @api.model
    def _queue_emails(self, template, comms):
        """Queue the batch's e-mails of one template: the template rendered once
        for all the communications, one ``mail.mail`` create for the batch.
        Templates with a layout, attachments or reports go through Odoo's
        ``send_mail_batch`` (chunks of ``mail.batch_size``).

        The rendered body goes to ``body_html``, what the mail queue sends and
        what the e-mail's form shows (sanitized on display); it is not copied to
        the message's ``body`` as ``send_mail`` does: that copy is sanitized
        once per e-mail (a fifth of the run) and nothing shows it, since a
        communication has no chatter."""
        template = template.sudo()
        if template.email_layout_xmlid or template.attachment_ids \
                or template.report_template_ids:
            return template.send_mail_batch(comms.ids, force_send=False)
        comms._compute_email_parts()  # the items' tables of the whole batch at once
        rendered = template._generate_template(
            comms.ids, ("auto_delete", "body_html", "email_cc", "email_from", "email_to",
                        "mail_server_id", "model", "partner_to", "reply_to", "res_id",
                        "scheduled_date", "subject"))
        vals_list = []
        for comm_id in comms.ids:
            values = rendered[comm_id]
            values["recipient_ids"] = [(4, pid) for pid in values.pop("partner_ids", None) or []]
            values.pop("attachment_ids", None)
            values.pop("attachments", None)
            if "email_from" in values and not values["email_from"]:
                values.pop("email_from")
            vals_list.append(values)
        return self.env["mail.mail"].sudo().with_context(
            mail_create_nosubscribe=True, mail_notrack=True, tracking_disable=True,
        ).create(vals_list)

    def _schedule_activities(self, company, today, calls, escalations):
        """Call activities for the debtors' collectors; escalation activities
        for the company's collections supervisor (one create for the batch)."""
        model_id = self.env["ir.model"]._get_id("res.partner")
        call_type = self.env.ref("factoring_collections.mail_activity_type_dunning_call")
        escalation_type = self.env.ref("factoring_collections.mail_activity_type_escalation")
        supervisor = company.factoring_collections_supervisor_id
        fmt_amount, _fmt_date = self.env["factoring.dunning.communication"]._formatters()
        vals_list = []
        for comm in calls:
            note = self.env._(
                "%(level)s: %(count)s overdue item(s), %(amount)s.", level=comm.level_id.name,
                count=comm.item_count, amount=fmt_amount(comm.amount, comm.currency_id))
            if comm.status == "fallback":
                note += " " + self.env._("No e-mail sent: %s.", comm.note)
            vals_list.append({
                "res_model_id": model_id, "res_id": comm.partner_id.id,
                "activity_type_id": call_type.id, "date_deadline": today,
                "summary": self.env._("Dunning call: %s", comm.level_id.name),
                "note": note,
                "user_id": (comm.collector_id or supervisor or self.env.user).id,
            })
        for comm in escalations:
            vals_list.append({
                "res_model_id": model_id, "res_id": comm.partner_id.id,
                "activity_type_id": escalation_type.id, "date_deadline": today,
                "summary": self.env._("Dunning escalation: %s", comm.level_id.name),
                "note": self.env._("%(count)s overdue item(s), %(amount)s.",
                                   count=comm.item_count,
                                   amount=fmt_amount(comm.amount, comm.currency_id)),
                "user_id": (supervisor or comm.collector_id or self.env.user).id,
            })
        if vals_list:
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True, mail_notify_force_send=False,
                tracking_disable=True, mail_create_nosubscribe=True,
                mail_notrack=True).create(vals_list)

    def _finish(self, totals, skipped, failures, start):
        self.ensure_one()
        rows = self.env["factoring.dunning.communication"].sudo()._read_group(
            [("run_id", "=", self.id)], ["level_id"], ["__count", "item_count:sum"])
        summary = "\n".join(
            self.env._("%(level)s: %(debtors)s debtor(s), %(items)s item(s)",
                       level=level.display_name, debtors=count, items=items)
            for level, count, items in rows)
        self.write({
            **totals,
            "state": "failed" if failures and not totals["communication_count"] else "done",
            "skipped_hold": skipped.get("hold", 0),
            "skipped_no_followup": skipped.get("no_followup", 0),
            "skipped_excluded": skipped.get("excluded", 0),
            "skipped_no_policy": skipped.get("no_policy", 0),
            "skipped_min_amount": skipped.get("min_amount", 0),
            "skipped_already": skipped.get("already", 0),
            "level_summary": summary,
            "log": "\n".join(failures) or False,
            "duration": (fields.Datetime.now() - start).total_seconds(),
        })
        self.flush_recordset()

    def action_print_letters(self):
        """The letters of this run (communications with the letter channel)."""
        self.ensure_one()
        check_supervisor(self.env, self.env._("print dunning letters"))
        letters = self.communication_ids.filtered("channel_letter")
        if not letters:
            raise UserError(self.env._("Run %s has no letters to print.", self.name))
        return self.env.ref("factoring_collections.action_report_dunning_letter").report_action(
            letters)
