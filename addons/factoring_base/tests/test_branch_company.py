"""Branches share their root's Factoring journal (account's
TestCompanyBranch.test_chart_template_loading)."""
from odoo import Command
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestBranchCompany(TransactionCase):
    """A branch shares its root company's journals, the Factoring journal too
    (account's TestCompanyBranch.test_chart_template_loading)."""
    def test_branch_shares_root_factoring_journal(self):
        root = self.env["res.company"].create({"name": "Root Factor"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=root, install_demo=False)
        branch = self.env["res.company"].create({"name": "Branch Factor", "parent_id": root.id})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=branch, install_demo=False)
        self.assertEqual(branch.root_id, root)
        Journal = self.env["account.journal"]
        root_journals = Journal.search([("company_id", "parent_of", root.id)])
        branch_journals = Journal.search([("company_id", "parent_of", branch.id)])
        self.assertIn(root.factoring_journal_id, root_journals)
        self.assertEqual(root_journals, branch_journals, "no journal of the branch's own")
        self.assertEqual(branch.factoring_journal_id, root.factoring_journal_id)
        for field in ("factoring_receivable_account_id", "factoring_client_account_id",
                      "factoring_advance_account_id", "factoring_fee_account_id"):
            self.assertEqual(branch[field], root[field], field)
        branch._factoring_check_accounting()

    def test_branch_created_with_its_root(self):
        """As Odoo's test does: branches created on a company with a chart get
        the chart in the pre-commit."""
        root = self.env["res.company"].create({"name": "Root Two"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=root, install_demo=False)
        root.write({"child_ids": [Command.create({"name": "Branch Two A"})]})
        self.env.cr.precommit.run()
        branch = root.child_ids
        self.assertTrue(branch.chart_template)
        Journal = self.env["account.journal"]
        self.assertEqual(Journal.search([("company_id", "parent_of", root.id)]),
                         Journal.search([("company_id", "parent_of", branch.id)]))
        self.assertEqual(branch.factoring_journal_id, root.factoring_journal_id)
