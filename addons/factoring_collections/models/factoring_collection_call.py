from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date

from .common import check_collector, is_supervisor

OUTCOMES = [
    ("reached", "Reached"),
    ("no_answer", "No Answer"),
    ("wrong_contact", "Wrong Contact"),
    ("promise", "Promise to Pay"),
    ("dispute", "Dispute Raised"),
    ("paid", "Says Paid"),
]

# What identifies a call note: it stays as logged, whoever holds the debtor later.
FIXED_FIELDS = ("debtor_id", "user_id", "date", "company_id")


class FactoringCollectionCall(models.Model):
    """A collector's call note on a debtor. Attributed to its author and kept
    with the debtor through handovers (the debtor's collector may change, the
    note does not). The clients whose open invoices the debtor owed at the time
    of the call are recorded, so that each client's screen shows the call."""

    _name = "factoring.collection.call"
    _description = "Collection Call Note"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "debtor_id"

    debtor_id = fields.Many2one(
        "res.partner", string="Debtor", required=True, index=True, check_company=True,
        domain="[('is_company', '=', True)]")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    client_ids = fields.Many2many(
        "res.partner", "factoring_collection_call_client_rel", "call_id", "client_id",
        string="Clients Concerned", readonly=True,
        help="Clients whose factored invoices the debtor owed when the call was logged.")
    user_id = fields.Many2one(
        "res.users", string="Logged by", required=True, index=True,
        default=lambda self: self.env.user)
    collector_id = fields.Many2one(
        related="debtor_id.factoring_collector_id", string="Current Collector")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    contact_id = fields.Many2one(
        "res.partner", string="Contact Reached",
        domain="[('parent_id', '=', debtor_id)]",
        help="The debtor's contact person spoken to (normally an accounts-payable contact).")
    outcome = fields.Selection(OUTCOMES, required=True, default="reached")
    note = fields.Text()
    next_step_date = fields.Date(
        help="A to-do activity is scheduled on the debtor for its collector on this date.")
    activity_id = fields.Many2one("mail.activity", string="Next Step", readonly=True)
    promise_ids = fields.One2many("factoring.promise", "call_id", string="Promises")

    @api.constrains("contact_id", "debtor_id")
    def _check_contact(self):
        for call in self:
            if call.contact_id and call.contact_id.commercial_partner_id != \
                    call.debtor_id.commercial_partner_id:
                raise ValidationError(self.env._(
                    "Call on %(debtor)s: %(contact)s is not a contact of this debtor.",
                    debtor=call.debtor_id.display_name, contact=call.contact_id.display_name))

    @api.model_create_multi
    def create(self, vals_list):
        check_collector(self.env, self.env._("log collection calls"))
        for vals in vals_list:
            if "activity_id" in vals or "client_ids" in vals:
                raise UserError(self.env._(
                    "The clients concerned and the next-step activity of a call note are "
                    "set by the call itself."))
            if vals.get("user_id", self.env.uid) != self.env.uid and not is_supervisor(self.env):
                raise AccessError(self.env._(
                    "A call note is logged under its author's name; you cannot log one "
                    "for another user."))
        calls = super().create(vals_list)
        calls._set_clients()
        calls.filtered("next_step_date")._schedule_next_step()
        return calls

    def write(self, vals):
        if set(vals) & set(FIXED_FIELDS + ("activity_id", "client_ids")):
            raise UserError(self.env._(
                "%(calls)s: the debtor, author, date and company of a call note stay as "
                "logged.", calls=", ".join(self[:5].mapped("display_name"))))
        if not is_supervisor(self.env) and self.filtered(lambda c: c.user_id != self.env.user):
            raise AccessError(self.env._("You can only edit your own call notes."))
        res = super().write(vals)
        if vals.get("next_step_date"):
            self._schedule_next_step()
        return res

    def _set_clients(self):
        """Clients of the debtors' open factored items, one query for all calls."""
        if not self:
            return
        self.env["account.move.line"].flush_model(
            ["partner_id", "factoring_client_id", "reconciled", "parent_state", "company_id"])
        self.env.execute_query(SQL(
            """
            INSERT INTO factoring_collection_call_client_rel (call_id, client_id)
            SELECT DISTINCT c.id, aml.factoring_client_id
              FROM factoring_collection_call c
              JOIN res_partner p ON p.commercial_partner_id = c.debtor_id
              JOIN account_move_line aml ON aml.partner_id = p.id
                   AND aml.company_id = c.company_id
             WHERE c.id = ANY(%s) AND aml.factoring_client_id IS NOT NULL
               AND aml.reconciled IS NOT TRUE AND aml.parent_state = 'posted'
            ON CONFLICT DO NOTHING
            """, self.ids))
        self.invalidate_recordset(["client_ids"])

    def _schedule_next_step(self):
        for call in self:
            user = call.debtor_id.factoring_collector_id or call.user_id
            if call.activity_id:
                call.activity_id.sudo().date_deadline = call.next_step_date
                continue
            activity = call.debtor_id.sudo().activity_schedule(
                "mail.mail_activity_data_todo", date_deadline=call.next_step_date,
                summary=self.env._("Next step after call of %s",
                                   format_date(self.env, call.date)),
                note=call.note or "", user_id=user.id)
            super(FactoringCollectionCall, call.sudo()).write({"activity_id": activity.id})
        return True

    def action_record_promise(self):
        """Open a new promise to pay from this call."""
        self.ensure_one()
        check_collector(self.env, self.env._("record promises to pay"))
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "res_model": "factoring.promise",
            "view_mode": "form",
            "target": "new",
            "context": {"default_debtor_id": self.debtor_id.id, "default_call_id": self.id},
        }
