from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .factoring_guard import check_protected, guarded, is_guarded

# Written only by verification, funding and fee posting (see factoring_guard).
LINE_PROTECTED = ("check_message", "paid_date", "fee_amount", "fee_move_id", "is_funded")


class FactoringScheduleLine(models.Model):
    _name = "factoring.schedule.line"
    _description = "Assigned Invoice"
    _order = "schedule_id desc, sequence, id"
    _rec_name = "invoice_number"
    _check_company_auto = True

    sequence = fields.Integer(default=10, help="Order of the line in the schedule.")
    position = fields.Integer(
        string="#", compute="_compute_position",
        help="Position of the line in the schedule's list: verification names lines by it.")
    file_row = fields.Integer(
        string="Excel Row", readonly=True, copy=False,
        help="Row of the imported file the line comes from (empty for typed lines).")
    schedule_id = fields.Many2one(
        "factoring.schedule", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="schedule_id.company_id", store=True, index=True)
    client_id = fields.Many2one(
        related="schedule_id.client_id", store=True, index=True, string="Client")
    schedule_state = fields.Selection(related="schedule_id.state", string="Schedule Status")
    debtor_id = fields.Many2one(
        "res.partner", string="Debtor", index=True, ondelete="restrict",
        domain="[('is_factoring_debtor', '=', True)]")
    agreement_debtor_ids = fields.Many2many(
        related="schedule_id.agreement_id.approved_debtor_ids", string="Approved Debtors",
        help="The debtors the line's debtor is picked from.")
    invoice_number = fields.Char(required=True)
    invoice_date = fields.Date(required=True)
    due_date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    currency_id = fields.Many2one(
        "res.currency", required=True,
        default=lambda self: self._default_currency())
    check_message = fields.Text(string="Verification Errors", readonly=True, copy=False)
    move_line_ids = fields.One2many(
        "account.move.line", "factoring_schedule_line_id", string="Journal Items")
    move_line_id = fields.Many2one(
        "account.move.line", compute="_compute_item", string="Receivable Item")
    # Stored so that lists grouped by client or debtor sum what is still due.
    amount_residual = fields.Monetary(
        compute="_compute_amount_residual", store=True, string="Amount Due",
        help="What the debtor still owes on the invoice: the open residual of its "
        "receivable item once funded, the face value before.")
    payment_state = fields.Selection(
        [("not_funded", "Not Funded"), ("open", "Open"), ("partial", "Partially Paid"),
         ("paid", "Paid"), ("cancelled", "Cancelled")],
        compute="_compute_item", string="Payment Status")
    paid_date = fields.Date(readonly=True, copy=False)
    fee_amount = fields.Monetary(string="Discount Fee", readonly=True, copy=False)
    fee_move_id = fields.Many2one("account.move", string="Fee Entry", readonly=True, copy=False)
    is_funded = fields.Boolean(
        string="Funded", readonly=True, copy=False,
        help="Set in the funding transaction, cleared when the schedule is cancelled: the "
        "database refuses a second funded line for the same invoice.")

    # The duplicate-invoice check (factoring.schedule._get_verification_errors)
    # looks a schedule's invoice numbers up among the client's other lines.
    _duplicate_lookup_idx = models.Index("(client_id, upper(btrim(invoice_number)))")
    # The guarantee behind the duplicate check: one funded line per invoice
    # (company, client, debtor, normalised number), whatever runs concurrently.
    _funded_invoice_uniq = models.UniqueIndex(
        "(company_id, client_id, debtor_id, upper(btrim(invoice_number))) WHERE is_funded",
        "This invoice is already funded in another schedule.")

    def init(self):
        # lines funded before the flag existed
        self.env.cr.execute(SQL(
            """
            UPDATE factoring_schedule_line l
               SET is_funded = TRUE
              FROM factoring_schedule s
             WHERE s.id = l.schedule_id AND s.state = 'funded' AND l.is_funded IS NOT TRUE
            """))

    @api.model
    def _default_currency(self):
        schedule = self.env["factoring.schedule"].browse(
            self.env.context.get("default_schedule_id"))
        return schedule.currency_id or self.env.company.currency_id

    @api.depends("sequence", "schedule_id")
    def _compute_position(self):
        """Rank of each line in its schedule's list (ordered by sequence, then
        creation), in one query whatever the number of lines."""
        saved = self.filtered(lambda rec: isinstance(rec.id, int))
        positions = {}
        if saved:
            self.flush_model(["sequence", "schedule_id"])
            positions = dict(self.env.execute_query(SQL(
                """
                SELECT id, position
                  FROM (SELECT id, row_number() OVER (
                                   PARTITION BY schedule_id ORDER BY sequence, id) AS position
                          FROM factoring_schedule_line
                         WHERE schedule_id = ANY(%s)) ranked
                 WHERE id = ANY(%s)
                """, saved.schedule_id.ids, saved.ids)))
        for line in self:
            line.position = positions.get(line.id, 0)

    def _label(self):
        """How messages name the line: its position in the list, and the row of
        the Excel file it was imported from."""
        self.ensure_one()
        if self.file_row:
            return self.env._("Line %(position)s (Excel row %(row)s)",
                     position=self.position, row=self.file_row)
        return self.env._("Line %s", self.position)

    @api.depends("move_line_ids.amount_residual_currency", "schedule_id.state")
    def _compute_item(self):
        for line in self:
            item = line.move_line_ids.filtered(
                lambda rec: rec.move_id == line.schedule_id.move_id)[:1]
            line.move_line_id = item
            if line.schedule_id.state == "cancelled":
                line.payment_state = "cancelled"
            elif not item:
                line.payment_state = "not_funded"
            elif item.reconciled:
                line.payment_state = "paid"
            elif item.matched_credit_ids:
                line.payment_state = "partial"
            else:
                line.payment_state = "open"

    @api.model_create_multi
    def create(self, vals_list):
        check_protected(self, vals_list, LINE_PROTECTED,
                        lambda vals: vals.get("invoice_number") or self.env._("New invoice"))
        if not is_guarded(self):
            schedules = self.env["factoring.schedule"].browse(
                {vals.get("schedule_id") for vals in vals_list if vals.get("schedule_id")})
            self._check_schedules_editable(schedules, self.env._("add invoices to"))
        lines = super().create(vals_list)
        if not is_guarded(self):
            lines.schedule_id._back_to_draft()
        return lines

    def write(self, vals):
        check_protected(self, [vals], LINE_PROTECTED, lambda vals: self._names())
        if is_guarded(self):
            return super().write(vals)
        schedules = self.schedule_id
        if vals.get("schedule_id"):
            schedules |= self.env["factoring.schedule"].browse(vals["schedule_id"])
        self._check_schedules_editable(schedules, self.env._("change invoices of"))
        res = super().write(vals)
        self._forget_verification()
        schedules._back_to_draft()
        return res

    def unlink(self):
        if not is_guarded(self):
            schedules = self.schedule_id
            self._check_schedules_editable(schedules, self.env._("remove invoices from"))
            res = super().unlink()
            schedules.exists()._back_to_draft()
            schedules.exists()._forget_verification_note()
            return res
        return super().unlink()

    def _names(self, limit=5):
        names = ", ".join(
            f"{line.schedule_id.name} / {line.invoice_number}" for line in self[:limit])
        return names + (", ..." if len(self) > limit else "")

    @api.model
    def _check_schedules_editable(self, schedules, action):
        locked = schedules.filtered(lambda s: s.state in ("funded", "cancelled"))
        if locked:
            raise UserError(self.env._(
                "Schedule %(schedule)s is %(state)s: you cannot %(action)s it.",
                schedule=locked[0].name, state=locked[0]._state_label(), action=action))

    def _forget_verification(self):
        """A changed line loses its old reasons and the schedule's banner: both
        described the line before the change (it must be verified again)."""
        with_message = self.filtered("check_message")
        if with_message:
            guarded(with_message).write({"check_message": False})
        self.schedule_id._forget_verification_note()

    @api.depends("amount", "move_line_ids.amount_residual_currency", "schedule_id.move_id")
    def _compute_amount_residual(self):
        for line in self:
            item = line.move_line_ids.filtered(
                lambda rec: rec.move_id == line.schedule_id.move_id)[:1]
            line.amount_residual = item.amount_residual_currency if item else line.amount

    @api.onchange("debtor_id", "invoice_number", "invoice_date", "due_date", "amount",
                  "currency_id")
    def _onchange_clear_message(self):
        self.check_message = False

    @api.depends("invoice_number", "debtor_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = (
                f"{line.invoice_number} ({line.debtor_id.name})" if line.debtor_id
                else line.invoice_number or "")
