from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

SETTING_FIELDS = (
    "factoring_journal_id",
    "factoring_receivable_account_id",
    "factoring_client_account_id",
    "factoring_advance_account_id",
    "factoring_fee_account_id",
)
# the kinds of account each setting accepts (as the company fields' domains)
ACCOUNT_TYPES = {
    "factoring_receivable_account_id": ("asset_receivable",),
    "factoring_client_account_id": ("liability_current", "liability_payable"),
    "factoring_advance_account_id": ("liability_payable",),
    "factoring_fee_account_id": ("income", "income_other"),
}


class FactoringSettings(models.TransientModel):
    """The factoring configuration of one company, for Factoring Managers.

    Odoo's res.config.settings needs the Settings (system) group; a Factoring
    Manager is not necessarily an administrator, so the Factoring menu opens
    this form instead. Saving is checked on the server (manager group, the
    company's own journal, accounts of the right type) and written as
    superuser, since managers have no right to write companies."""

    _name = "factoring.settings"
    _description = "Factoring Settings"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True,
        default=lambda self: self.env.company)
    factoring_journal_id = fields.Many2one(
        "account.journal", string="Factoring Journal",
        domain="[('type', '=', 'general'), ('company_id', 'parent_of', company_id)]")
    factoring_receivable_account_id = fields.Many2one(
        "account.account", string="Factored Receivables Account",
        domain="[('account_type', '=', 'asset_receivable'),"
        " ('company_ids', 'parent_of', company_id)]")
    factoring_client_account_id = fields.Many2one(
        "account.account", string="Client Current Account",
        domain="[('account_type', 'in', ('liability_current', 'liability_payable')),"
        " ('company_ids', 'parent_of', company_id)]")
    factoring_advance_account_id = fields.Many2one(
        "account.account", string="Advances Payable Account",
        domain="[('account_type', '=', 'liability_payable'),"
        " ('company_ids', 'parent_of', company_id)]")
    factoring_fee_account_id = fields.Many2one(
        "account.account", string="Factoring Fee Income Account",
        domain="[('account_type', 'in', ('income', 'income_other')),"
        " ('company_ids', 'parent_of', company_id)]")

    @api.model
    def _factoring_check_manager(self):
        if not self.env.su and not self.env.user.has_group(
                "factoring_base.group_factoring_manager"):
            raise AccessError(self.env._("Only Factoring Managers may change the factoring settings."))

    @api.model
    def default_get(self, fields):
        values = super().default_get(fields)
        company = self.env["res.company"].browse(
            values.get("company_id") or self.env.company.id).sudo()
        for name in SETTING_FIELDS:
            if name in fields and company[name]:
                values[name] = company[name].id
        return values

    @api.model_create_multi
    def create(self, vals_list):
        self._factoring_check_manager()
        wizards = super().create(vals_list)
        wizards._factoring_check_company()
        return wizards

    def _factoring_check_values(self):
        """The journal and accounts must belong to the company (or its root, for
        branches) and be of the kind each setting needs."""
        self.ensure_one()
        company = self.company_id
        companies = company.parent_ids
        errors = []
        journal = self.factoring_journal_id
        if journal and (journal.type != "general" or journal.company_id not in companies):
            errors.append(self.env._("Journal %(journal)s is not a miscellaneous journal of %(company)s.",
                            journal=journal.display_name, company=company.display_name))
        for name, types in ACCOUNT_TYPES.items():
            account = self[name]
            if account and (account.account_type not in types
                            or not account.company_ids & companies):
                errors.append(self.env._(
                    "%(setting)s: account %(account)s is not a %(types)s account of %(company)s.",
                    setting=self._fields[name].string, account=account.display_name,
                    types=" / ".join(types), company=company.display_name))
        if errors:
            raise ValidationError("\n".join(errors))

    def _factoring_check_company(self):
        for wizard in self:
            if wizard.company_id not in self.env.user.company_ids:
                raise AccessError(self.env._(
                    "You may not configure factoring for company %(company)s.",
                    company=wizard.company_id.display_name))

    def action_save(self):
        self._factoring_check_manager()
        self._factoring_check_company()
        for wizard in self:
            wizard._factoring_check_values()
            wizard.company_id.sudo().write({name: wizard[name].id for name in SETTING_FIELDS})
        return {"type": "ir.actions.act_window_close"}

    def action_factoring_setup_accounting(self):
        """Create the missing journal and accounts, then show them."""
        self._factoring_check_manager()
        self.ensure_one()
        self._factoring_check_company()
        self.company_id.sudo()._factoring_setup_accounting()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_base.action_factoring_settings")
