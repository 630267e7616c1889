from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user, tagged

from .common import DisputesCommon

OPENERS = {"collector", "client_manager", "supervisor", "manager"}
ORM_METHODS = {"create", "write", "unlink", "copy", "default_get"}


@tagged("post_install", "-at_install")
class TestDisputeSecurity(DisputesCommon):
    """Who opens, works, resolves, approves and configures disputes; every
    forbidden path through write/create/unlink and the public methods."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain_user = new_test_user(
            cls.env, login="dsp_plain", groups="base.group_user", name="Plain employee",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.collector_2 = new_test_user(
            cls.env, login="dsp_collector_2", name="Other collector",
            groups="factoring_base.group_factoring_collector",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])

    def test_who_opens_disputes(self):
        for role, user in self.users.items():
            with self.subTest(role=role):
                if role in OPENERS:
                    dispute = self.open_dispute([(self.own, 10.0)], user=user)
                    self.assertEqual(dispute.create_uid, user)
                    dispute.sudo().action_reject()
                else:
                    with self.assertRaises(AccessError):
                        self.open_dispute([(self.own, 10.0)], user=user)
        with self.assertRaises(AccessError):
            self.open_dispute([(self.own, 10.0)], user=self.plain_user)

    def test_every_role_reads_disputes(self):
        dispute = self.open_dispute([(self.item1, 10.0)])
        for role, user in self.users.items():
            with self.subTest(role=role):
                self.assertEqual(
                    self.env["factoring.dispute"].with_user(user).search(
                        [("id", "=", dispute.id)]), dispute)
        with self.assertRaises(AccessError):
            dispute.with_user(self.plain_user).read(["name"])

    def test_only_owner_or_supervisor_works_a_dispute(self):
        dispute = self.open_dispute([(self.item1, 100.0)])  # owner: the collector
        other = self.collector_2
        with self.assertRaises(AccessError):
            dispute.with_user(other).write({"subject": "hijacked"})
        with self.assertRaises(AccessError):
            dispute.line_ids.with_user(other).write({"amount": 1.0})
        with self.assertRaises(AccessError):
            self.env["factoring.dispute.line"].with_user(other).create({
                "dispute_id": dispute.id, "move_line_id": self.item2.id, "amount": 5.0})
        with self.assertRaises(AccessError):
            dispute.line_ids.with_user(other).unlink()
        for method in ("action_reject", "action_close", "action_open_resolve_wizard"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(dispute.with_user(other), method)()
        with self.assertRaises(AccessError):
            dispute.with_user(other)._factoring_resolve("rejected", {dispute.line_ids: 1.0})
        for role in ("operations", "credit_analyst", "client_manager"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                dispute.with_user(self.users[role]).action_reject()
        self.assertEqual((dispute.state, dispute.subject, dispute.line_ids.amount),
                         ("open", False, 100.0))
        dispute.with_user(self.users["supervisor"]).write({"user_id": other.id})
        dispute.with_user(other).write({"subject": "now mine"})
        dispute.with_user(other).action_reject()
        self.assertEqual(dispute.state, "rejected")

    def test_unlink_only_manager_and_unworked(self):
        dispute = self.open_dispute([(self.item1, 100.0)])
        for role in ("collector", "supervisor", "client_manager"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                dispute.with_user(self.users[role]).unlink()
        worked = self.open_dispute([(self.item2, 100.0)])
        worked.with_user(self.users["collector"]).action_reject()
        with self.assertRaisesRegex(UserError, "has resolutions"):
            worked.with_user(self.users["manager"]).unlink()
        dispute.with_user(self.users["manager"]).unlink()
        self.assertFalse(self.item1.factoring_on_hold, "deleting the dispute lifts its hold")

    def test_resolutions_are_never_written_directly(self):
        dispute = self.open_dispute([(self.item1, 100.0)])
        resolution = dispute.with_user(self.users["collector"])._factoring_resolve(
            "rejected", {dispute.line_ids: 40.0})
        Resolution = self.env["factoring.dispute.resolution"]
        for user in (self.users["manager"], self.users["supervisor"]):
            with self.assertRaises(UserError):
                Resolution.with_user(user).create({
                    "dispute_id": dispute.id, "line_id": dispute.line_ids.id,
                    "kind": "write_off", "amount": 60.0})
            with self.assertRaises(UserError):
                resolution.with_user(user).write({"amount": 100.0})
            with self.assertRaises(AccessError):
                resolution.with_user(user).unlink()
        with self.assertRaisesRegex(UserError, "Resolve action"):
            Resolution.sudo().create({
                "dispute_id": dispute.id, "line_id": dispute.line_ids.id,
                "kind": "write_off", "amount": 60.0})
        with self.assertRaisesRegex(UserError, "own actions"):
            resolution.sudo().write({"amount": 100.0})
        self.assertEqual(resolution.amount, 40.0)

    def test_protected_fields_refused_on_create(self):
        for vals in ({"state": "resolved"}, {"date_closed": "2026-11-01"},
                     {"escalated_date": "2026-11-01"},
                     {"stage_id": self.env.ref("factoring_disputes.stage_resolved").id}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                self.open_dispute([(self.item1, 10.0)], **vals)

    def test_configuration_by_managers_only(self):
        reason = self.env.ref("factoring_disputes.reason_other")
        stage = self.env.ref("factoring_disputes.stage_new")
        for role, user in self.users.items():
            if role == "manager":
                continue
            with self.subTest(role=role):
                with self.assertRaises(AccessError):
                    reason.with_user(user).write({"sla_days": 1})
                with self.assertRaises(AccessError):
                    stage.with_user(user).write({"fold": True})
                with self.assertRaises(AccessError):
                    self.env["factoring.dispute.writeoff.limit"].with_user(user).create({
                        "company_id": self.company.id, "amount": 1e9,
                        "group_id": self.env.ref("factoring_base.group_factoring_collector").id})
        reason.with_user(self.users["manager"]).write({"sla_days": 12})
        self.assertEqual(reason.sla_days, 12)

    def test_other_company_disputes_invisible(self):
        other = self.env["res.company"].create({"name": "Other Factor"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=other, install_demo=False)
        env = self.env(context=dict(self.env.context, allowed_company_ids=other.ids))
        invoice = env["account.move"].with_company(other).create({
            "move_type": "out_invoice", "partner_id": self.debtor_a.id,
            "invoice_date": "2026-10-01",
            "invoice_line_ids": [Command.create({"name": "x", "quantity": 1,
                                                 "price_unit": 50.0,
                                                 "tax_ids": [Command.clear()]})]})
        invoice.action_post()
        item = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable")
        foreign = env["factoring.dispute"].create({
            "company_id": other.id, "reason_id": self.reason.id,
            "line_ids": [Command.create({"move_line_id": item.id, "amount": 50.0})]})
        mine = self.open_dispute([(self.item1, 10.0)])
        manager = self.users["manager"]
        visible = self.env["factoring.dispute"].with_user(manager).search([])
        self.assertIn(mine, visible)
        self.assertNotIn(foreign, visible)
        with self.assertRaises(AccessError):
            foreign.with_user(manager).read(["name"])
        # the figures on the client's screen stay within the user's companies
        self.assertEqual(self.debtor_a.with_user(manager).factoring_dispute_count, 1)
        with self.assertRaisesRegex(Exception, "company"):
            self.open_dispute([(item, 10.0)], user=self.users["supervisor"],
                              company_id=self.company.id, debtor_id=self.debtor_a.id)

    # ------------------------------------------------------------------
    def _public_methods(self, model):
        records = self.env[model]
        methods = set()
        for cls in type(records).__mro__:
            if not cls.__module__.startswith("odoo.addons.factoring_disputes"):
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
        """Each public method, called by an employee without factoring role and
        (for those that change something) by a collector who does not own the
        dispute, is refused; new public methods must be added here."""
        dispute = self.open_dispute([(self.own, 500.0)])
        pending = dispute.with_user(self.users["collector"])._factoring_resolve(
            "write_off", {dispute.line_ids: 300.0}, request_approval=True)
        wizard = self.env["factoring.dispute.resolve"].with_context(
            default_dispute_id=dispute.id).create({"kind": "rejected"})
        calls = {
            "factoring.dispute": {
                "action_open_resolve_wizard": (dispute, True, ()),
                "action_reject": (dispute, True, ()),
                "action_close": (dispute, True, ()),
                "action_check_payments": (dispute, True, ()),
                "action_view_items": (dispute, False, ()),
                "action_view_moves": (dispute, False, ()),
                "message_new": (self.env["factoring.dispute"], False,
                                ({"email_from": "x@example.com", "subject": "x"},)),
            },
            "factoring.dispute.resolution": {
                "action_approve": (pending, True, ()),
                "action_refuse": (pending, True, ()),
            },
            "factoring.dispute.resolve": {
                "action_confirm": (wizard, True, ()),
            },
            "factoring.dispute.line": {},
            "factoring.dispute.reason": {},
            "factoring.dispute.stage": {},
            "factoring.dispute.writeoff.limit": {},
            "factoring.dispute.report": {
                "get_dispute_figures": (self.env["factoring.dispute.report"], False, ()),
            },
            "account.move.line": {
                "action_factoring_open_dispute": (self.item1, False, ()),
            },
            "res.partner": {
                "action_factoring_view_disputes": (self.debtor_a, False, ()),
                "action_factoring_new_dispute": (self.debtor_a, False, ()),
            },
        }
        for model, methods in calls.items():
            self.assertEqual(self._public_methods(model), set(methods),
                             f"public methods of {model} covered by this test")
            for method, (record, writes, args) in methods.items():
                users = [self.plain_user] + ([self.collector_2] if writes else [])
                for user in users:
                    with self.subTest(model=model, method=method, user=user.login), \
                            self.assertRaises(AccessError):
                        getattr(record.with_user(user), method)(*args)
        self.assertEqual(dispute.state, "open")
        self.assertEqual(pending.state, "to_approve")


@tagged("post_install", "-at_install")
class TestDisputeVisibility(DisputesCommon):
    """Who reads which disputes: a collector those of the debtors he collects
    and those he owns or opened, a client manager those of his clients,
    supervisors, operations, credit roles and managers all."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector_2 = new_test_user(
            cls.env, login="dsp_vis_collector_2", name="Other collector",
            groups="factoring_base.group_factoring_collector",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.manager_2 = new_test_user(
            cls.env, login="dsp_vis_cm_2", name="Other client manager",
            groups="factoring_base.group_factoring_client_manager",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        supervisor = cls.users["supervisor"]
        # debtor A (collected by the collector), factored for our client; the
        # supervisor owns it (not the collector, the default owner)
        cls.factored_a = cls.open_dispute(cls, [(cls.item1, 100.0)], user=supervisor,
                                          user_id=supervisor.id)
        # debtor B (no collector), factored for our client, owned by the other collector
        cls.factored_b = cls.open_dispute(cls, [(cls.item_b, 100.0)], user=supervisor,
                                          user_id=cls.collector_2.id)
        # the own invoice of debtor A: no client
        cls.own_a = cls.open_dispute(cls, [(cls.own, 100.0)], user=supervisor,
                                     user_id=supervisor.id)
        cls.all_disputes = cls.factored_a | cls.factored_b | cls.own_a

    def visible(self, user):
        return self.env["factoring.dispute"].with_user(user).search(
            [("id", "in", self.all_disputes.ids)])

    def visible_lines(self, user):
        return self.env["factoring.dispute.line"].with_user(user).search(
            [("dispute_id", "in", self.all_disputes.ids)]).dispute_id

    def test_collector_reads_own_debtors_and_own_disputes(self):
        collector = self.users["collector"]
        self.assertEqual(self.factored_a.client_id, self.client)
        self.assertFalse(self.own_a.client_id)
        self.assertEqual(self.visible(collector), self.factored_a | self.own_a)
        self.assertEqual(self.visible_lines(collector), self.factored_a | self.own_a)
        with self.assertRaises(AccessError):
            self.factored_b.with_user(collector).read(["name"])
        with self.assertRaises(AccessError):
            self.factored_b.line_ids.with_user(collector).read(["amount"])
        with self.assertRaises(AccessError):
            self.factored_b.with_user(collector).action_view_items()
        # the other collector: only the dispute he owns, and those he opens
        self.assertEqual(self.visible(self.collector_2), self.factored_b)
        opened = self.open_dispute([(self.item2, 10.0)], user=self.collector_2)
        self.assertIn(opened, self.env["factoring.dispute"].with_user(self.collector_2).search(
            [("id", "=", opened.id)]))

    def test_client_manager_reads_own_clients_disputes(self):
        cm = self.users["client_manager"]
        self.assertEqual(self.visible(cm), self.factored_a | self.factored_b)
        self.assertEqual(self.visible_lines(cm), self.factored_a | self.factored_b)
        with self.assertRaises(AccessError):
            self.own_a.with_user(cm).read(["name"])
        self.assertFalse(self.visible(self.manager_2))
        # a debtor he manages himself
        self.debtor_a.factoring_client_manager_id = self.manager_2
        self.assertEqual(self.visible(self.manager_2), self.factored_a | self.own_a)

    def test_supervisors_operations_credit_and_managers_read_all(self):
        for role in ("supervisor", "operations", "credit_analyst", "credit_manager",
                     "manager"):
            with self.subTest(role=role):
                self.assertEqual(self.visible(self.users[role]), self.all_disputes)
                self.assertEqual(self.visible_lines(self.users[role]), self.all_disputes)

    def test_reading_rules_do_not_widen_writing(self):
        # the collector reads the dispute of his debtor but works only his own
        dispute = self.factored_a.with_user(self.users["collector"])
        self.assertTrue(dispute.name)
        with self.assertRaises(AccessError):
            dispute.write({"subject": "mine now"})
        with self.assertRaises(AccessError):
            dispute.action_reject()
