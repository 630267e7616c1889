"""Only a real change of the rating is refused (Odoo's account tests copy
partners as accountants); the partner's factoring buttons check rights."""
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ROLE_GROUPS, FactoringCommon


@tagged("post_install", "-at_install")
class TestRatingScope(FactoringCommon):
    """Only a real change of the rating is refused outside credit risk
    (account's TestAccountMoveReconcile, TestAccountPaymentRegister and
    TestAccountPaymentMethodLine copy partners as accountants)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env, login="fact_scope_accountant",
            groups="account.group_account_manager,base.group_partner_manager",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])

    def test_copy_by_user_without_credit_group(self):
        self.debtor_b.factoring_rating = "bb"
        for user in (self.accountant, self.users["client_manager"], self.users["collector"]):
            with self.subTest(user=user.login):
                self.assertFalse(user.has_group(ROLE_GROUPS["credit_analyst"]))
                unrated = self.not_debtor.with_user(user).copy()
                self.assertFalse(unrated.factoring_rating)
                rated_copy = self.debtor_b.with_user(user).copy({"name": f"Copy {user.login}"})
                self.assertEqual(rated_copy.name, f"Copy {user.login}")
                self.assertFalse(rated_copy.factoring_rating,
                                 "a rating is credit's judgement of one partner: not copied")

    def test_writing_the_same_rating_is_no_change(self):
        self.debtor_b.factoring_rating = "bb"
        partner = self.debtor_b.with_user(self.users["client_manager"])
        partner.write({"factoring_rating": "bb", "comment": "same rating"})
        self.assertEqual(self.debtor_b.factoring_rating, "bb")
        self.not_debtor.with_user(self.accountant).write({"factoring_rating": False})
        with self.assertRaisesRegex(AccessError, "Internal Rating.*Mode Express"):
            partner.write({"factoring_rating": "b"})
        with self.assertRaisesRegex(AccessError, "Internal Rating"):
            partner.write({"factoring_rating": False})
        with self.assertRaisesRegex(AccessError, "Internal Rating"):
            self.env["res.partner"].with_user(self.users["client_manager"]).create(
                {"name": "Rated at birth", "factoring_rating": "a"})
        self.assertEqual(self.debtor_b.factoring_rating, "bb")


@tagged("post_install", "-at_install")
class TestPublicMethodRights(FactoringCommon):
    """The partner's factoring buttons check the caller's rights themselves."""

    def test_partner_actions(self):
        plain = new_test_user(
            self.env, login="fact_plain_user", groups="base.group_user",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        methods = ("action_view_factoring_agreements", "action_view_factoring_schedules",
                   "action_view_factoring_interactions", "action_view_factoring_open_items")
        for method in methods:
            with self.subTest(method=method):
                with self.assertRaisesRegex(AccessError, "Only factoring users"):
                    getattr(self.client.with_user(plain), method)()
                action = getattr(self.client.with_user(self.users["collector"]), method)()
                self.assertTrue(action["domain"])
