"""Screens that read right (issue 16, sections 2 and 3) for the limits: the
credit team lands on the limits to decide, the Clients kanban shows funds in
use and availability, the client's tab lists the debtor shares once."""
from lxml import etree

from odoo.tests import tagged

from odoo.addons.factoring_base.tests.common import FactoringCommon


@tagged("post_install", "-at_install")
class TestLimitsScreens(FactoringCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        schedule = cls.make_schedule([{"amount": 5000.0}])
        schedule.action_verify()
        schedule.action_fund()

    def test_clients_kanban_shows_the_client_limit_headroom(self):
        """Funds in use and availability are base's figures on base's part of
        the card; limits adds the client limit's headroom, the same figure as
        the client's Factoring tab."""
        kanban = self.env.ref("factoring_base.view_partner_kanban_factoring_clients")
        for role in ("client_manager", "credit_analyst", "operations"):
            with self.subTest(role=role):
                Partner = self.env["res.partner"].with_user(self.users[role])
                arch = etree.fromstring(Partner.get_views([(kanban.id, "kanban")])[
                    "views"]["kanban"]["arch"])
                slot = "//div[@name='factoring_kanban_figures_limits']"
                self.assertTrue(arch.xpath(f"{slot}//field[@name='factoring_client_headroom']"))
                self.assertFalse(arch.xpath(f"{slot}//field[@name='factoring_availability']"),
                                 "availability is shown once, by base")
                values = Partner.browse(self.client.id).web_read(
                    {"factoring_client_headroom": {}, "factoring_funds_in_use": {}})[0]
                self.assertEqual(values["factoring_client_headroom"],
                                 self.client.factoring_client_headroom)
                self.assertEqual(values["factoring_funds_in_use"], 4500.0)

    def test_debtor_shares_listed_once(self):
        """Base's Top Debtors is the one list of debtor shares on the tab."""
        for role in ("client_manager", "manager"):
            with self.subTest(role=role):
                arch = etree.fromstring(self.env["res.partner"].with_user(
                    self.users[role]).get_views([(False, "form")])["views"]["form"]["arch"])
                page = arch.xpath("//page[@name='factoring']")[0]
                shown = [node.get("name") for node in page.xpath(
                    ".//field[@name='factoring_top_debtors' or "
                    "@name='factoring_top_concentrations']")
                    if node.get("invisible") not in ("1", "True")]
                self.assertEqual(shown, ["factoring_top_debtors"])

    def test_credit_team_lands_on_limits_to_decide(self):
        if not self.env.ref("factoring_base.user_credit_analyst", raise_if_not_found=False):
            self.skipTest("no demo data")
        action = self.env.ref("factoring_limits.action_factoring_limit_to_approve")
        for xmlid in ("factoring_base.user_credit_analyst", "factoring_base.user_credit_manager"):
            with self.subTest(user=xmlid):
                self.assertEqual(self.env.ref(xmlid).action_id.id, action.id)
