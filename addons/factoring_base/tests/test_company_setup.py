from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..models.res_company import FACTORING_ACCOUNTS


@tagged("post_install", "-at_install")
class TestCompanySetup(TransactionCase):
    """Every company with a chart of accounts gets the factoring journal and
    accounts, whether it existed at installation or got its chart later."""

    def test_new_company_gets_factoring_accounting_with_its_chart(self):
        company = self.env["res.company"].create({"name": "Later Factor"})
        self.assertFalse(company.factoring_journal_id)
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False)
        self.assertEqual(company.factoring_journal_id.type, "general")
        self.assertEqual(company.factoring_journal_id.company_id, company)
        for field_name, code, _name, account_type in FACTORING_ACCOUNTS:
            account = company[field_name]
            self.assertEqual(account.with_company(company).code, code, field_name)
            self.assertEqual(account.account_type, account_type, field_name)
        self.assertTrue(company.factoring_receivable_account_id.reconcile)
        # nothing missing: funding would not complain
        company._factoring_check_accounting()

    def test_setup_is_idempotent_and_keeps_configuration(self):
        company = self.env["res.company"].create({"name": "Configured Factor"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False)
        before = {f: company[f] for f, *_rest in FACTORING_ACCOUNTS}
        journal = company.factoring_journal_id
        company._factoring_setup_accounting()
        self.assertEqual({f: company[f] for f in before}, before)
        self.assertEqual(company.factoring_journal_id, journal)

    def test_code_used_by_another_kind_of_account_is_not_reused(self):
        company = self.env["res.company"].create({"name": "Clashing Chart"})
        clash = self.env["account.account"].with_company(company).create({
            "name": "Buildings", "code": FACTORING_ACCOUNTS[0][1],
            "account_type": "asset_fixed", "company_ids": [(6, 0, company.ids)]})
        company._factoring_setup_accounting()
        receivable = company.factoring_receivable_account_id
        self.assertNotEqual(receivable, clash)
        self.assertEqual(receivable.account_type, "asset_receivable")
        self.assertEqual(receivable.with_company(company).code,
                         str(int(FACTORING_ACCOUNTS[0][1]) + 1))

    def test_missing_configuration_is_named(self):
        company = self.env["res.company"].create({"name": "Unconfigured Factor"})
        with self.assertRaisesRegex(UserError, "Unconfigured Factor"):
            company._factoring_check_accounting()
