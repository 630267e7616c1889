from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError

from .common import CollectionsCommon

FORBIDDEN = UserError  # AccessError is a UserError


class TestCollectionsSecurity(CollectionsCommon):
    """Each role against the collections models: collectors work their own
    debtors, supervisors all, other roles read; forbidden paths raise."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.item_a = cls.make_invoice(cls.debtor_a, 1000.0, cls.today - timedelta(days=10))
        cls.item_b = cls.make_invoice(cls.debtor_b, 1000.0, cls.today - timedelta(days=10))
        Call = cls.env["factoring.collection.call"]
        cls.call_a = Call.with_user(cls.collector).create({"debtor_id": cls.debtor_a.id})
        cls.call_b = Call.with_user(cls.collector_2).create({"debtor_id": cls.debtor_b.id})
        Promise = cls.env["factoring.promise"]
        cls.promise_a = Promise.with_user(cls.collector).create({
            "debtor_id": cls.debtor_a.id, "amount": 100.0, "date": cls.today + timedelta(days=5)})
        cls.promise_b = Promise.with_user(cls.collector_2).create({
            "debtor_id": cls.debtor_b.id, "amount": 100.0, "date": cls.today + timedelta(days=5)})

    def test_collector_own_debtors_only(self):
        Call = self.env["factoring.collection.call"].with_user(self.collector)
        self.assertEqual(Call.search([]), self.call_a)
        self.assertEqual(self.env["factoring.promise"].with_user(self.collector).search([]),
                         self.promise_a)
        with self.assertRaises(AccessError):
            Call.create({"debtor_id": self.debtor_b.id})
        with self.assertRaises(AccessError):
            self.call_b.with_user(self.collector).write({"note": "x"})
        with self.assertRaises(AccessError):
            self.env["factoring.promise"].with_user(self.collector).create({
                "debtor_id": self.debtor_b.id, "amount": 10.0, "date": self.days(2)})
        with self.assertRaises(AccessError):
            self.promise_b.with_user(self.collector).action_check()
        with self.assertRaises(AccessError):
            self.promise_b.with_user(self.collector).unlink()
        # call notes are kept: a collector cannot delete one, even their own
        with self.assertRaises(AccessError):
            self.call_a.with_user(self.collector).unlink()
        # logged under one's own name only
        with self.assertRaises(AccessError):
            Call.create({"debtor_id": self.debtor_a.id, "user_id": self.collector_2.id})
        # own debtor: allowed
        self.call_a.with_user(self.collector).write({"note": "called back"})
        self.promise_a.with_user(self.collector).action_check()

    def test_other_collectors_note_not_editable(self):
        self.debtor_b.factoring_collector_id = self.collector
        with self.assertRaises(AccessError):
            self.call_b.with_user(self.collector).write({"note": "rewritten"})

    def test_supervisor_all(self):
        Call = self.env["factoring.collection.call"].with_user(self.supervisor)
        self.assertEqual(Call.search([("id", "in", (self.call_a | self.call_b).ids)]),
                         self.call_a | self.call_b)
        Call.create({"debtor_id": self.debtor_b.id})
        self.call_b.with_user(self.supervisor).write({"note": "checked"})
        self.promise_b.with_user(self.supervisor).action_check()
        with self.assertRaises(AccessError):
            self.call_b.with_user(self.supervisor).unlink()

    def test_other_roles_read_only(self):
        for role in ("client_manager", "credit_analyst", "credit_manager", "operations"):
            user = self.users[role]
            with self.subTest(role=role):
                Call = self.env["factoring.collection.call"].with_user(user)
                Promise = self.env["factoring.promise"].with_user(user)
                with self.assertRaises(FORBIDDEN):
                    Call.create({"debtor_id": self.debtor_a.id})
                with self.assertRaises(FORBIDDEN):
                    self.call_a.with_user(user).write({"note": "x"})
                with self.assertRaises(FORBIDDEN):
                    Promise.create({"debtor_id": self.debtor_a.id, "amount": 1.0,
                                    "date": self.days(2)})
                with self.assertRaises(FORBIDDEN):
                    self.promise_a.with_user(user).write({"amount": 1.0})
                with self.assertRaises(FORBIDDEN):
                    self.promise_a.with_user(user).unlink()
                with self.assertRaises(FORBIDDEN):
                    self.promise_a.with_user(user).action_check()
                with self.assertRaises(FORBIDDEN):
                    self.call_a.with_user(user).action_record_promise()
                with self.assertRaises(FORBIDDEN):
                    self.debtor_a.with_user(user).action_factoring_log_call()
                with self.assertRaises(FORBIDDEN):
                    self.debtor_a.with_user(user).action_factoring_record_promise()

    def test_credit_and_operations_read_all(self):
        for role in ("credit_analyst", "operations"):
            Call = self.env["factoring.collection.call"].with_user(self.users[role])
            self.assertEqual(Call.search([("id", "in", (self.call_a | self.call_b).ids)]),
                             self.call_a | self.call_b)

    def test_client_manager_reads_own_clients_calls(self):
        self.debtor_a.factoring_client_manager_id = self.users["client_manager"]
        Call = self.env["factoring.collection.call"].with_user(self.users["client_manager"])
        self.assertEqual(Call.search([("id", "in", (self.call_a | self.call_b).ids)]),
                         self.call_a)

    def test_protected_fields_refused_to_everyone(self):
        for field, value in (("state", "kept"), ("paid_amount", 100.0),
                             ("collector_id", self.collector_2.id)):
            with self.assertRaisesRegex(UserError, "can only be changed"):
                self.promise_a.with_user(self.supervisor).write({field: value})
            with self.assertRaisesRegex(UserError, "can only be changed"):
                self.promise_a.sudo().write({field: value})
        with self.assertRaises(UserError):
            self.call_a.with_user(self.supervisor).write({"client_ids": [Command.clear()]})

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other Factor"})
        self.supervisor.company_ids = [Command.link(other.id)]
        call = self.env["factoring.collection.call"].with_company(other).create(
            {"debtor_id": self.debtor_a.id, "company_id": other.id})
        Call = self.env["factoring.collection.call"].with_user(self.supervisor).with_context(
            allowed_company_ids=self.company.ids)
        self.assertNotIn(call, Call.search([]))
        Call = Call.with_context(allowed_company_ids=(self.company | other).ids)
        self.assertIn(call, Call.search([]))


class TestCollectionsModels(CollectionsCommon):

    def test_every_model_has_access_and_company_rules(self):
        models = self.env["ir.model"].search([("model", "like", "factoring.")]).filtered(
            lambda m: "factoring_collections" in (m.modules or "").split(", ")
            and m.model != "factoring.item.hold" and not self.env[m.model]._abstract)
        self.assertIn("factoring.dunning.run", models.mapped("model"))
        Access = self.env["ir.model.access"]
        Rule = self.env["ir.rule"]
        for model in models:
            with self.subTest(model=model.model):
                self.assertTrue(Access.search_count([("model_id", "=", model.id)]))
                if "company_id" in self.env[model.model]._fields \
                        and not self.env[model.model]._transient:
                    self.assertTrue(Rule.search_count([
                        ("model_id", "=", model.id), ("global", "=", True),
                        ("domain_force", "like", "company_ids")]),
                        f"{model.model} has no multi-company rule")
