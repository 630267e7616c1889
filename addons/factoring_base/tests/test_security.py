from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tests import new_test_user, tagged

from .common import ROLE_GROUPS, FactoringCommon

# Models the module defines itself (the wizard included).
OWN_MODELS = {
    "factoring.sector",
    "factoring.agreement",
    "factoring.schedule",
    "factoring.schedule.line",
    "factoring.interaction",
    "factoring.schedule.import",
}


@tagged("post_install", "-at_install")
class TestSecurity(FactoringCommon):
    """The access matrix of the factoring roles: ACLs, record rules and the
    group checks the module makes in Python."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A funded schedule (two open receivable items) and a client interaction,
        # made as superuser, for the read checks.
        cls.funded = cls.make_schedule([
            {"invoice_number": "SEC-1"},
            {"invoice_number": "SEC-2", "debtor_id": cls.debtor_b.id, "amount": 2500.0},
        ])
        cls.funded.action_verify()
        cls.funded.action_fund()
        cls.interaction = cls.env["factoring.interaction"].create({
            "partner_id": cls.client.id,
            "user_id": cls.users["manager"].id,
            "summary": "<p>Kick-off meeting</p>",
        })

    def _verified_schedule(self, number):
        schedule = self.make_schedule([{"invoice_number": number}])
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified")
        return schedule

    def _open_items_domain(self, schedule):
        return self.env["account.move.line"]._factoring_open_items_domain() & Domain([
            ("move_id", "=", schedule.move_id.id),
            ("factoring_client_id", "=", self.client.id),
        ])

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    def test_every_role_reads_factoring_data(self):
        schedule_line = self.funded.line_ids[0]
        items = self.env["account.move.line"].search(self._open_items_domain(self.funded))
        self.assertEqual(len(items), 2, "the funded schedule has one open item per invoice")
        self.assertEqual(sorted(items.mapped("name")), ["SEC-1", "SEC-2"])
        for role, user in self.users.items():
            with self.subTest(role=role):
                self.assertEqual(
                    self.agreement.with_user(user).read(["name", "advance_rate"])[0]
                    ["advance_rate"], 90.0)
                self.assertEqual(
                    self.env["factoring.agreement"].with_user(user).search(
                        [("client_id", "=", self.client.id)]), self.agreement)
                self.assertEqual(
                    self.funded.with_user(user).read(["name", "state"])[0]["state"], "funded")
                self.assertEqual(
                    schedule_line.with_user(user).read(["invoice_number"])[0]["invoice_number"],
                    schedule_line.invoice_number)
                self.assertEqual(
                    self.sector.with_user(user).read(["risk_score"])[0]["risk_score"], 55)
                self.assertIn(
                    "Kick-off",
                    self.interaction.with_user(user).read(["summary"])[0]["summary"])
                user_items = self.env["account.move.line"].with_user(user).search(
                    self._open_items_domain(self.funded))
                self.assertEqual(user_items, items, f"{role} must see the open items")
                self.assertEqual(
                    sorted(r["amount_residual"] for r in user_items.read(["amount_residual"])),
                    [1000.0, 2500.0])

    # ------------------------------------------------------------------
    # Collector
    # ------------------------------------------------------------------
    def test_collector_cannot_change_agreements_ratings_or_schedules(self):
        collector = self.users["collector"]
        with self.assertRaises(AccessError):
            self.env["factoring.agreement"].with_user(collector).create({
                "client_id": self.client.id, "currency_id": self.usd.id})
        with self.assertRaises(AccessError):
            self.agreement.with_user(collector).write({"advance_rate": 95.0})
        self.assertEqual(self.agreement.advance_rate, 90.0)
        with self.assertRaises(AccessError):
            self.client.with_user(collector).write({"factoring_rating": "aaa"})
        self.assertFalse(self.client.factoring_rating)
        with self.assertRaises(AccessError):
            self.env["factoring.schedule"].with_user(collector).create({
                "agreement_id": self.agreement.id, "date": date(2026, 10, 1)})
        draft = self.make_schedule([{"invoice_number": "COL-1"}])
        with self.assertRaises(AccessError):
            draft.with_user(collector).write({"date": date(2026, 10, 2)})
        with self.assertRaises(AccessError):
            draft.line_ids.with_user(collector).write({"amount": 5.0})
        verified = self._verified_schedule("COL-2")
        with self.assertRaises(AccessError):
            verified.with_user(collector).action_fund()
        self.assertEqual(verified.state, "verified")
        self.assertFalse(verified.move_id)

    def test_rating_is_written_by_credit_only(self):
        """The rating is guarded in Python, not only by the partner ACL: a client
        manager may edit the client but not its rating."""
        client_manager = self.users["client_manager"]
        client = self.client.with_user(client_manager)
        client.write({"comment": "<p>Prefers calls in the morning</p>"})
        self.assertIn("morning", self.client.comment)
        with self.assertRaisesRegex(AccessError, "Tissages du Nord"):
            client.write({"factoring_rating": "aaa"})
        self.assertFalse(self.client.factoring_rating)
        for role in ("credit_analyst", "credit_manager", "manager"):
            with self.subTest(role=role):
                self.client.with_user(self.users[role]).write({"factoring_rating": "bbb"})
                self.assertEqual(self.client.factoring_rating, "bbb")
                self.client.factoring_rating = False

    # ------------------------------------------------------------------
    # Client manager
    # ------------------------------------------------------------------
    def test_client_manager_enters_and_verifies_but_does_not_fund(self):
        client_manager = self.users["client_manager"]
        schedule = self.env["factoring.schedule"].with_user(client_manager).create({
            "agreement_id": self.agreement.id,
            "date": date(2026, 10, 1),
            "line_ids": [Command.create({
                "debtor_id": self.debtor_a.id, "invoice_number": "CM-1",
                "invoice_date": date(2026, 9, 1), "due_date": date(2026, 10, 31),
                "amount": 400.0, "currency_id": self.eur.id})],
        })
        self.assertEqual(schedule.client_id, self.client)
        self.env["factoring.schedule.line"].with_user(client_manager).create({
            "schedule_id": schedule.id, "debtor_id": self.debtor_b.id,
            "invoice_number": "CM-2", "invoice_date": date(2026, 9, 2),
            "due_date": date(2026, 11, 1), "amount": 600.0, "currency_id": self.eur.id})
        self.assertEqual(schedule.line_count, 2)
        schedule.with_user(client_manager).action_verify()
        self.assertEqual(schedule.state, "verified")
        with self.assertRaises(AccessError):
            schedule.with_user(client_manager).action_fund()
        self.assertEqual(schedule.state, "verified")
        self.assertFalse(schedule.move_id)
        with self.assertRaises(AccessError):
            self.agreement.with_user(client_manager).write({"advance_rate": 95.0})
        with self.assertRaises(AccessError):
            self.env["factoring.agreement"].with_user(client_manager).create({
                "client_id": self.client.id, "currency_id": self.usd.id})

    def test_client_manager_cannot_cancel_funded_schedule(self):
        with self.assertRaises(AccessError):
            self.funded.with_user(self.users["client_manager"]).action_cancel()
        self.assertEqual(self.funded.state, "funded")
        self.assertFalse(self.funded.reversal_move_id)
        # a draft one they may cancel: nothing was posted
        draft = self.make_schedule([{"invoice_number": "CM-DRAFT"}])
        draft.with_user(self.users["client_manager"]).action_cancel()
        self.assertEqual(draft.state, "cancelled")

    # ------------------------------------------------------------------
    # Operations
    # ------------------------------------------------------------------
    def test_operations_verify_fund_and_cancel(self):
        operations = self.users["operations"]
        self.assertFalse(self.env["account.move"].with_user(operations).has_access("create"),
                         "premise: operations has no accounting write rights")
        schedule = self.make_schedule([{"invoice_number": "OPS-1"}]).with_user(operations)
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified")
        schedule.action_fund()
        self.assertEqual(schedule.state, "funded")
        self.assertEqual(schedule.move_id.state, "posted")
        self.assertEqual(schedule.move_id.journal_id, self.company.factoring_journal_id)
        item = schedule.move_id.line_ids.filtered("factoring_schedule_line_id")
        self.assertEqual(item.partner_id, self.debtor_a)
        self.assertEqual(item.debit, 1000.0)

        schedule.action_cancel()
        self.assertEqual(schedule.state, "cancelled")
        self.assertEqual(schedule.reversal_move_id.state, "posted")
        self.assertEqual(schedule.reversal_move_id.reversed_entry_id, schedule.move_id)
        self.assertTrue(item.reconciled, "the receivable item is cleared by the reversal")

    # ------------------------------------------------------------------
    # Credit
    # ------------------------------------------------------------------
    def test_credit_analyst_owns_agreements_but_cannot_fund(self):
        analyst = self.users["credit_analyst"]
        client = self.env["res.partner"].create({
            "name": "Bonneterie Sud", "is_company": True, "is_factoring_client": True})
        agreement = self.env["factoring.agreement"].with_user(analyst).create({
            "client_id": client.id,
            "currency_id": self.eur.id,
            "advance_rate": 85.0,
            "approved_debtor_ids": [Command.set(self.debtor_a.ids)],
            "date_start": date(2026, 1, 1),
        })
        self.assertEqual(agreement.state, "draft")
        self.assertEqual(agreement.company_id, self.company)
        agreement.write({"advance_rate": 88.0, "discount_fee_rate": 1.2})
        self.assertEqual(agreement.reserve_rate, 12.0)
        agreement.action_activate()
        self.assertEqual(agreement.state, "active")
        self.agreement.with_user(analyst).write({"invoice_fee": 5.0})
        self.assertEqual(self.agreement.invoice_fee, 5.0)

        verified = self._verified_schedule("CA-1")
        for role in ("credit_analyst", "credit_manager"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                verified.with_user(self.users[role]).action_fund()
        self.assertEqual(verified.state, "verified")

    # ------------------------------------------------------------------
    # Groups
    # ------------------------------------------------------------------
    def test_group_hierarchy(self):
        manager = self.users["manager"]
        for role, group in ROLE_GROUPS.items():
            with self.subTest(role=role):
                self.assertTrue(manager.has_group(group), f"the manager implies {role}")
                self.assertIn(self.env.ref(group), manager.all_group_ids)
        credit_manager = self.users["credit_manager"]
        self.assertTrue(credit_manager.has_group(ROLE_GROUPS["credit_analyst"]))
        self.assertIn(self.env.ref(ROLE_GROUPS["credit_analyst"]), credit_manager.all_group_ids)
        supervisor = self.users["supervisor"]
        self.assertTrue(supervisor.has_group(ROLE_GROUPS["collector"]))
        self.assertIn(self.env.ref(ROLE_GROUPS["collector"]), supervisor.all_group_ids)
        # and not the other way round
        self.assertFalse(self.users["credit_analyst"].has_group(ROLE_GROUPS["credit_manager"]))
        self.assertFalse(self.users["collector"].has_group(ROLE_GROUPS["supervisor"]))
        for role in ROLE_GROUPS:
            if role != "manager":
                self.assertFalse(self.users[role].has_group(ROLE_GROUPS["manager"]), role)
        # every role reads factoring data through the common group
        for role, user in self.users.items():
            self.assertTrue(user.has_group("factoring_base.group_factoring_user"), role)

    # ------------------------------------------------------------------
    # Multi-company
    # ------------------------------------------------------------------
    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({
            "name": "Second Factor SA", "currency_id": self.eur.id})
        env_b = self.env(context=dict(
            self.env.context, allowed_company_ids=[company_b.id, self.company.id]))
        client_b = env_b["res.partner"].create({
            "name": "Client of B", "is_company": True, "is_factoring_client": True,
            "company_id": company_b.id})
        agreement_b = env_b["factoring.agreement"].create({
            "client_id": client_b.id, "company_id": company_b.id,
            "currency_id": self.eur.id,
            "approved_debtor_ids": [Command.set(self.debtor_a.ids)],
            "date_start": date(2026, 1, 1),
        })
        schedule_b = env_b["factoring.schedule"].create({
            "agreement_id": agreement_b.id,
            "date": date(2026, 10, 1),
            "line_ids": [Command.create({
                "debtor_id": self.debtor_a.id, "invoice_number": "B-1",
                "invoice_date": date(2026, 9, 1), "due_date": date(2026, 10, 31),
                "amount": 100.0, "currency_id": self.eur.id})],
        })
        self.assertEqual(schedule_b.company_id, company_b)
        records = [agreement_b, schedule_b, schedule_b.line_ids]

        for role in ("manager", "client_manager", "collector"):
            user_a = self.users[role]
            self.assertEqual(user_a.company_ids, self.company)
            for record in records:
                with self.subTest(role=role, model=record._name):
                    self.assertFalse(
                        self.env[record._name].with_user(user_a).search(
                            [("id", "in", record.ids)]),
                        f"{role} of company A must not find {record._name} of company B")
                    with self.assertRaises(AccessError):
                        record.with_user(user_a).browse(record.ids).read(["company_id"])
            self.assertFalse(self.env["factoring.agreement"].with_user(user_a).search(
                [("client_id", "=", client_b.id)]))

        user_ab = new_test_user(
            self.env, login="fact_both", groups=ROLE_GROUPS["manager"],
            company_id=self.company.id,
            company_ids=[Command.set([self.company.id, company_b.id])])
        env_ab = self.env(user=user_ab, context=dict(
            self.env.context, allowed_company_ids=[self.company.id, company_b.id]))
        for record in records:
            with self.subTest(user="both", model=record._name):
                found = env_ab[record._name].search([("id", "in", record.ids)])
                self.assertEqual(found, record)
                self.assertEqual(found.read(["company_id"])[0]["company_id"][0], company_b.id)
        # the same user still sees company A's agreement alongside B's
        self.assertEqual(
            env_ab["factoring.agreement"].search(
                [("id", "in", (self.agreement | agreement_b).ids)]),
            self.agreement | agreement_b)

    # ------------------------------------------------------------------
    # Interactions
    # ------------------------------------------------------------------
    def test_interactions_own_notes_editable(self):
        client_manager = self.users["client_manager"]
        Interaction = self.env["factoring.interaction"]
        own = Interaction.with_user(client_manager).create({
            "partner_id": self.client.id, "interaction_type": "call",
            "summary": "<p>Asked for a higher limit</p>"})
        self.assertEqual(own.user_id, client_manager)
        own.write({"next_step": "Send the financial statements"})
        self.assertEqual(own.next_step, "Send the financial statements")

        other = Interaction.with_user(self.users["collector"]).create({
            "partner_id": self.client.id, "interaction_type": "call",
            "summary": "<p>Debtor promised to pay</p>"})
        self.assertEqual(other.user_id, self.users["collector"])
        # the client manager reads it but cannot change or delete it
        self.assertIn("promised", other.with_user(client_manager).summary)
        with self.assertRaises(AccessError):
            other.with_user(client_manager).write({"next_step": "Overwritten"})
        with self.assertRaises(AccessError):
            other.with_user(client_manager).unlink()
        with self.assertRaises(AccessError):
            self.interaction.with_user(client_manager).write({"next_step": "Overwritten"})
        self.assertFalse(other.next_step)
        self.assertFalse(self.interaction.next_step)
        # nor can the collector edit the client manager's note
        with self.assertRaises(AccessError):
            own.with_user(self.users["collector"]).write({"next_step": "Overwritten"})

        manager = self.users["manager"]
        (own | other).with_user(manager).write({"next_step": "Reviewed"})
        self.assertEqual((own | other).mapped("next_step"), ["Reviewed", "Reviewed"])
        other.with_user(manager).unlink()
        self.assertFalse(other.exists())

    # ------------------------------------------------------------------
    # ACL coverage
    # ------------------------------------------------------------------
    def test_every_model_has_access_rules(self):
        # abstract models (e.g. factoring.demo) have no table and need no access rule
        models = self.env["ir.model"].search([]).filtered(
            lambda m: "factoring_base" in (m.modules or "").split(", ")
            and not self.env[m.model]._abstract)
        self.assertLessEqual(OWN_MODELS, set(models.mapped("model")),
                             "every model of the module is registered as such")
        self.assertIn("factoring.schedule.import", models.mapped("model"),
                      "the wizard is checked too")
        Access = self.env["ir.model.access"]
        for model in models:
            with self.subTest(model=model.model):
                self.assertTrue(
                    Access.search_count([("model_id", "=", model.id)]),
                    f"model {model.model} has no access rule")
        own_access = self.env["ir.model.data"].search([
            ("module", "=", "factoring_base"), ("model", "=", "ir.model.access")])
        covered = set(Access.browse(own_access.mapped("res_id")).mapped("model_id.model"))
        self.assertEqual(covered & OWN_MODELS, OWN_MODELS,
                         "each own model has an access line of factoring_base itself")
