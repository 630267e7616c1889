import base64
import html
from datetime import date

from lxml import etree

from odoo import Command
from odoo.tests import tagged
from odoo.tools.misc import format_amount

from .common import FactoringCommon
from .test_import import HEADER, xlsx_bytes

SCHEDULE_BUTTON_ROLES = {"client_manager", "operations", "manager"}


@tagged("post_install", "-at_install")
class TestScreens(FactoringCommon):
    """What people see: errors naming the line they look at, buttons only for
    the roles allowed to press them, tracked terms, formatted amounts
    (issue 10, sections 3 to 5)."""

    # ------------------------------------------------------------------
    # Verification messages
    # ------------------------------------------------------------------
    def test_typed_lines_named_by_position_in_list(self):
        """Typed lines all get the default sequence: the second row is "Line 2"."""
        schedule = self.env["factoring.schedule"].create({
            "agreement_id": self.agreement.id, "date": date(2026, 10, 1),
            "line_ids": [Command.create({
                "debtor_id": self.debtor_a.id, "invoice_number": number,
                "invoice_date": date(2026, 9, 1), "due_date": date(2026, 11, 1),
                "amount": amount, "currency_id": self.eur.id,
            }) for number, amount in (("T-1", 100.0), ("T-2", -4.0))],
        })
        self.assertEqual(schedule.line_ids.mapped("sequence"), [10, 10])
        schedule.action_verify()
        bad = schedule.line_ids.filtered(lambda rec: rec.invoice_number == "T-2")
        self.assertEqual(bad.position, 2)
        self.assertIn("Line 2, invoice T-2", schedule.verification_note)
        self.assertNotIn("Line 10", schedule.verification_note)
        self.assertNotIn("Excel", schedule.verification_note)

    def test_imported_lines_named_by_excel_row(self):
        schedule = self.make_schedule([])
        rows = [HEADER, ["", "", "", "", "", ""],
                [self.debtor_a.vat, "X-1", date(2026, 9, 1), date(2026, 10, 31), 10.0, "EUR"],
                [self.debtor_unapproved.ref, "X-2", date(2026, 9, 1), date(2026, 10, 31),
                 10.0, "EUR"]]
        self.env["factoring.schedule.import"].create({
            "schedule_id": schedule.id, "file": base64.b64encode(xlsx_bytes(rows)),
            "filename": "x.xlsx"}).action_import()
        schedule.action_verify()
        bad = schedule.line_ids.filtered(lambda rec: rec.invoice_number == "X-2")
        self.assertEqual((bad.position, bad.file_row), (2, 4))
        self.assertIn("Line 2 (Excel row 4), invoice X-2", schedule.verification_note)

    def test_corrected_line_loses_its_reason_and_the_banner(self):
        schedule = self.make_schedule([{}, {"amount": -5.0, "invoice_number": "FIX-1"},
                                       {"debtor_id": self.debtor_unapproved.id}])
        schedule.action_verify()
        bad, unapproved = schedule.line_ids[1], schedule.line_ids[2]
        self.assertTrue(bad.check_message)
        self.assertTrue(schedule.verification_note)
        bad.with_user(self.users["client_manager"]).write({"amount": 50.0})
        self.assertFalse(bad.check_message, "the corrected line's old reason is gone")
        self.assertFalse(schedule.verification_note, "the banner is gone")
        self.assertTrue(unapproved.check_message, "other lines keep their reasons")
        self.assertEqual(schedule.error_count, 1)
        schedule.action_verify()
        self.assertIn("Line 3", schedule.verification_note)
        self.assertNotIn("FIX-1", schedule.verification_note)

    # ------------------------------------------------------------------
    # Buttons and edit modes per role
    # ------------------------------------------------------------------
    def _form_buttons(self, model, user):
        arch = self.env[model].with_user(user).get_views([(False, "form")])[
            "views"]["form"]["arch"]
        root = etree.fromstring(arch)
        return root, {(b.get("name"), b.get("string")) for b in root.iter("button")}

    def test_schedule_buttons_per_role(self):
        for role, user in self.users.items():
            with self.subTest(role=role):
                root, buttons = self._form_buttons("factoring.schedule", user)
                names = {name for name, _string in buttons}
                for name in ("action_verify", "action_reset_draft", "action_open_import"):
                    self.assertEqual(name in names, role in SCHEDULE_BUTTON_ROLES, name)
                self.assertEqual(("action_cancel", "Cancel") in buttons,
                                 role in SCHEDULE_BUTTON_ROLES)
                self.assertEqual(("action_cancel", "Cancel Funding") in buttons,
                                 role in ("operations", "manager"))
                self.assertEqual("action_fund" in names, role in ("operations", "manager"))
                can_edit = role in SCHEDULE_BUTTON_ROLES
                self.assertEqual(root.get("edit") != "False", can_edit,
                                 "the form is read-only for roles that cannot edit")
                lines = root.xpath("//field[@name='line_ids']/list")[0]
                for attribute in ("edit", "create", "delete"):
                    self.assertEqual(
                        lines.get(attribute) != "False", can_edit,
                        f"lines: {attribute} only for roles that may change them")

    def test_agreement_form_editable_only_for_credit(self):
        for role, user in self.users.items():
            with self.subTest(role=role):
                root, buttons = self._form_buttons("factoring.agreement", user)
                credit = role in ("credit_analyst", "credit_manager", "manager")
                self.assertEqual(root.get("edit") != "False", credit)
                self.assertEqual(("action_activate", "Activate") in buttons, credit)
                self.assertEqual(("action_reset_draft", "Reset to Draft") in buttons,
                                 role in ("credit_manager", "manager"))

    def test_other_users_note_not_editable_looking(self):
        Interaction = self.env["factoring.interaction"]
        theirs = Interaction.with_user(self.users["collector"]).create({
            "partner_id": self.client.id, "summary": "<p>Promise to pay</p>"})
        mine = Interaction.with_user(self.users["client_manager"]).create({
            "partner_id": self.client.id, "summary": "<p>Visit</p>"})
        client_manager = self.users["client_manager"]
        self.assertFalse(theirs.with_user(client_manager).can_edit)
        self.assertTrue(mine.with_user(client_manager).can_edit)
        self.assertTrue(theirs.with_user(self.users["manager"]).can_edit)
        arch = Interaction.with_user(client_manager).get_views([(False, "form")])[
            "views"]["form"]["arch"]
        summary = etree.fromstring(arch).xpath("//field[@name='summary']")[0]
        self.assertEqual(summary.get("readonly"), "not can_edit")

    # ------------------------------------------------------------------
    # Tracking and formatted amounts
    # ------------------------------------------------------------------
    def test_every_term_change_is_tracked(self):
        client = self.env["res.partner"].create({
            "name": "Tracked Client", "is_company": True, "is_factoring_client": True})
        record = self.env["factoring.agreement"].with_context(tracking_disable=False).create({
            "client_id": client.id, "currency_id": self.eur.id,
            "approved_debtor_ids": [Command.set(self.debtor_a.ids)],
            "date_start": date(2026, 1, 1)})
        record.action_activate()
        # records created in this transaction are tracked from its next commit
        self.env.cr.flush()
        agreement = record.with_user(self.users["credit_analyst"])
        changes = {
            "advance_rate": 85.0, "discount_fee_rate": 2.0, "invoice_fee": 7.5,
            "recourse": "non_recourse", "max_concentration": 50.0,
            "date_end": date(2027, 12, 31),
            "approved_debtor_ids": [Command.link(self.debtor_unapproved.id)],
        }
        for field, value in changes.items():
            with self.subTest(field=field):
                agreement.write({field: value})
                self.env.cr.flush()  # tracking values are written at commit
                record.invalidate_recordset(["message_ids"])
                tracking = record.message_ids[:1].tracking_value_ids.filtered(
                    lambda t: t.field_id.name == field)
                self.assertTrue(tracking, f"{field} change tracked")
        debtors = record.message_ids[:1].tracking_value_ids.filtered(
            lambda t: t.field_id.name == "approved_debtor_ids")
        self.assertIn(self.debtor_unapproved.name, debtors.new_value_char)
        self.assertNotIn(self.debtor_unapproved.name, debtors.old_value_char or "")

    def test_funding_message_amounts_with_currency(self):
        schedule = self.make_schedule([{"amount": 12345.6}]).with_context(
            tracking_disable=False)
        schedule.action_verify()
        schedule.action_fund()
        body = html.unescape(str(
            schedule.message_ids.filtered(lambda m: "Funded" in (m.body or ""))[:1].body))
        self.assertIn(format_amount(self.env, 12345.6, self.eur), body)
        self.assertIn(format_amount(self.env, 11111.04, self.eur), body)
