from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    factoring_dispute_writeoff_account_id = fields.Many2one(
        "account.account", string="Dispute Write-off Account",
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="Debited by write-offs of disputed amounts (the receivable item is credited).")
    factoring_dispute_escalation_days = fields.Integer(
        string="Escalate Disputes After (days)", default=5,
        help="Days after a dispute's deadline (when its owner got an activity) before it is "
        "escalated to the collections supervisors.")
    factoring_dispute_credit_note_group_ids = fields.Many2many(
        "res.groups", "res_company_factoring_dispute_credit_note_group_rel",
        "company_id", "group_id", string="Roles Issuing Dispute Credit Notes",
        help="Who may resolve a dispute on an own invoice with a customer credit note. "
        "Empty: accounting (Invoicing: Billing) and collections supervisors.")
    factoring_dispute_recourse_group_ids = fields.Many2many(
        "res.groups", "res_company_factoring_dispute_recourse_group_rel",
        "company_id", "group_id", string="Roles Charging Disputes Back to Clients",
        help="Who may move a disputed amount of a factored item to the client's current "
        "account (recourse). Empty: operations and collections supervisors.")

    def _factoring_setup_accounting(self):
        res = super()._factoring_setup_accounting()
        self._factoring_dispute_setup_accounting()
        return res

    def _factoring_dispute_setup_accounting(self):
        """The write-off account of disputes, where it is missing (idempotent)."""
        for company in self:
            if company.factoring_dispute_writeoff_account_id or not company.chart_template:
                continue
            source = company.root_id if company.parent_id else company
            account = source.factoring_dispute_writeoff_account_id or \
                source._factoring_find_or_create_account(
                    "658900", self.env._("Disputes written off"), "expense")
            company.sudo().factoring_dispute_writeoff_account_id = account
