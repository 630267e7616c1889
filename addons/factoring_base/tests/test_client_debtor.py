import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FactoringCommon

CREDIT_ROLES = ("credit_analyst", "credit_manager", "manager")
OTHER_ROLES = ("client_manager", "collector", "supervisor", "operations")


@tagged("post_install", "-at_install")
class TestClientDebtor(FactoringCommon):
    """One client x debtor record per company: approved or blocked, since when,
    by whom, why; the agreement's approved debtors are its approved records."""

    def _pair(self, debtor, client=None):
        return self.env["factoring.client.debtor"].with_context(active_test=False).search([
            ("client_id", "=", (client or self.client).id), ("debtor_id", "=", debtor.id),
            ("company_id", "=", self.company.id)])

    def test_agreement_debtors_are_pair_records(self):
        pairs = self.env["factoring.client.debtor"].search([("client_id", "=", self.client.id)])
        self.assertEqual(pairs.debtor_id, self.debtor_a | self.debtor_b)
        self.assertEqual(set(pairs.mapped("state")), {"approved"})
        self.assertEqual(pairs.company_id, self.company)
        self.assertTrue(all(pairs.mapped("state_date")))
        self.assertEqual(pairs.state_user_id, self.env.user)
        self.assertEqual(self.agreement.approved_debtor_ids, self.debtor_a | self.debtor_b)
        # searching agreements by debtor still works (stored relation)
        self.assertEqual(self.env["factoring.agreement"].search(
            [("approved_debtor_ids", "in", self.debtor_b.ids)]), self.agreement)

    def test_adding_and_removing_debtors_on_the_agreement(self):
        analyst = self.users["credit_analyst"]
        agreement = self.agreement.with_user(analyst)
        agreement.approved_debtor_ids = [Command.link(self.debtor_unapproved.id)]
        pair = self._pair(self.debtor_unapproved)
        self.assertEqual(pair.state, "approved")
        self.assertEqual(pair.state_user_id, analyst)
        agreement.approved_debtor_ids = [Command.unlink(self.debtor_a.id)]
        self.assertEqual(self.agreement.approved_debtor_ids,
                         self.debtor_b | self.debtor_unapproved)
        removed = self._pair(self.debtor_a)
        self.assertTrue(removed, "removing a debtor keeps its record (history, limits)")
        self.assertFalse(removed.active)
        agreement.approved_debtor_ids = [Command.link(self.debtor_a.id)]
        self.assertEqual(self._pair(self.debtor_a), removed, "the same record comes back")
        self.assertTrue(removed.active)
        self.assertIn(self.debtor_a, self.agreement.approved_debtor_ids)
        # a pair approved directly shows on every agreement of the client in the company
        other = self.env["factoring.agreement"].create({
            "client_id": self.client.id, "company_id": self.company.id,
            "currency_id": self.usd.id})
        self.assertEqual(other.approved_debtor_ids, self.agreement.approved_debtor_ids)

    def test_block_and_approve(self):
        pair = self._pair(self.debtor_a)
        analyst = self.users["credit_analyst"]
        with self.assertRaisesRegex(UserError, "reason"):
            pair.with_user(analyst).action_block()
        self.assertEqual(pair.state, "approved")
        pair.with_user(analyst).action_block("Debtor in receivership")
        self.assertEqual(pair.state, "blocked")
        self.assertEqual(pair.state_user_id, analyst)
        self.assertEqual(pair.reason, "Debtor in receivership")
        self.assertNotIn(self.debtor_a, self.agreement.approved_debtor_ids)
        # adding a blocked debtor back through the agreement is refused: unblocking
        # is done on the record, deliberately
        with self.assertRaisesRegex(UserError, "blocked.*Test credit_analyst"):
            self.agreement.with_user(analyst).approved_debtor_ids = [
                Command.link(self.debtor_a.id)]
        manager = self.users["credit_manager"]
        pair.with_user(manager).action_approve()
        self.assertEqual(pair.state, "approved")
        self.assertEqual(pair.state_user_id, manager)
        self.assertIn(self.debtor_a, self.agreement.approved_debtor_ids)

    def test_state_changes_are_tracked(self):
        pair = self._pair(self.debtor_b).with_context(tracking_disable=False)
        self.env.flush_all()
        self.env.cr.flush()
        pair.with_user(self.users["credit_analyst"]).action_block("Late payer")
        self.env.flush_all()
        self.env.cr.flush()
        tracked = pair.message_ids.sudo().tracking_value_ids.filtered(
            lambda v: v.field_id.name == "state")
        self.assertTrue(tracked, "the block is in the chatter")
        self.assertEqual(tracked[0].old_value_char, "Approved")
        self.assertEqual(tracked[0].new_value_char, "Blocked")

    def test_state_fields_are_not_written_directly(self):
        pair = self._pair(self.debtor_a)
        for role in CREDIT_ROLES:
            with self.subTest(role=role):
                user = self.users[role]
                with self.assertRaisesRegex(AccessError, "Approve and Block"):
                    pair.with_user(user).write({"state": "blocked", "reason": "x"})
                with self.assertRaises(AccessError):
                    pair.with_user(user).write({"state_user_id": user.id})
                with self.assertRaises(AccessError):
                    self.env["factoring.client.debtor"].with_user(user).create({
                        "client_id": self.client.id, "debtor_id": self.not_debtor.id,
                        "state": "blocked", "reason": "x"})
        self.assertEqual(pair.state, "approved")

    def test_unique_per_client_debtor_company(self):
        Pair = self.env["factoring.client.debtor"].with_user(self.users["credit_analyst"])
        with self.assertRaisesRegex(ValidationError, "Tissages du Nord.*Grand Magasin SA"):
            Pair.create({"client_id": self.client.id, "debtor_id": self.debtor_a.id})
        with self.assertRaisesRegex(ValidationError, "twice"):
            Pair.create([
                {"client_id": self.client.id, "debtor_id": self.debtor_unapproved.id},
                {"client_id": self.client.id, "debtor_id": self.debtor_unapproved.id},
            ])
        # the database refuses it too (two users at once get past the Python check)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation), \
                self.env.cr.savepoint():
            self.env.cr.execute(
                "INSERT INTO factoring_client_debtor (client_id, debtor_id, company_id, state,"
                " active) VALUES (%s, %s, %s, 'approved', true)",
                (self.client.id, self.debtor_a.id, self.company.id))
        # another company may have its own record of the same pair
        other_company = self.env["res.company"].create({"name": "Other Factor"})
        self.env["factoring.client.debtor"].create({
            "client_id": self.client.id, "debtor_id": self.debtor_a.id,
            "company_id": other_company.id})

    def test_rights_per_role(self):
        pair = self._pair(self.debtor_a)
        for role in OTHER_ROLES:
            with self.subTest(role=role):
                user = self.users[role]
                self.assertEqual(pair.with_user(user).read(["state"])[0]["state"], "approved")
                with self.assertRaises(AccessError):
                    pair.with_user(user).action_block("no")
                with self.assertRaises(AccessError):
                    pair.with_user(user).action_approve()
                with self.assertRaises(AccessError):
                    pair.with_user(user).write({"reason": "no"})
                with self.assertRaises(AccessError):
                    self.env["factoring.client.debtor"].with_user(user).create({
                        "client_id": self.client.id,
                        "debtor_id": self.debtor_unapproved.id})
                with self.assertRaises(AccessError):
                    pair.with_user(user).unlink()
        self.assertEqual(pair.state, "approved")
        for role in CREDIT_ROLES:
            with self.subTest(role=role):
                user = self.users[role]
                pair.with_user(user).action_block(f"blocked by {role}")
                self.assertEqual(pair.state, "blocked")
                pair.with_user(user).action_approve()
                self.assertEqual(pair.state, "approved")
        created = self.env["factoring.client.debtor"].with_user(
            self.users["credit_analyst"]).create({
                "client_id": self.client.id, "debtor_id": self.debtor_unapproved.id})
        self.assertEqual(created.state, "approved")
        with self.assertRaises(AccessError):
            created.with_user(self.users["credit_manager"]).unlink()
        created.with_user(self.users["manager"]).unlink()

    def test_other_company_records_are_hidden(self):
        other_company = self.env["res.company"].create({"name": "Other Factor"})
        hidden = self.env["factoring.client.debtor"].create({
            "client_id": self.client.id, "debtor_id": self.debtor_a.id,
            "company_id": other_company.id})
        user = self.users["credit_analyst"]
        found = self.env["factoring.client.debtor"].with_user(user).search(
            [("client_id", "=", self.client.id)])
        self.assertNotIn(hidden, found)
        self.assertEqual(found.company_id, self.company)
        with self.assertRaises(AccessError):
            hidden.with_user(user).read(["state"])

    def test_partner_buttons(self):
        self.assertEqual(self.client.factoring_client_debtor_count, 2)
        self.assertEqual(self.debtor_a.factoring_debtor_client_count, 1)
        action = self.client.action_view_factoring_client_debtors()
        self.assertEqual(self.env["factoring.client.debtor"].search(action["domain"]).debtor_id,
                         self.debtor_a | self.debtor_b)
        action = self.debtor_b.action_view_factoring_client_debtors()
        self.assertEqual(self.env["factoring.client.debtor"].search(action["domain"]).client_id,
                         self.client)

    def test_verification_reads_the_pair_records(self):
        schedule = self.make_schedule([
            {"invoice_number": "CD-1"},
            {"invoice_number": "CD-2", "debtor_id": self.debtor_b.id},
            {"invoice_number": "CD-3", "debtor_id": self.debtor_unapproved.id},
        ])
        line_a, line_b, line_x = schedule.line_ids.sorted("sequence")
        analyst = self.users["credit_analyst"]
        self._pair(self.debtor_a).with_user(analyst).action_block("Debtor in receivership")
        self.agreement.with_user(analyst).approved_debtor_ids = [
            Command.unlink(self.debtor_b.id)]
        general, errors = schedule._get_verification_errors()
        self.assertFalse(general)
        self.assertEqual(len(errors[line_a.id]), 1)
        self.assertRegex(
            errors[line_a.id][0],
            r"debtor blocked for Tissages du Nord by Test credit_analyst since .+ "
            r"\(Debtor in receivership\)")
        self.assertEqual(errors[line_b.id], [f"debtor not approved on agreement {self.agreement.name}"],
                         "a removed (archived) pair is not approved")
        self.assertEqual(errors[line_x.id], [f"debtor not approved on agreement {self.agreement.name}"])
        schedule.action_verify()
        self.assertEqual(schedule.state, "draft")
        self.assertIn("blocked", line_a.check_message)
        # approve again: the lines pass
        self._pair(self.debtor_a).with_user(analyst).action_approve()
        self.agreement.with_user(analyst).approved_debtor_ids = [
            Command.link(self.debtor_b.id), Command.link(self.debtor_unapproved.id)]
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified")
        # a pair of another company does not approve the debtor here
        other_company = self.env["res.company"].create({"name": "Other Factor"})
        self._pair(self.debtor_unapproved).with_user(analyst).action_block("Fraud suspicion")
        self.env["factoring.client.debtor"].create({
            "client_id": self.client.id, "debtor_id": self.debtor_unapproved.id,
            "company_id": other_company.id})
        general, errors = schedule._get_verification_errors()
        self.assertIn("Fraud suspicion", errors[line_x.id][0])
