from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user, tagged

from .common import LimitsCommon

ORM_METHODS = {"create", "write", "unlink", "copy", "default_get"}
OWN_MODELS = {
    "factoring.limit", "factoring.limit.rule", "factoring.limit.approval",
    "factoring.credit.document", "factoring.credit.insurance", "factoring.limit.reject",
}
READ_ONLY_ROLES = ("collector", "supervisor", "operations")


@tagged("post_install", "-at_install")
class TestLimitSecurity(LimitsCommon):
    """Who may do what with limits, documents, insurance and the approval
    matrix; every forbidden path over write, create, unlink and the public
    methods raises, as each role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain_user = new_test_user(
            cls.env, login="lim_plain", groups="base.group_user", name="Plain employee",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.active = cls.active_limit("debtor", 10000.0)

    def test_read_only_roles_read_but_never_write(self):
        for role in READ_ONLY_ROLES:
            user = self.users[role]
            with self.subTest(role=role):
                self.assertEqual(self.active.with_user(user).amount, 10000.0)
                with self.assertRaises(AccessError):
                    self.Limit.with_user(user).create({
                        "scope": "debtor", "debtor_id": self.debtor_b.id, "amount": 5.0,
                        "currency_id": self.eur.id, "reason": "x"})
                with self.assertRaises(AccessError):
                    self.active.with_user(user).write({"review_date": date(2027, 1, 1)})
                with self.assertRaises(AccessError):
                    self.active.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.debtor_a.with_user(user).action_factoring_request_limit()
                with self.assertRaises(AccessError):
                    self.env["factoring.credit.document"].with_user(user).create({
                        "name": "x", "doc_type": "credit_application",
                        "partner_id": self.debtor_a.id})

    def test_client_manager_requests_only(self):
        cm = self.users["client_manager"]
        limit = self.new_limit(debtor_id=self.debtor_b.id)
        limit.with_user(cm).write({"amount": 12000.0})
        limit.with_user(cm).action_request()
        with self.assertRaises(AccessError):
            limit.with_user(cm).write({"amount": 15000.0})
        with self.assertRaises(AccessError):
            limit.with_user(cm).action_propose()
        with self.assertRaises(AccessError):
            limit.with_user(cm).action_reject("no")
        self.activate(limit)
        self.assertEqual(limit.state, "active")
        # a factoring manager who requested cannot approve his own request either
        own = self.new_limit(user=self.users["manager"], debtor_id=self.debtor_b.id)
        own.with_user(self.users["manager"]).action_request()
        own.with_user(self.users["credit_analyst"]).action_propose()
        with self.assertRaisesRegex(AccessError, "you (requested|proposed) it; someone who neither"):
            own.with_user(self.users["manager"]).action_approve()

    def test_protected_fields_refused_for_everyone(self):
        pending = self.new_limit(debtor_id=self.debtor_b.id)
        for vals in ({"state": "active"}, {"version": 9}, {"approved_date": "2026-01-01"},
                     {"requester_id": self.users["manager"].id},
                     {"funding_check_count": 5}, {"rejection_reason": "x"},
                     {"previous_id": self.active.id}, {"approvals_required": 0},
                     {"client_debtor_id": False}):
            for record in (pending.with_user(self.users["manager"]), pending.sudo(),
                           self.active.with_user(self.users["credit_manager"])):
                with self.subTest(vals=vals, user=record.env.user.login, su=record.env.su), \
                        self.assertRaises(UserError):
                    record.write(vals)
        with self.assertRaises(UserError):
            self.Limit.with_user(self.users["client_manager"]).create({
                "scope": "debtor", "debtor_id": self.debtor_b.id, "amount": 5.0,
                "currency_id": self.eur.id, "state": "active"})
        self.assertEqual(pending.state, "draft")

    def test_terms_frozen_from_the_proposal_and_history_kept(self):
        with self.assertRaisesRegex(UserError, "request a new version"):
            self.active.with_user(self.users["credit_manager"]).write({"amount": 99.0})
        with self.assertRaisesRegex(UserError, "limit history"):
            self.active.with_user(self.users["manager"]).unlink()
        self.assertEqual(self.active.amount, 10000.0)
        draft = self.new_limit(debtor_id=self.debtor_b.id)
        draft.with_user(self.users["manager"]).unlink()
        self.assertFalse(draft.exists())

    def test_approval_records_written_by_the_limit_only(self):
        for role, user in self.users.items():
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.env["factoring.limit.approval"].with_user(user).create({
                    "limit_id": self.active.id, "user_id": user.id})
            with self.subTest(role=role, how="write"), self.assertRaises(AccessError):
                self.active.approval_ids.with_user(user).write({"user_id": user.id})

    def test_approval_matrix_edited_by_credit_managers(self):
        rule = self.env.ref("factoring_limits.limit_rule_analyst")
        for role in ("credit_analyst", "client_manager", "operations", "collector"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                rule.with_user(self.users[role]).write({"amount_to": 500000.0})
        rule.with_user(self.users["credit_manager"]).write({"amount_to": 50000.0})
        self.assertEqual(rule.amount_to, 50000.0)
        self.env.ref("factoring_limits.limit_rule_credit_manager").with_user(
            self.users["credit_manager"]).write({"amount_from": 50000.0})
        limit = self.new_limit(amount=60000.0, debtor_id=self.debtor_b.id)
        limit.with_user(self.users["client_manager"]).action_request()
        limit.with_user(self.users["credit_analyst"]).action_propose()
        self.assertEqual(limit.rule_id, self.env.ref("factoring_limits.limit_rule_credit_manager"))

    def test_documents_and_insurance_by_credit_roles(self):
        Document = self.env["factoring.credit.document"]
        doc = Document.with_user(self.users["credit_analyst"]).create({
            "name": "Agency report", "doc_type": "agency_report", "partner_id": self.debtor_a.id,
            "date": date(2026, 1, 1), "expiry_date": date(2027, 1, 1)})
        for role in ("client_manager", "collector", "operations"):
            with self.subTest(role=role):
                self.assertEqual(doc.with_user(self.users[role]).name, "Agency report")
                with self.assertRaises(AccessError):
                    doc.with_user(self.users[role]).write({"score": 5.0})
                with self.assertRaises(AccessError):
                    doc.with_user(self.users[role]).unlink()
                with self.assertRaises(AccessError):
                    self.env["factoring.credit.insurance"].with_user(self.users[role]).create({
                        "partner_id": self.debtor_a.id, "insurer_id": self.debtor_b.id,
                        "policy_number": "P", "insured_amount": 1.0,
                        "date_to": date(2027, 1, 1)})

    def _public_methods(self, model):
        records = self.env[model]
        methods = set()
        for cls in type(records).__mro__:
            if not cls.__module__.startswith("odoo.addons.factoring_limits"):
                continue
            for name, value in vars(cls).items():
                if not callable(value) or name in ORM_METHODS:
                    continue
                try:
                    get_public_method(records, name)
                except AccessError:
                    continue
                methods.add(name)
        return methods

    def test_every_public_method_refuses_a_user_without_rights(self):
        draft = self.new_limit(debtor_id=self.debtor_b.id)
        requested = self.new_limit("pair")
        requested.with_user(self.users["client_manager"]).action_request()
        proposed = self.new_limit("client")
        proposed.with_user(self.users["client_manager"]).action_request()
        proposed.with_user(self.users["credit_analyst"]).action_propose()
        wizard = self.env["factoring.limit.reject"].create(
            {"limit_id": requested.id, "reason": "no"})
        calls = {
            "factoring.limit": {
                "action_request": (draft, True),
                "action_propose": (requested, True),
                "action_approve": (proposed, True),
                "action_reject": (requested, True),
                "action_open_reject": (requested, True),
                "action_new_version": (self.active, True),
            },
            "factoring.limit.reject": {"action_reject": (wizard, True)},
            "res.partner": {
                "action_factoring_request_limit": (self.debtor_a, True),
                "action_view_factoring_limits": (self.debtor_a, False),
            },
            "factoring.limit.rule": {},
            "factoring.limit.approval": {},
            "factoring.credit.document": {},
            "factoring.credit.insurance": {},
        }
        for model, methods in calls.items():
            self.assertEqual(self._public_methods(model), set(methods),
                             f"public methods of {model} covered by this test")
            for method, (record, writes) in methods.items():
                users = [self.plain_user] + ([self.users["collector"]] if writes else [])
                for user in users:
                    with self.subTest(model=model, method=method, user=user.login), \
                            self.assertRaises(AccessError):
                        args = ("reason",) if method == "action_reject" and \
                            model == "factoring.limit" else ()
                        getattr(record.with_user(user), method)(*args)
        self.assertEqual((draft.state, requested.state, proposed.state),
                         ("draft", "requested", "proposed"))

    def test_every_model_has_access_rules_and_company_rules(self):
        models = self.env["ir.model"].search([]).filtered(
            lambda m: "factoring_limits" in (m.modules or "").split(", ")
            and m.model.startswith("factoring.") and not self.env[m.model]._abstract)
        # base's agreement and schedule are extended, not defined here
        self.assertEqual(set(models.mapped("model")),
                         OWN_MODELS | {"factoring.agreement", "factoring.schedule"})
        for model in models.filtered(lambda m: m.model in OWN_MODELS):
            with self.subTest(model=model.model):
                self.assertTrue(self.env["ir.model.access"].search_count(
                    [("model_id", "=", model.id)]))
                if not self.env[model.model]._transient:
                    self.assertTrue(self.env["ir.rule"].search_count(
                        [("model_id", "=", model.id)]), "multi-company rule")

    def test_other_company_limits_stay_out(self):
        other = self.env["res.company"].create({"name": "Other Factor Limits"})
        foreign = self.Limit.with_company(other).with_context(
            allowed_company_ids=[other.id]).create({
                "scope": "debtor", "debtor_id": self.debtor_b.id, "amount": 777.0,
                "currency_id": self.eur.id, "company_id": other.id, "reason": "x"})
        for role in ("credit_manager", "manager", "collector"):
            with self.subTest(role=role):
                found = self.Limit.with_user(self.users[role]).search([])
                self.assertNotIn(foreign, found)
                self.assertIn(self.active, found)


@tagged("post_install", "-at_install")
class TestLimitVisibility(LimitsCommon):
    """Which limits each role reads (docs/domain.md, Roles: a client manager
    reads the limits of his own clients; collectors and operations read limits;
    credit roles and managers all)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_manager = new_test_user(
            cls.env, login="lim_cm_other", name="Other client manager",
            groups="factoring_base.group_factoring_client_manager",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.other_client = cls.env["res.partner"].create({
            "name": "Other Client SA", "is_company": True, "is_factoring_client": True,
            "factoring_client_manager_id": cls.other_manager.id})
        # a debtor of our client (client x debtor record), a client limit of our
        # client, a debtor limit on a debtor none of our clients sells to, and
        # the other manager's client's limit
        cls.own_debtor = cls.new_limit("debtor", 10000.0)
        cls.own_client = cls.new_limit("client", 50000.0)
        cls.foreign_debtor = cls.new_limit(
            "debtor", 7000.0, user=cls.users["credit_analyst"],
            debtor_id=cls.debtor_unapproved.id)
        cls.foreign_client = cls.new_limit(
            "client", 9000.0, user=cls.users["credit_analyst"], client_id=cls.other_client.id)
        cls.all_limits = cls.own_debtor | cls.own_client | cls.foreign_debtor | cls.foreign_client

    def visible(self, user):
        return self.Limit.with_user(user).search([("id", "in", self.all_limits.ids)])

    def test_client_manager_reads_only_own_clients_and_their_debtors(self):
        cm = self.users["client_manager"]
        self.assertEqual(self.visible(cm), self.own_debtor | self.own_client)
        self.assertEqual(self.visible(self.other_manager), self.foreign_client)
        for limit in (self.foreign_debtor, self.foreign_client):
            with self.subTest(limit=limit.name), self.assertRaises(AccessError):
                limit.with_user(cm).read(["amount"])
            with self.subTest(limit=limit.name), self.assertRaises(AccessError):
                limit.with_user(cm).write({"amount": 1.0})
            with self.subTest(limit=limit.name), self.assertRaises(AccessError):
                limit.with_user(cm).action_request()
            with self.subTest(limit=limit.name), self.assertRaises(AccessError):
                limit.with_user(cm).action_new_version()
        # nor may he request a client or pair limit for another manager's client
        with self.assertRaisesRegex(AccessError, "not its client manager"):
            self.new_limit("client", 1000.0, client_id=self.other_client.id)
        with self.assertRaisesRegex(AccessError, "not its client manager"):
            self.new_limit("pair", 1000.0, client_id=self.other_client.id)
        # a debtor limit for a debtor his client is about to sell to: he reads
        # his own request, not the other versions of that debtor's limit
        mine = self.new_limit("debtor", 1000.0, debtor_id=self.debtor_unapproved.id)
        mine.with_user(cm).action_request()
        self.assertEqual(self.Limit.with_user(cm).search(
            [("debtor_id", "=", self.debtor_unapproved.id)]), mine)
        # the debtor he manages himself: all its versions
        self.debtor_unapproved.factoring_client_manager_id = cm
        self.assertIn(self.foreign_debtor, self.visible(cm))

    def test_other_roles_read_all_limits(self):
        for role in ("collector", "supervisor", "operations", "credit_analyst",
                     "credit_manager", "manager"):
            with self.subTest(role=role):
                self.assertEqual(self.visible(self.users[role]), self.all_limits)
                self.assertEqual(
                    self.foreign_client.with_user(self.users[role]).amount, 9000.0)

    def test_manager_who_is_also_client_manager_reads_all(self):
        # the factoring manager implies the client manager group: OR-ed rules
        self.assertIn(self.env.ref("factoring_base.group_factoring_client_manager"),
                      self.users["manager"].all_group_ids)
        self.assertEqual(self.visible(self.users["manager"]), self.all_limits)
