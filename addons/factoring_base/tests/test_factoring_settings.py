"""Factoring settings reachable by the Factoring Managers they are shown to."""
from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import FactoringCommon


@tagged("post_install", "-at_install")
class TestFactoringSettings(FactoringCommon):
    """Factoring > Configuration > Settings works for a Factoring Manager who is
    not an administrator; saving is checked on the server."""

    def test_non_admin_manager_configures(self):
        manager = self.users["manager"]
        self.assertFalse(manager.has_group("base.group_system"))
        menu = self.env.ref("factoring_base.menu_factoring_settings")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(manager)._visible_menu_ids())
        action = self.env["ir.actions.act_window"].with_user(manager)._for_xml_id(
            "factoring_base.action_factoring_settings")
        self.assertEqual(action["res_model"], "factoring.settings")
        Settings = self.env[action["res_model"]].with_user(manager)
        wizard = Settings.create({})
        self.assertEqual(wizard.company_id, self.company)
        self.assertEqual(wizard.factoring_journal_id, self.company.factoring_journal_id)
        self.assertEqual(wizard.factoring_fee_account_id, self.company.factoring_fee_account_id)
        other_income = self.env["account.account"].search([
            ("company_ids", "in", self.company.id), ("account_type", "=", "income"),
        ], limit=1)
        self.assertTrue(other_income)
        wizard.factoring_fee_account_id = other_income
        wizard.action_save()
        self.assertEqual(self.company.factoring_fee_account_id, other_income)

    def test_settings_refuse_wrong_accounts_and_roles(self):
        manager = self.users["manager"]
        wizard = self.env["factoring.settings"].with_user(manager).create({})
        payable = self.env["account.account"].search([
            ("company_ids", "in", self.company.id), ("account_type", "=", "expense")], limit=1)
        wizard.factoring_receivable_account_id = payable
        receivable_before = self.company.factoring_receivable_account_id
        with self.assertRaisesRegex(ValidationError, "Factored Receivables Account"):
            wizard.action_save()
        self.assertEqual(self.company.factoring_receivable_account_id, receivable_before)
        for role in ("operations", "credit_manager", "supervisor", "client_manager"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.env["factoring.settings"].with_user(self.users[role]).create({})
            with self.subTest(role=role), self.assertRaises(AccessError):
                wizard.with_user(self.users[role]).action_save()
        # the general settings need the system group
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(manager).create({})

    def test_setup_accounting_checks_rights(self):
        fee = self.company.factoring_fee_account_id
        self.company.factoring_fee_account_id = False
        wizard = self.env["factoring.settings"].with_user(self.users["manager"]).create({})
        with self.assertRaises(AccessError):
            wizard.with_user(self.users["operations"]).action_factoring_setup_accounting()
        self.assertFalse(self.company.factoring_fee_account_id)
        wizard.action_factoring_setup_accounting()
        self.assertEqual(self.company.factoring_fee_account_id, fee)
        admin_not_manager = new_test_user(
            self.env, login="fact_sys_only", groups="base.group_system",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        config = self.env["res.config.settings"].with_user(admin_not_manager).create({})
        with self.assertRaisesRegex(AccessError, "Factoring Managers"):
            config.action_factoring_setup_accounting()
