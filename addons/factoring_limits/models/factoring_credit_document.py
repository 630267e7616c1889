from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from odoo.addons.factoring_base.models.factoring_guard import check_groups
from odoo.addons.factoring_base.models.res_company_day import factoring_today

ANALYST_GROUP = "factoring_base.group_factoring_credit_analyst"
DOCUMENT_TYPES = [
    ("credit_application", "Credit Application"),
    ("agency_report", "Agency Credit Report"),
    ("financial_statements", "Financial Statements"),
    ("kyc", "KYC"),
    ("insurance_policy", "Insurance Policy"),
]
# Types that are valid for a time only: their expiry date is required.
EXPIRING_TYPES = ("agency_report", "financial_statements", "kyc", "insurance_policy")


class FactoringCreditDocument(models.Model):
    """A credit document of a client or debtor (credit analysts own them)."""

    _name = "factoring.credit.document"
    _description = "Credit Document"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "expiry_date, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    doc_type = fields.Selection(
        DOCUMENT_TYPES, string="Type", required=True, tracking=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Partner", required=True, index=True, tracking=True,
        check_company=True, ondelete="restrict")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    date = fields.Date(required=True, default=factoring_today, tracking=True)
    expiry_date = fields.Date(tracking=True, index=True)
    agency = fields.Char(help="The agency or author of the report.")
    score = fields.Float(tracking=True, help="Score given by the agency.")
    rating = fields.Char(tracking=True, help="Rating given by the agency.")
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments")
    note = fields.Text()
    state = fields.Selection(
        [("valid", "Valid"), ("expiring", "Expiring"), ("expired", "Expired")],
        compute="_compute_state", search="_search_state")
    analyst_id = fields.Many2one(related="partner_id.factoring_credit_analyst_id",
                                 string="Credit Analyst")

    @api.depends("expiry_date")
    @api.depends_context("company")
    def _compute_state(self):
        today = self.env.company._factoring_today()
        for document in self:
            days = document.company_id.factoring_limit_document_days
            if document.expiry_date and document.expiry_date < today:
                document.state = "expired"
            elif document.expiry_date and document.expiry_date <= today + timedelta(days=days):
                document.state = "expiring"
            else:
                document.state = "valid"

    def _search_state(self, operator, value):
        if operator not in ("=", "in"):
            return NotImplemented
        values = [value] if operator == "=" else list(value)
        today = self.env.company._factoring_today()
        soon = today + timedelta(days=self.env.company.factoring_limit_document_days)
        domains = {
            "expired": [("expiry_date", "<", today)],
            "expiring": [("expiry_date", ">=", today), ("expiry_date", "<=", soon)],
            "valid": ["|", ("expiry_date", "=", False), ("expiry_date", ">", soon)],
        }
        result = []
        for state in values:
            result = ["|", *result, *domains[state]] if result else domains[state]
        return result or [("id", "=", 0)]

    @api.constrains("doc_type", "date", "expiry_date")
    def _check_dates(self):
        labels = dict(DOCUMENT_TYPES)
        for document in self:
            if document.doc_type in EXPIRING_TYPES and not document.expiry_date:
                raise ValidationError(self.env._(
                    "Credit document %(doc)s: an expiry date is required for a document of type %(type)s.",
                    doc=document.name, type=labels[document.doc_type]))
            if document.expiry_date and document.expiry_date < document.date:
                raise ValidationError(self.env._(
                    "Credit document %(doc)s: it expires (%(expiry)s) before its date (%(date)s).",
                    doc=document.name, expiry=format_date(self.env, document.expiry_date),
                    date=format_date(self.env, document.date)))

    def _check_rights(self):
        check_groups(self.env, (ANALYST_GROUP,), self.env._("manage credit documents"))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_rights()
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) - {"message_main_attachment_id"}:
            self._check_rights()
        return super().write(vals)

    def unlink(self):
        self._check_rights()
        return super().unlink()

    @api.model
    def _schedule_expiry_activities(self, today=None):
        """An activity for the partner's analyst on every document expiring within
        its company's warning days (or expired) that has none yet. Idempotent."""
        activity_type = self.env.ref("factoring_limits.mail_activity_document_expiring")
        documents = self.browse()
        for company in self.env["res.company"].sudo().search(
                [("factoring_limit_document_days", ">=", 0)]):
            soon = (today or company._factoring_today()) + timedelta(
                days=company.factoring_limit_document_days)
            documents |= self.sudo().search([
                ("company_id", "=", company.id), ("expiry_date", "!=", False),
                ("expiry_date", "<=", soon)])
        if not documents:
            return documents
        existing = set(self.env["mail.activity"].sudo().search([
            ("res_model", "=", self._name), ("res_id", "in", documents.ids),
            ("activity_type_id", "=", activity_type.id)]).mapped("res_id"))
        todo = documents.filtered(lambda rec: rec.id not in existing)
        for document in todo:
            user = document.analyst_id or self.env.ref("base.user_admin")
            document.activity_schedule(
                "factoring_limits.mail_activity_document_expiring", user_id=user.id,
                date_deadline=document.expiry_date,
                summary=self.env._("Renew %(doc)s of %(partner)s (expires %(date)s)",
                                   doc=document.name, partner=document.partner_id.display_name,
                                   date=format_date(self.env, document.expiry_date)))
        return todo
