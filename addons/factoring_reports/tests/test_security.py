from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ReportsCommon

REPORT_MODELS = (
    "factoring.item.report", "factoring.aging.report", "factoring.concentration.report")
# adoption, contact and trend rows: read-only, one company rule each
HISTORY_MODELS = (
    "factoring.adoption.report", "factoring.adoption.alert", "factoring.report.snapshot")
OWN_MODELS = set(REPORT_MODELS) | set(HISTORY_MODELS) | {
    "factoring.aging.wizard", "factoring.kpi.wizard", "factoring.kpi.line",
    "factoring.kpi.line.month",
    "factoring.contact.gap.report", "factoring.snapshot.wizard"}
ALL_READERS = ("credit_analyst", "credit_manager", "supervisor", "operations", "manager")


@tagged("post_install", "-at_install")
class TestReportSecurity(ReportsCommon):
    """Who reads which report rows; report models refuse every change; other
    companies stay out. Items: a factored invoice of the client (debtor B) and
    an own invoice of debtor A (collected by the collector)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fund([{"invoice_number": "SEC-1", "debtor_id": cls.debtor_b.id}],
                 schedule_date=date(2026, 10, 1))
        cls.own = cls.make_invoice(cls.debtor_a, 500, date(2026, 10, 1), date(2026, 10, 31))
        cls.factored = cls.env["account.move.line"].search([
            ("factoring_client_id", "=", cls.client.id), ("name", "=", "SEC-1")])
        # another company with an own invoice, invisible to our users
        cls.other_company = cls.env["res.company"].create({"name": "Other Factor"})
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.other_company, install_demo=False)
        cls.env["account.move"].with_company(cls.other_company).with_context(
            allowed_company_ids=cls.other_company.ids).create({
                "move_type": "out_invoice", "partner_id": cls.debtor_a.id,
                "invoice_date": date(2026, 10, 1),
                "invoice_line_ids": [Command.create({
                    "name": "Other", "quantity": 1, "price_unit": 777,
                    "tax_ids": [Command.clear()]})],
            }).action_post()

    def visible(self, role, model):
        records = self.env[model].with_user(self.users[role]).with_context(
            factoring_aging_date="2026-11-30").search([])
        return set(records.mapped("move_line_id").ids)

    def test_management_and_credit_roles_read_everything(self):
        expected = {self.factored.id, self.own.id}
        for role in ALL_READERS:
            for model in ("factoring.item.report", "factoring.aging.report"):
                with self.subTest(role=role, model=model):
                    self.assertEqual(self.visible(role, model), expected)

    def test_client_manager_and_collector_read_their_portfolio(self):
        for model in ("factoring.item.report", "factoring.aging.report"):
            with self.subTest(model=model):
                # the client's manager: the client's factored item only
                self.assertEqual(self.visible("client_manager", model), {self.factored.id})
                # debtor A's collector: the own invoice on debtor A only
                self.assertEqual(self.visible("collector", model), {self.own.id})

    def test_other_company_stays_out(self):
        """Our users work in the test company only; the superuser with both
        companies allowed sees the other company's 777 too."""
        both = self.env["factoring.aging.report"].with_context(
            allowed_company_ids=(self.company | self.other_company).ids,
            factoring_aging_date="2026-11-30").search(
                [("company_id", "in", (self.company | self.other_company).ids)])
        self.assertIn(777, both.mapped("residual"))
        manager = self.users["manager"]
        manager.company_ids = [Command.link(self.other_company.id)]
        rows = self.env["factoring.aging.report"].with_user(manager).with_context(
            allowed_company_ids=self.company.ids,
            factoring_aging_date="2026-11-30").search([])
        self.assertNotIn(777, rows.mapped("residual"))
        self.assertEqual(rows.company_id, self.company)
        # KPIs over the same rules
        [result] = self.env["factoring.kpi"].with_user(manager).with_context(
            allowed_company_ids=self.company.ids).get_kpis("2026-10-01", "2026-10-31")
        self.assertAlmostEqual(result["ending_ar"], 1500)

    def test_report_models_refuse_changes_for_every_role(self):
        for model in REPORT_MODELS:
            row = self.env[model].with_context(factoring_aging_date="2026-11-30").search(
                [("company_id", "=", self.company.id)], limit=1)
            self.assertTrue(row, model)
            for role, user in self.users.items():
                with self.subTest(model=model, role=role):
                    with self.assertRaises(UserError):
                        self.env[model].with_user(user).create({})
                    with self.assertRaises(UserError):
                        row.with_user(user).write({"company_id": self.company.id})
                    with self.assertRaises(UserError):
                        row.with_user(user).unlink()

    def test_users_outside_factoring_read_nothing(self):
        outsider = new_test_user(self.env, login="rep_outsider", groups="base.group_user",
                                 company_id=self.company.id)
        for model in (*REPORT_MODELS, *HISTORY_MODELS, "factoring.contact.gap.report"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(outsider).search([])
        with self.assertRaises(AccessError):
            self.env["factoring.kpi"].with_user(outsider).get_kpis("2026-10-01", "2026-10-31")
        wizard = self.env["factoring.aging.wizard"].create({"date": date(2026, 11, 30)})
        with self.assertRaises(AccessError):
            wizard.with_user(outsider).action_open()
        with self.assertRaises(AccessError):
            wizard.with_user(outsider).action_export_xlsx()

    def test_every_model_has_access_rules_and_company_rules(self):
        models = self.env["ir.model"].search([]).filtered(
            lambda m: "factoring_reports" in (m.modules or "").split(", ")
            and m.model.startswith("factoring.") and not self.env[m.model]._abstract)
        self.assertEqual(set(models.mapped("model")), OWN_MODELS)
        Access = self.env["ir.model.access"]
        for model in models:
            with self.subTest(model=model.model):
                self.assertTrue(Access.search_count([("model_id", "=", model.id)]))
        for model in (*REPORT_MODELS, *HISTORY_MODELS):
            with self.subTest(model=model):
                rules = self.env["ir.rule"].search([("model_id.model", "=", model)])
                self.assertIn(
                    "[('company_id', 'in', company_ids)]",
                    rules.filtered(lambda r: not r.groups).mapped("domain_force"))

        # partners may be shared between companies: the contact list keeps those
        rules = self.env["ir.rule"].search(
            [("model_id.model", "=", "factoring.contact.gap.report"), ("groups", "=", False)])
        self.assertEqual(rules.domain_force,
                         "['|', ('company_id', '=', False), ('company_id', 'in', company_ids)]")
