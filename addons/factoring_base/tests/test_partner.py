from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import FactoringCommon

CREDIT_ROLES = ("credit_analyst", "credit_manager", "manager")
OTHER_ROLES = ("client_manager", "collector", "supervisor", "operations")


@tagged("post_install", "-at_install")
class TestPartner(FactoringCommon):
    """Ratings and sectors are owned by credit risk and tracked; contacts carry
    roles; partners show their open receivable items and the reserve owed."""

    def tracking_env(self):
        return self.env(context=dict(self.env.context, tracking_disable=False))

    def flush_tracking(self):
        """Tracking values are written by a pre-commit hook: run it."""
        self.env.flush_all()
        self.env.cr.flush()

    def tracked(self, record, field_name):
        return record.message_ids.sudo().tracking_value_ids.filtered(
            lambda t: t.field_id.name == field_name)

    def with_contact_rights(self, role):
        """The role's user plus the standard 'Contact Creation' right, which most
        internal users have: only the rating guard stands in the way then."""
        user = self.users[role]
        user.group_ids = [Command.link(self.env.ref("base.group_partner_manager").id)]
        return user

    # ------------------------------------------------------------------
    # Rating: written by credit risk only, tracked
    # ------------------------------------------------------------------
    def test_credit_roles_write_rating(self):
        for role, rating in zip(CREDIT_ROLES, ("bbb", "bb", "a"), strict=True):
            with self.subTest(role):
                self.debtor_a.with_user(self.users[role]).factoring_rating = rating
                self.assertEqual(self.debtor_a.factoring_rating, rating)
                self.assertTrue(
                    self.debtor_a.with_user(self.users[role]).factoring_can_edit_credit)

    def test_other_roles_cannot_write_rating(self):
        self.debtor_a.factoring_rating = "a"
        for role in OTHER_ROLES:
            with self.subTest(role):
                user = self.users[role]
                self.assertFalse(self.debtor_a.with_user(user).factoring_can_edit_credit)
                with self.assertRaises(AccessError):
                    self.debtor_a.with_user(user).write({"factoring_rating": "ccc"})
                self.assertEqual(self.debtor_a.factoring_rating, "a")

    def test_rating_guard_with_contact_rights(self):
        """With rights to edit contacts, other roles may change a debtor's phone
        but still not its rating; the error names the field and the partner."""
        for role in OTHER_ROLES:
            with self.subTest(role):
                user = self.with_contact_rights(role)
                debtor = self.debtor_a.with_user(user)
                debtor.phone = f"+32 2 555 00 {len(role):02d}"
                self.assertEqual(self.debtor_a.phone, debtor.phone)
                with self.assertRaises(AccessError) as caught:
                    debtor.write({"factoring_rating": "d"})
                message = str(caught.exception)
                self.assertIn("Internal Rating", message)
                self.assertIn(self.debtor_a.name, message)
                self.assertFalse(self.debtor_a.factoring_rating)
                with self.assertRaises(AccessError):
                    self.env["res.partner"].with_user(user).create({
                        "name": "Rated on creation", "factoring_rating": "aaa"})

    def test_client_managers_and_collectors_edit_contacts(self):
        """Client managers own their clients' data and collectors their debtors'
        contacts: both edit partners with their factoring role alone (no extra
        contact rights), but still not the rating."""
        for role, partner in (("client_manager", self.client), ("collector", self.debtor_a)):
            with self.subTest(role):
                user = self.users[role]
                self.assertFalse(user.has_group("base.group_partner_manager"))
                partner.with_user(user).phone = "+32 9 123 45 67"
                self.assertEqual(partner.phone, "+32 9 123 45 67")
                contact = self.env["res.partner"].with_user(user).create({
                    "name": f"AP desk {role}", "parent_id": partner.id,
                    "factoring_contact_role": "ap"})
                self.assertIn(contact, partner.factoring_ap_contact_ids)
                with self.assertRaises(AccessError):
                    partner.with_user(user).write({"factoring_rating": "d"})

    def test_duplicate_sector_code_is_named(self):
        with self.assertRaisesRegex(ValidationError, "already used by Test textiles"):
            self.env["factoring.sector"].create({"code": "T13", "name": "Copy"})
        other = self.env["factoring.sector"].create({"code": "T99", "name": "Other"})
        with self.assertRaisesRegex(ValidationError, "T13"):
            other.code = "T13"
        self.assertEqual(other.code, "T99")

    def test_rating_change_is_tracked(self):
        debtor = self.env["res.partner"].with_env(self.tracking_env()).create({
            "name": "Tracked Debtor NV", "is_company": True, "is_factoring_debtor": True})
        self.flush_tracking()
        analyst = self.users["credit_analyst"]
        debtor.with_user(analyst).factoring_rating = "bbb"
        self.flush_tracking()
        debtor.with_user(analyst).factoring_rating = "b"
        self.flush_tracking()
        changes = self.tracked(debtor, "factoring_rating")
        self.assertEqual(
            sorted((t.old_value_char or "", t.new_value_char) for t in changes),
            [("", "BBB - Moderate risk"), ("BBB - Moderate risk", "B - High risk")])
        self.assertEqual(changes.mail_message_id.author_id, analyst.partner_id)

    def test_sector_change_is_tracked(self):
        other = self.env["factoring.sector"].create({
            "code": "T99", "name": "Test retail", "risk_score": 30})
        client = self.client.with_env(self.tracking_env())
        self.flush_tracking()
        client.factoring_sector_id = other
        self.flush_tracking()
        change = self.tracked(client, "factoring_sector_id")
        self.assertEqual(len(change), 1)
        self.assertEqual(change.old_value_char, self.sector.display_name)
        self.assertEqual(change.new_value_char, other.display_name)
        self.assertEqual(self.client.factoring_sector_risk, 30)

    # ------------------------------------------------------------------
    # Sectors
    # ------------------------------------------------------------------
    def test_sector_risk_score_range(self):
        for score in (-1, 101, 1000):
            with self.subTest(score=score, on="create"):
                with self.assertRaises(ValidationError) as caught:
                    self.env["factoring.sector"].create({
                        "code": f"R{score}", "name": "Out of range", "risk_score": score})
                self.assertIn("Out of range", str(caught.exception))
                self.assertIn(str(score), str(caught.exception))
            with self.subTest(score=score, on="write"):
                with self.assertRaises(ValidationError) as caught:
                    self.sector.risk_score = score
                self.assertIn(self.sector.display_name, str(caught.exception))
                self.assertIn(str(score), str(caught.exception))
        for score in (0, 100):
            self.sector.risk_score = score
            self.assertEqual(self.sector.risk_score, score)

    def test_only_credit_roles_write_sectors(self):
        for role, score in zip(CREDIT_ROLES, (40, 45, 50), strict=True):
            with self.subTest(role):
                self.sector.with_user(self.users[role]).risk_score = score
                self.assertEqual(self.sector.risk_score, score)
        new = self.env["factoring.sector"].with_user(self.users["credit_analyst"]).create({
            "code": "N01", "name": "New sector", "risk_score": 10})
        self.assertEqual(new.risk_score, 10)
        for role in OTHER_ROLES:
            with self.subTest(role):
                sector = self.sector.with_user(self.users[role])
                self.assertEqual(sector.risk_score, 50, "every role reads sectors")
                with self.assertRaises(AccessError):
                    sector.risk_score = 5
                with self.assertRaises(AccessError):
                    self.env["factoring.sector"].with_user(self.users[role]).create({
                        "code": f"X-{role}", "name": "Not allowed"})
        self.assertEqual(self.sector.risk_score, 50)

    def test_sector_risk_change_is_tracked(self):
        sector = self.sector.with_env(self.tracking_env())
        self.flush_tracking()
        sector.with_user(self.users["credit_analyst"]).risk_score = 80
        self.flush_tracking()
        change = self.tracked(sector, "risk_score")
        self.assertEqual((change.old_value_integer, change.new_value_integer), (55, 80))

    def test_sector_partner_count(self):
        self.assertEqual(self.sector.partner_count, 1)
        self.debtor_a.factoring_sector_id = self.sector
        self.sector.invalidate_recordset(["partner_count"])
        self.assertEqual(self.sector.partner_count, 2)

    # ------------------------------------------------------------------
    # Contacts with roles
    # ------------------------------------------------------------------
    def test_ap_and_sales_contacts(self):
        Partner = self.env["res.partner"]
        ap = Partner.create({"name": "Anne Payables", "parent_id": self.debtor_a.id,
                             "factoring_contact_role": "ap"})
        ap_2 = Partner.create({"name": "Bob Ledger", "parent_id": self.debtor_a.id,
                               "factoring_contact_role": "ap"})
        sales = Partner.create({"name": "Sam Seller", "parent_id": self.debtor_a.id,
                                "factoring_contact_role": "sales"})
        plain = Partner.create({"name": "No Role", "parent_id": self.debtor_a.id})
        other_company_ap = Partner.create({"name": "Elsewhere AP",
                                           "parent_id": self.debtor_b.id,
                                           "factoring_contact_role": "ap"})
        self.assertEqual(self.debtor_a.factoring_ap_contact_ids, ap | ap_2)
        self.assertEqual(self.debtor_a.factoring_sales_contact_ids, sales)
        for partner in (plain, sales, other_company_ap):
            self.assertNotIn(partner, self.debtor_a.factoring_ap_contact_ids)
        self.assertEqual(self.debtor_b.factoring_ap_contact_ids, other_company_ap)

        sales.factoring_contact_role = "ap"
        self.assertEqual(self.debtor_a.factoring_ap_contact_ids, ap | ap_2 | sales)
        self.assertFalse(self.debtor_a.factoring_sales_contact_ids)

    # ------------------------------------------------------------------
    # Open receivable items and reserve after funding
    # ------------------------------------------------------------------
    def fund(self, lines, invoice_fee=0.0):
        self.agreement.invoice_fee = invoice_fee
        schedule = self.make_schedule(lines)
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified", schedule.verification_note)
        schedule.action_fund()
        self.assertEqual(schedule.state, "funded")
        return schedule

    def test_no_open_items_before_funding(self):
        self.make_schedule([{}])
        partners = self.client | self.debtor_a
        self.assertEqual(partners.mapped("factoring_open_item_count"), [0, 0])
        self.assertEqual(partners.mapped("factoring_open_amount"), [0.0, 0.0])
        self.assertEqual(self.client.factoring_reserve_balance, 0.0)

    def test_open_items_after_funding(self):
        schedule = self.fund([
            {"amount": 1000.0},
            {"amount": 2500.0, "debtor_id": self.debtor_b.id},
            {"amount": 300.0},
        ])
        partners = self.client | self.debtor_a | self.debtor_b | self.debtor_unapproved
        for partner in partners:
            with self.subTest(partner.name):
                lines = schedule.line_ids.filtered(
                    lambda rec: partner in (rec.debtor_id, schedule.client_id))
                self.assertEqual(partner.factoring_open_item_count, len(lines))
                self.assertAlmostEqual(partner.factoring_open_amount,
                                       sum(lines.mapped("amount")), places=2)
        self.assertEqual(self.client.factoring_open_item_count, 3)
        self.assertEqual(self.debtor_a.factoring_open_item_count, 2)
        self.assertAlmostEqual(self.debtor_b.factoring_open_amount, 2500.0)

        items = self.env["account.move.line"].search(
            self.debtor_a.action_view_factoring_open_items()["domain"])
        self.assertEqual(items, schedule.move_id.line_ids.filtered(
            lambda rec: rec.partner_id == self.debtor_a and rec.factoring_schedule_line_id))
        collector = self.users["collector"]
        self.assertEqual(
            self.client.with_user(collector).factoring_open_item_count, 3,
            "collectors read the open items")

    def test_open_items_follow_payments(self):
        schedule = self.fund([{"amount": 1000.0}, {"amount": 300.0}])
        bank = self.env["account.journal"].search([
            ("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1)
        receivable = self.company.factoring_receivable_account_id

        def pay(item, amount):
            payment = self.env["account.move"].create({
                "move_type": "entry", "journal_id": bank.id, "date": date(2026, 10, 20),
                "line_ids": [
                    Command.create({"account_id": bank.default_account_id.id,
                                    "partner_id": self.debtor_a.id, "balance": amount}),
                    Command.create({"account_id": receivable.id,
                                    "partner_id": self.debtor_a.id, "balance": -amount}),
                ],
            })
            payment.action_post()
            (item | payment.line_ids.filtered(lambda rec: rec.account_id == receivable)).reconcile()

        first, second = schedule.line_ids.sorted("sequence")
        pay(first.move_line_id, 400.0)
        self.env.invalidate_all()
        self.assertEqual(self.debtor_a.factoring_open_item_count, 2, "partly paid stays open")
        self.assertAlmostEqual(self.debtor_a.factoring_open_amount, 1300.0 - 400.0)
        pay(second.move_line_id, 300.0)
        self.env.invalidate_all()
        self.assertEqual(self.debtor_a.factoring_open_item_count, 1)
        self.assertEqual(self.client.factoring_open_item_count, 1)
        self.assertAlmostEqual(self.client.factoring_open_amount, 600.0)

    def test_reserve_balance_after_funding(self):
        fee = 25.0
        schedule = self.fund([
            {"amount": 1000.0},
            {"amount": 2500.0, "debtor_id": self.debtor_b.id},
            {"amount": 300.0},
        ], invoice_fee=fee)
        total = 1000.0 + 2500.0 + 300.0
        advance = total * self.agreement.advance_rate / 100.0
        expected = total - advance - 3 * fee
        self.assertAlmostEqual(self.client.factoring_reserve_balance, expected, places=2)
        self.assertAlmostEqual(
            self.client.factoring_reserve_balance,
            schedule.amount_total - schedule.advance_amount - schedule.invoice_fee_total,
            places=2)
        self.assertEqual(self.debtor_a.factoring_reserve_balance, 0.0,
                         "debtors are owed no reserve")

    def test_reserve_balance_adds_up_over_schedules(self):
        self.fund([{"amount": 2000.0, "invoice_number": "R-1"}], invoice_fee=10.0)
        self.env.invalidate_all()
        first = self.client.factoring_reserve_balance
        reserve_share = self.agreement.reserve_rate / 100.0
        self.assertAlmostEqual(first, 2000.0 * reserve_share - 10.0)
        self.fund([{"amount": 500.0, "invoice_number": "R-2"}], invoice_fee=10.0)
        self.env.invalidate_all()
        self.assertAlmostEqual(self.client.factoring_reserve_balance,
                               first + 500.0 * reserve_share - 10.0)
