from odoo import fields, models
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
        for company in self:
            vals = {}
            if not company.factoring_journal_id:
                Journal = self.env["account.journal"].sudo()
                journal = Journal.search([
                    ("code", "=", "FACT"), ("type", "=", "general"),
                    ("company_id", "=", company.id)], limit=1)
                if not journal:
                    taken = Journal.search_count(
                        [("code", "=", "FACT"), ("company_id", "=", company.id)])
                    journal = Journal.create({
                        "name": self.env._("Factoring"),
                        "code": "FCTR" if taken else "FACT",
                        "type": "general",
                        "company_id": company.id,
                    })
                vals["factoring_journal_id"] = journal.id
            for field_name, code, name, account_type in FACTORING_ACCOUNTS:
                if company[field_name]:
                    continue
                account = company._factoring_find_or_create_account(
                    code, name, account_type)
                vals[field_name] = account.id
            if vals:
                company.sudo().write(vals)

    def _factoring_find_or_create_account(self, code, name, account_type):
        """Reuse the account with this code when it is of the right type; when
        the chart already uses the code for another kind of account, take the
        next free code rather than posting factoring items on it."""
        self.ensure_one()
        Account = self.env["account.account"].sudo().with_company(self)
        domain = [("company_ids", "in", self.root_id.id)]
        candidate = int(code)
        while True:
            existing = Account.search(domain + [("code", "=", str(candidate))], limit=1)
            if not existing:
                return Account.create({
                    "name": name,
                    "code": str(candidate),
                    "account_type": account_type,
                    "reconcile": account_type != "income_other",
                    "company_ids": [fields.Command.set(self.root_id.ids)],
                })
            if existing.account_type == account_type:
                return existing
            candidate += 1

    def _factoring_check_accounting(self):
        self.ensure_one()
        missing = [
            self._fields[name].string
            for name in ("factoring_journal_id", *(a[0] for a in FACTORING_ACCOUNTS))
            if not self[name]
        ]
        if missing:
            raise UserError(self.env._(
                "Company %(company)s has no factoring accounting configured (%(missing)s). "
                "Set it in Factoring > Configuration > Settings.",
                company=self.display_name, missing=", ".join(missing),
            ))
