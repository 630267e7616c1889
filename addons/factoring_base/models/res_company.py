from odoo import _, fields, models
from odoo.exceptions import UserError

# (field, code, name, account_type) of the accounts a factoring company needs.
FACTORING_ACCOUNTS = [
    ("factoring_receivable_account_id", "121900", "Factored receivables", "asset_receivable"),
    ("factoring_client_account_id", "289100", "Factoring clients' current accounts",
     "liability_current"),
    ("factoring_advance_account_id", "289200", "Advances payable to factoring clients",
     "liability_payable"),
    ("factoring_fee_account_id", "706900", "Factoring fee income", "income_other"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    factoring_journal_id = fields.Many2one(
        "account.journal",
        string="Factoring Journal",
        domain="[('type', '=', 'general'), ('company_id', '=', id)]",
        help="Journal in which funded assignment schedules and factoring fees are posted.",
    )
    factoring_receivable_account_id = fields.Many2one(
        "account.account",
        string="Factored Receivables Account",
        domain="[('account_type', '=', 'asset_receivable')]",
        help="Receivable account of the invoices bought from factoring clients "
        "(partner = debtor).",
    )
    factoring_client_account_id = fields.Many2one(
        "account.account",
        string="Client Current Account",
        domain="[('account_type', 'in', ('liability_current', 'liability_payable'))]",
        help="Account that holds what the factor owes each client: the purchase price "
        "of the invoices, less advances and fees, i.e. the reserve.",
    )
    factoring_advance_account_id = fields.Many2one(
        "account.account",
        string="Advances Payable Account",
        domain="[('account_type', '=', 'liability_payable')]",
        help="Payable account of the advances owed to clients; pay them with Odoo's "
        "vendor payments.",
    )
    factoring_fee_account_id = fields.Many2one(
        "account.account",
        string="Factoring Fee Income Account",
        domain="[('account_type', 'in', ('income', 'income_other'))]",
    )

    def _factoring_setup_accounting(self):
        """Create the factoring journal and accounts where they are missing.
        Idempotent: configured values are kept."""
        Account = self.env["account.account"].sudo()
        for company in self:
            vals = {}
            if not company.factoring_journal_id:
                journal = self.env["account.journal"].sudo().search(
                    [("code", "=", "FACT"), ("company_id", "=", company.id)], limit=1
                ) or self.env["account.journal"].sudo().create({
                    "name": _("Factoring"),
                    "code": "FACT",
                    "type": "general",
                    "company_id": company.id,
                })
                vals["factoring_journal_id"] = journal.id
            for field_name, code, name, account_type in FACTORING_ACCOUNTS:
                if company[field_name]:
                    continue
                account = Account.with_company(company).search(
                    [("code", "=", code), ("company_ids", "in", company.root_id.id)], limit=1
                ) or Account.with_company(company).create({
                    "name": name,
                    "code": code,
                    "account_type": account_type,
                    "reconcile": account_type != "income_other",
                    "company_ids": [fields.Command.set(company.root_id.ids)],
                })
                vals[field_name] = account.id
            if vals:
                company.sudo().write(vals)

    def _factoring_check_accounting(self):
        self.ensure_one()
        missing = [
            self._fields[name].string
            for name in ("factoring_journal_id", *(a[0] for a in FACTORING_ACCOUNTS))
            if not self[name]
        ]
        if missing:
            raise UserError(_(
                "Company %(company)s has no factoring accounting configured (%(missing)s). "
                "Set it in Factoring > Configuration > Settings.",
                company=self.display_name, missing=", ".join(missing),
            ))
