from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user, tagged

from .common import FactoringCommon

SCHEDULE_ROLES = {"client_manager", "operations", "manager"}
FUNDING_ROLES = {"operations", "manager"}
CREDIT_ROLES = {"credit_analyst", "credit_manager", "manager"}
CREDIT_MANAGER_ROLES = {"credit_manager", "manager"}
# ORM methods overridden by the module: guarded by ACLs, rules and the tests below.
ORM_METHODS = {"create", "write", "unlink", "copy", "default_get"}


@tagged("post_install", "-at_install")
class TestGuards(FactoringCommon):
    """The server guards states, accounting links and transitions: every
    forbidden path is tried through the API as each role (issue 5, section 1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.funded = cls.make_schedule([
            {"invoice_number": "GRD-1"},
            {"invoice_number": "GRD-2", "debtor_id": cls.debtor_b.id, "amount": 2500.0},
        ])
        cls.funded.action_verify()
        cls.funded.action_fund()
        cls.client_2 = cls.env["res.partner"].create({
            "name": "Filature de l'Est", "is_company": True, "is_factoring_client": True})
        cls.plain_user = new_test_user(
            cls.env, login="fact_plain", groups="base.group_user", name="Plain employee",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])

    def _verified(self, number, **line):
        schedule = self.make_schedule([{"invoice_number": number, **line}])
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified")
        return schedule

    def _funded(self, number):
        schedule = self._verified(number)
        schedule.action_fund()
        self.assertEqual(schedule.state, "funded")
        return schedule

    def _items(self, schedule):
        return self.env["account.move.line"].search(
            [("factoring_schedule_line_id", "in", schedule.line_ids.ids)])

    # ------------------------------------------------------------------
    # The exploits of the issue, each through a plain write/create
    # ------------------------------------------------------------------
    def test_exploit_funded_schedule_set_verified_and_funded_again(self):
        for role in ("client_manager", "operations", "manager"):
            with self.subTest(role=role), \
                    self.assertRaisesRegex(UserError, self.funded.name):
                self.funded.with_user(self.users[role]).write({"state": "verified"})
        self.assertEqual(self.funded.state, "funded")
        with self.assertRaisesRegex(UserError, "must be verified"):
            self.funded.with_user(self.users["operations"]).action_fund()
        self.assertEqual(len(self._items(self.funded)), 2, "one item per invoice, not two")

    def test_exploit_funded_schedule_written_cancelled(self):
        with self.assertRaisesRegex(UserError, self.funded.name):
            self.funded.with_user(self.users["operations"]).write({"state": "cancelled"})
        self.assertEqual(self.funded.state, "funded")
        self.assertEqual(self.funded.move_id.state, "posted")
        self.assertFalse(self.funded.reversal_move_id)

    def test_exploit_draft_with_negative_line_written_verified(self):
        schedule = self.make_schedule([{"amount": -10.0}])
        for env_user in (self.users["client_manager"], self.users["operations"]):
            with self.subTest(user=env_user.login), \
                    self.assertRaisesRegex(UserError, schedule.name):
                schedule.with_user(env_user).write({"state": "verified"})
        with self.assertRaisesRegex(UserError, schedule.name):
            schedule.sudo().write({"state": "verified"})
        self.assertEqual(schedule.state, "draft")

    def test_exploit_funded_line_amount_number_and_due_date(self):
        line = self.funded.line_ids.filtered(lambda rec: rec.invoice_number == "GRD-1")
        for role in ("client_manager", "operations", "manager"):
            user = self.users[role]
            for vals in ({"amount": 1.0}, {"invoice_number": "GRD-1b"},
                         {"due_date": date(2027, 1, 1)}, {"debtor_id": self.debtor_b.id},
                         {"sequence": 99}):
                with self.subTest(role=role, vals=vals), \
                        self.assertRaisesRegex(UserError, self.funded.name):
                    line.with_user(user).write(vals)
        self.assertEqual(line.amount, 1000.0)
        self.assertEqual(line.invoice_number, "GRD-1")
        self.assertEqual(line.move_line_id.debit, 1000.0)

    def test_exploit_line_created_on_funded_schedule(self):
        for role in ("client_manager", "operations"):
            with self.subTest(role=role), \
                    self.assertRaisesRegex(UserError, self.funded.name):
                self.env["factoring.schedule.line"].with_user(self.users[role]).create({
                    "schedule_id": self.funded.id, "debtor_id": self.debtor_a.id,
                    "invoice_number": "GRD-NEW", "invoice_date": date(2026, 9, 1),
                    "due_date": date(2026, 11, 1), "amount": 50.0,
                    "currency_id": self.eur.id})
            with self.subTest(role=role, how="schedule"), self.assertRaises(UserError):
                self.funded.with_user(self.users[role]).write({"line_ids": [Command.create({
                    "debtor_id": self.debtor_a.id, "invoice_number": "GRD-NEW",
                    "invoice_date": date(2026, 9, 1), "due_date": date(2026, 11, 1),
                    "amount": 50.0, "currency_id": self.eur.id})]})
            with self.subTest(role=role, how="unlink"), \
                    self.assertRaisesRegex(UserError, self.funded.name):
                self.funded.line_ids[0].with_user(self.users[role]).unlink()
        self.assertEqual(self.funded.line_count, 2)

    def test_exploit_fee_fields_writable(self):
        line = self.funded.line_ids[0]
        fee_move = self.funded.move_id
        for vals in ({"paid_date": date(2026, 10, 5)}, {"fee_amount": 0.04},
                     {"fee_move_id": fee_move.id}, {"check_message": "ok"},
                     {"is_funded": False}):
            for record in (line.with_user(self.users["operations"]), line.sudo()):
                with self.subTest(vals=vals, su=record.env.su), \
                        self.assertRaisesRegex(UserError, "GRD-"):
                    record.write(vals)
        self.assertFalse(line.paid_date)
        self.assertFalse(line.fee_amount)
        self.assertTrue(line.is_funded)
        with self.assertRaisesRegex(UserError, "NEW-FEE"):
            self.env["factoring.schedule.line"].sudo().create({
                "schedule_id": self.make_schedule([]).id, "debtor_id": self.debtor_a.id,
                "invoice_number": "NEW-FEE", "invoice_date": date(2026, 9, 1),
                "due_date": date(2026, 11, 1), "amount": 50.0, "currency_id": self.eur.id,
                "fee_amount": 3.0})

    def test_exploit_terminated_agreement_activated_by_write(self):
        agreement = self._new_agreement()
        agreement.action_terminate()
        analyst = self.users["credit_analyst"]
        with self.assertRaisesRegex(UserError, agreement.name):
            agreement.with_user(analyst).write({"state": "active"})
        self.assertEqual(agreement.state, "terminated")
        with self.assertRaisesRegex(AccessError, "reset agreements to draft"):
            agreement.with_user(analyst).action_reset_draft()
        self.assertEqual(agreement.state, "terminated")
        agreement.with_user(self.users["credit_manager"]).action_reset_draft()
        self.assertEqual(agreement.state, "draft")

    # ------------------------------------------------------------------
    # Protected fields, whoever writes them
    # ------------------------------------------------------------------
    def test_schedule_protected_fields(self):
        draft = self.make_schedule([{"invoice_number": "PRT-1"}])
        values = {
            "state": "funded", "move_id": self.funded.move_id.id,
            "reversal_move_id": self.funded.move_id.id, "funded_date": date(2026, 10, 1),
            "verification_note": "all good",
        }
        for field, value in values.items():
            for record in (draft.with_user(self.users["manager"]), draft.sudo()):
                with self.subTest(field=field, su=record.env.su), \
                        self.assertRaisesRegex(UserError, draft.name):
                    record.write({field: value})
            with self.subTest(field=field, how="create"), self.assertRaises(UserError):
                self.env["factoring.schedule"].sudo().create({
                    "agreement_id": self.agreement.id, field: value})
        self.assertEqual(draft.state, "draft")
        self.assertFalse(draft.move_id)
        # nor through a default in the context
        with self.assertRaises(UserError):
            self.env["factoring.schedule"].with_user(self.users["client_manager"]).with_context(
                default_state="verified").create({"agreement_id": self.agreement.id})
        # the field's own default and empty values are what a new form sends
        created = self.env["factoring.schedule"].with_user(self.users["client_manager"]).create({
            "agreement_id": self.agreement.id, "state": "draft", "move_id": False,
            "verification_note": False})
        self.assertEqual(created.state, "draft")

    def test_agreement_state_protected(self):
        agreement = self._new_agreement()
        for record in (agreement.with_user(self.users["manager"]), agreement.sudo()):
            with self.subTest(su=record.env.su), \
                    self.assertRaisesRegex(UserError, agreement.name):
                record.write({"state": "active"})
        with self.assertRaises(UserError):
            self.env["factoring.agreement"].with_user(self.users["credit_manager"]).create({
                "client_id": self.client_2.id, "currency_id": self.eur.id, "state": "active"})
        self.assertEqual(agreement.state, "draft")

    # ------------------------------------------------------------------
    # Lines of verified, funded and cancelled schedules
    # ------------------------------------------------------------------
    def test_changed_lines_send_verified_schedule_back_to_draft(self):
        client_manager = self.users["client_manager"]
        changes = {
            "write": lambda s: s.line_ids.with_user(client_manager).write({"amount": 1200.0}),
            "create": lambda s: self.env["factoring.schedule.line"].with_user(
                client_manager).create({
                    "schedule_id": s.id, "debtor_id": self.debtor_b.id,
                    "invoice_number": f"{s.name}-NEW", "invoice_date": date(2026, 9, 1),
                    "due_date": date(2026, 11, 1), "amount": 80.0,
                    "currency_id": self.eur.id}),
            "unlink": lambda s: s.line_ids[:1].with_user(client_manager).unlink(),
            "schedule date": lambda s: s.with_user(client_manager).write(
                {"date": date(2026, 10, 2)}),
            "one2many": lambda s: s.with_user(client_manager).write(
                {"line_ids": [Command.update(s.line_ids[0].id, {"amount": 7.0})]}),
        }
        for index, (how, change) in enumerate(changes.items()):
            with self.subTest(how=how):
                schedule = self._verified(f"BACK-{index}")
                change(schedule)
                self.assertEqual(schedule.state, "draft")
                self.assertIn("verify it again", schedule.message_ids[0].body)
                with self.assertRaises(UserError):
                    schedule.with_user(self.users["operations"]).action_fund()
                self.assertFalse(schedule.move_id)

    def test_cancelled_schedule_lines_locked(self):
        schedule = self.make_schedule([{"invoice_number": "CXL-1"}])
        schedule.action_cancel()
        with self.assertRaisesRegex(UserError, schedule.name):
            schedule.line_ids.with_user(self.users["client_manager"]).write({"amount": 3.0})
        with self.assertRaisesRegex(UserError, schedule.name):
            schedule.line_ids.with_user(self.users["client_manager"]).unlink()
        with self.assertRaisesRegex(UserError, schedule.name):
            schedule.with_user(self.users["client_manager"]).write({"date": date(2026, 9, 1)})

    def test_cancelled_schedule_to_draft_only_if_never_funded(self):
        never = self.make_schedule([{"invoice_number": "NEV-1"}])
        never.with_user(self.users["client_manager"]).action_cancel()
        never.with_user(self.users["client_manager"]).action_reset_draft()
        self.assertEqual(never.state, "draft")
        funded = self._funded("WAS-1")
        funded.with_user(self.users["operations"]).action_cancel()
        with self.assertRaisesRegex(UserError, funded.name):
            funded.with_user(self.users["operations"]).action_reset_draft()
        self.assertEqual(funded.state, "cancelled")

    def test_cancel_clears_funded_flag(self):
        funded = self._funded("FLAG-1")
        self.assertTrue(funded.line_ids.is_funded)
        funded.action_cancel()
        self.assertFalse(funded.line_ids.is_funded)
        again = self._funded("FLAG-1")
        self.assertTrue(again.line_ids.is_funded, "a cancelled funding frees the invoice")

    # ------------------------------------------------------------------
    # Transitions by role
    # ------------------------------------------------------------------
    def test_schedule_transitions_by_role(self):
        for role, user in self.users.items():
            with self.subTest(role=role, action="verify"):
                draft = self.make_schedule([{"invoice_number": f"R-{role}-V"}])
                if role in SCHEDULE_ROLES:
                    draft.with_user(user).action_verify()
                    self.assertEqual(draft.state, "verified")
                else:
                    with self.assertRaisesRegex(AccessError, "verify"):
                        draft.with_user(user).action_verify()
                    self.assertEqual(draft.state, "draft")
            with self.subTest(role=role, action="reset"):
                verified = self._verified(f"R-{role}-R")
                if role in SCHEDULE_ROLES:
                    verified.with_user(user).action_reset_draft()
                    self.assertEqual(verified.state, "draft")
                else:
                    with self.assertRaisesRegex(AccessError, "reset"):
                        verified.with_user(user).action_reset_draft()
                    self.assertEqual(verified.state, "verified")
            with self.subTest(role=role, action="cancel draft"):
                draft = self.make_schedule([{"invoice_number": f"R-{role}-C"}])
                if role in SCHEDULE_ROLES:
                    draft.with_user(user).action_cancel()
                    self.assertEqual(draft.state, "cancelled")
                else:
                    with self.assertRaisesRegex(AccessError, "cancel"):
                        draft.with_user(user).action_cancel()
                    self.assertEqual(draft.state, "draft")
            with self.subTest(role=role, action="fund"):
                verified = self._verified(f"R-{role}-F")
                if role in FUNDING_ROLES:
                    verified.with_user(user).action_fund()
                    self.assertEqual(verified.state, "funded")
                else:
                    with self.assertRaises(AccessError):
                        verified.with_user(user).action_fund()
                    self.assertEqual(verified.state, "verified")
                    self.assertFalse(verified.move_id)
            with self.subTest(role=role, action="cancel funded"):
                funded = self._funded(f"R-{role}-X")
                if role in FUNDING_ROLES:
                    funded.with_user(user).action_cancel()
                    self.assertEqual(funded.state, "cancelled")
                    self.assertTrue(funded.reversal_move_id)
                else:
                    with self.assertRaises(AccessError):
                        funded.with_user(user).action_cancel()
                    self.assertEqual(funded.state, "funded")
                    self.assertFalse(funded.reversal_move_id)
            with self.subTest(role=role, action="import"):
                draft = self.make_schedule([])
                if role in SCHEDULE_ROLES:
                    action = draft.with_user(user).action_open_import()
                    self.assertEqual(action["res_model"], "factoring.schedule.import")
                else:
                    with self.assertRaises(AccessError):
                        draft.with_user(user).action_open_import()
            with self.subTest(role=role, action="view entry"):
                action = self.funded.with_user(user).action_view_move()
                self.assertEqual(action["res_id"], self.funded.move_id.id)

    def _new_agreement(self):
        return self.env["factoring.agreement"].create({
            "client_id": self.client_2.id, "currency_id": self.eur.id,
            "approved_debtor_ids": [Command.set(self.debtor_a.ids)],
            "date_start": date(2026, 1, 1)})

    def test_agreement_transitions_by_role(self):
        steps = [
            ("action_activate", "draft", "active", CREDIT_ROLES),
            ("action_suspend", "active", "suspended", CREDIT_ROLES),
            ("action_activate", "suspended", "active", CREDIT_ROLES),
            ("action_terminate", "active", "terminated", CREDIT_ROLES),
            ("action_reset_draft", "terminated", "draft", CREDIT_MANAGER_ROLES),
            ("action_terminate", "draft", "terminated", CREDIT_ROLES),
        ]
        for role, user in self.users.items():
            agreement = self._new_agreement()
            for method, before, after, allowed in steps:
                with self.subTest(role=role, method=method, state=before):
                    self.assertEqual(agreement.state, before)
                    if role in allowed:
                        getattr(agreement.with_user(user), method)()
                    else:
                        with self.assertRaises(AccessError):
                            getattr(agreement.with_user(user), method)()
                        self.assertEqual(agreement.state, before)
                        getattr(agreement, method)()  # as superuser, to go on
                    self.assertEqual(agreement.state, after)
            agreement.unlink()
        with self.subTest(role="everyone", action="view schedules"):
            for user in self.users.values():
                action = self.agreement.with_user(user).action_view_schedules()
                self.assertIn(("agreement_id", "=", self.agreement.id), action["domain"])

    def test_agreement_terms_in_force_only_by_credit(self):
        for role, user in self.users.items():
            with self.subTest(role=role):
                if role in CREDIT_ROLES:
                    self.agreement.with_user(user).write({"advance_rate": 85.0})
                    self.assertEqual(self.agreement.advance_rate, 85.0)
                    self.agreement.advance_rate = 90.0
                else:
                    with self.assertRaises(AccessError):
                        self.agreement.with_user(user).write({"advance_rate": 85.0})
                    self.assertEqual(self.agreement.advance_rate, 90.0)

    # ------------------------------------------------------------------
    # Every public method checks the caller's right
    # ------------------------------------------------------------------
    def _public_methods(self, model):
        """Methods the module defines on *model* that RPC lets anyone call
        (same rule as Odoo's RPC dispatcher), ORM overrides aside."""
        records = self.env[model]
        methods = set()
        for cls in type(records).__mro__:
            if not cls.__module__.startswith("odoo.addons.factoring_base"):
                continue
            for name, value in vars(cls).items():
                if not callable(value) or name in ORM_METHODS:
                    continue
                try:
                    get_public_method(records, name)
                except AccessError:
                    continue  # private: not callable remotely
                methods.add(name)
        return methods

    def test_every_public_method_refuses_a_user_without_rights(self):
        """Each public method of the module's models, called by an employee
        with no factoring role and by a collector (reads only), is refused; new
        public methods must be added here."""
        draft = self.make_schedule([{"invoice_number": "PUB-1"}])
        verified = self._verified("PUB-2")
        wizard = self.env["factoring.schedule.import"].create({"schedule_id": draft.id})
        calls = {
            "factoring.schedule": {
                "action_verify": (draft, True),
                "action_reset_draft": (verified, True),
                "action_fund": (verified, True),
                "action_cancel": (draft, True),
                "action_open_import": (draft, True),
                "action_view_move": (self.funded, False),
                "action_open_funding_override": (verified, True),
            },
            "factoring.agreement": {
                "action_activate": (self._new_agreement(), True),
                "action_suspend": (self.agreement, True),
                "action_terminate": (self.agreement, True),
                "action_reset_draft": (self.agreement, True),
                "action_view_schedules": (self.agreement, False),
                "action_view_client_debtors": (self.agreement, False),
            },
            "factoring.schedule.line": {},
            "factoring.sector": {},
            "factoring.interaction": {},
            "factoring.schedule.import": {
                "action_import": (wizard, True),
                "action_download_template": (wizard, True),
            },
        }
        for model, methods in calls.items():
            self.assertEqual(self._public_methods(model), set(methods),
                             f"public methods of {model} covered by this test")
            for method, (record, writes) in methods.items():
                users = [self.plain_user] + ([self.users["collector"]] if writes else [])
                for user in users:
                    with self.subTest(model=model, method=method, user=user.login), \
                            self.assertRaises(AccessError):
                        getattr(record.with_user(user), method)()
        self.assertEqual((draft.state, verified.state, self.agreement.state),
                         ("draft", "verified", "active"))

    def test_import_wizard_only_into_own_draft_schedules(self):
        funded_wizard = self.env["factoring.schedule.import"].create(
            {"schedule_id": self.funded.id})
        with self.assertRaisesRegex(UserError, self.funded.name):
            funded_wizard.with_user(self.users["client_manager"]).action_import()

    # ------------------------------------------------------------------
    # Interactions, sectors
    # ------------------------------------------------------------------
    def test_interaction_author_and_activity_link(self):
        client_manager = self.users["client_manager"]
        Interaction = self.env["factoring.interaction"].with_user(client_manager)
        with self.assertRaisesRegex(AccessError, "another user"):
            Interaction.create({"partner_id": self.client.id, "summary": "<p>x</p>",
                                "user_id": self.users["collector"].id})
        own = Interaction.create({"partner_id": self.client.id, "summary": "<p>mine</p>"})
        with self.assertRaisesRegex(AccessError, "another user"):
            own.write({"user_id": self.users["collector"].id})
        activity = self.env["mail.activity"].search([], limit=1)
        with self.assertRaisesRegex(UserError, "From Activity"):
            own.sudo().write({"activity_id": activity.id or 1})
        self.assertEqual(own.user_id, client_manager)
        manager_note = self.env["factoring.interaction"].with_user(self.users["manager"]).create({
            "partner_id": self.client.id, "summary": "<p>for them</p>",
            "user_id": client_manager.id})
        self.assertEqual(manager_note.user_id, client_manager)

    def test_sector_written_by_credit_only(self):
        for role, user in self.users.items():
            with self.subTest(role=role):
                if role in CREDIT_ROLES:
                    self.sector.with_user(user).write({"risk_score": 60})
                    self.assertEqual(self.sector.risk_score, 60)
                else:
                    with self.assertRaises(AccessError):
                        self.sector.with_user(user).write({"risk_score": 60})
                    with self.assertRaises(AccessError):
                        self.env["factoring.sector"].with_user(user).create(
                            {"code": f"Z{role[:3]}", "name": "Forbidden"})
                spare = self.sector.copy({"code": f"CPY-{role}"})
                if role == "manager":
                    spare.with_user(user).unlink()
                    self.assertFalse(spare.exists())
                else:
                    with self.assertRaises(AccessError):
                        spare.with_user(user).unlink()
                    self.assertTrue(spare.exists())
