from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import FactoringCommon

HOLD_ROLES = ("credit_analyst", "credit_manager", "supervisor", "manager")
NO_HOLD_ROLES = ("client_manager", "collector", "operations")


@tagged("post_install", "-at_install")
class TestItemHold(FactoringCommon):
    """Holds on receivable items: set and lifted by their source, the stored
    flag follows, manual holds by the roles allowed; the item accessor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.schedule = cls.make_schedule([
            {"invoice_number": "H-1", "invoice_date": date(2026, 9, 1),
             "due_date": date(2026, 10, 1)},
            {"invoice_number": "H-2", "debtor_id": cls.debtor_b.id, "amount": 2500.0},
        ])
        cls.schedule.action_verify()
        cls.schedule.action_fund()
        cls.items = cls.schedule.move_id.line_ids.filtered("factoring_schedule_line_id").sorted(
            "name")
        cls.item1, cls.item2 = cls.items

    def test_set_and_lift_keep_the_flag_right(self):
        Line = self.env["account.move.line"]
        self.assertFalse(self.items.filtered("factoring_on_hold"))
        holds = self.items._factoring_set_hold("Awaiting delivery note", "manual")
        self.assertEqual(len(holds), 2)
        self.assertEqual(holds.user_id, self.env.user)
        self.assertTrue(all(self.items.mapped("factoring_on_hold")))
        self.assertEqual(Line.search([("factoring_on_hold", "=", True),
                                      ("id", "in", self.items.ids)]), self.items)
        # setting it again does nothing
        self.assertFalse(self.items._factoring_set_hold("Awaiting delivery note", "manual"))
        self.assertEqual(len(self.item1.factoring_hold_ids), 1)
        lifted = self.item1._factoring_lift_holds("manual")
        self.assertEqual(len(lifted), 1)
        self.assertFalse(lifted.active)
        self.assertEqual(lifted.lifted_user_id, self.env.user)
        self.assertTrue(lifted.lifted_date)
        self.assertFalse(self.item1.factoring_on_hold)
        self.assertTrue(self.item2.factoring_on_hold)
        self.assertEqual(Line.search([("factoring_on_hold", "=", True),
                                      ("id", "in", self.items.ids)]), self.item2)
        # the flag is stored: the database has it, not only the cache
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id FROM account_move_line WHERE factoring_on_hold AND id = ANY(%s)",
            [self.items.ids])
        self.assertEqual([r[0] for r in self.env.cr.fetchall()], self.item2.ids)
        # history: the lifted hold stays, archived
        history = self.env["factoring.item.hold"].with_context(active_test=False).search(
            [("move_line_id", "=", self.item1.id)])
        self.assertEqual(history, lifted)

    def test_sources_and_origins_are_separate(self):
        # a second source and an origin, as a dispute or a promise would set them
        origin_a, origin_b = self.schedule.line_ids[0], self.schedule.line_ids[1]
        self.item1._factoring_set_hold("Manual check", "manual")
        self.item1._factoring_set_hold("Claim 1", "manual", origin=origin_a)
        self.item1._factoring_set_hold("Claim 2", "manual",
                                       origin=(origin_b._name, origin_b.id))
        self.assertEqual(len(self.item1.factoring_hold_ids), 3)
        lifted = self.item1._factoring_lift_holds("manual", origin=origin_a)
        self.assertEqual(lifted.reason, "Claim 1")
        self.assertEqual(lifted.res_model, "factoring.schedule.line")
        self.assertEqual(lifted.res_id, origin_a.id)
        self.assertTrue(self.item1.factoring_on_hold, "two holds remain")
        self.item1._factoring_lift_holds("manual")
        self.assertFalse(self.item1.factoring_on_hold)
        self.assertFalse(self.item1.factoring_hold_ids)

    def test_only_receivable_items_with_a_reason(self):
        other = self.schedule.move_id.line_ids.filtered(
            lambda rec: rec.account_type != "asset_receivable")[:1]
        with self.assertRaisesRegex(UserError, "receivable"):
            other._factoring_set_hold("x", "manual")
        with self.assertRaisesRegex(UserError, "reason"):
            self.item1._factoring_set_hold(" ", "manual")
        self.assertFalse(self.env["factoring.item.hold"].search(
            [("move_line_id", "in", self.schedule.move_id.line_ids.ids)]))

    def test_manual_holds_per_role(self):
        for role in HOLD_ROLES:
            with self.subTest(role=role):
                user = self.users[role]
                self.item1.with_user(user).action_factoring_hold(f"held by {role}")
                self.assertTrue(self.item1.factoring_on_hold)
                self.assertEqual(self.item1.factoring_hold_ids.user_id, user)
                self.item1.with_user(user).action_factoring_lift_hold()
                self.assertFalse(self.item1.factoring_on_hold)
                self.assertEqual(
                    self.env["factoring.item.hold"].with_context(active_test=False).search(
                        [("reason", "=", f"held by {role}")]).lifted_user_id, user)
        self.item2.action_factoring_hold("Checked by credit")
        for role in NO_HOLD_ROLES:
            with self.subTest(role=role):
                user = self.users[role]
                with self.assertRaises(AccessError):
                    self.item1.with_user(user).action_factoring_hold("no")
                with self.assertRaises(AccessError):
                    self.item2.with_user(user).action_factoring_lift_hold()
                # every role reads holds and sees the item held
                self.assertTrue(self.item2.with_user(user).read(
                    ["factoring_on_hold"])[0]["factoring_on_hold"])
                self.assertEqual(
                    self.env["factoring.item.hold"].with_user(user).search(
                        [("move_line_id", "=", self.item2.id)]).reason, "Checked by credit")
        self.assertFalse(self.item1.factoring_on_hold)
        self.assertTrue(self.item2.factoring_on_hold)

    def test_holds_are_not_written_directly(self):
        hold = self.item1._factoring_set_hold("Manual", "manual")
        for role in HOLD_ROLES + NO_HOLD_ROLES:
            with self.subTest(role=role):
                user = self.users[role]
                with self.assertRaises(AccessError):
                    self.env["factoring.item.hold"].with_user(user).create({
                        "move_line_id": self.item2.id, "reason": "x"})
                with self.assertRaises(AccessError):
                    hold.with_user(user).write({"active": False})
                with self.assertRaises(AccessError):
                    hold.with_user(user).unlink()
        self.assertTrue(self.item1.factoring_on_hold)

    def test_manual_hold_only_on_open_items(self):
        payment_move = self.env["account.move"].create({
            "move_type": "entry",
            "journal_id": self.company.factoring_journal_id.id,
            "line_ids": [
                Command.create({"account_id": self.item1.account_id.id,
                                "partner_id": self.debtor_a.id, "balance": -1000.0}),
                Command.create({"account_id": self.company.factoring_client_account_id.id,
                                "partner_id": self.debtor_a.id, "balance": 1000.0}),
            ],
        })
        payment_move.action_post()
        (self.item1 | payment_move.line_ids.filtered(
            lambda rec: rec.account_id == self.item1.account_id)).with_context(
                factoring_no_fee=True).reconcile()
        self.assertTrue(self.item1.reconciled)
        with self.assertRaisesRegex(UserError, "open items"):
            self.item1.with_user(self.users["credit_analyst"]).action_factoring_hold("late")

    def test_hold_wizard(self):
        wizard = Form(self.env["factoring.item.hold.wizard"].with_user(
            self.users["supervisor"]).with_context(
                active_model="account.move.line", active_ids=self.items.ids))
        wizard.reason = "Client asked to wait"
        wizard.save().action_confirm()
        self.assertTrue(all(self.items.mapped("factoring_on_hold")))
        self.assertEqual(set(self.items.factoring_hold_ids.mapped("reason")),
                         {"Client asked to wait"})

    def test_item_data_for_factored_and_own_invoices(self):
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": self.debtor_a.id,
            "invoice_date": date(2026, 9, 20),
            "invoice_date_due": date(2026, 10, 20),
            "invoice_line_ids": [Command.create({"name": "Consulting", "quantity": 1,
                                                 "price_unit": 300.0, "tax_ids": []})],
        })
        invoice.action_post()
        own_item = invoice.line_ids.filtered(lambda rec: rec.account_type == "asset_receivable")
        data = (self.items | own_item)._factoring_item_data()
        self.assertEqual(data[self.item1.id], {
            "number": "H-1", "invoice_date": date(2026, 9, 1),
            "due_date": date(2026, 10, 1), "client_id": self.client.id})
        self.assertEqual(data[self.item2.id]["number"], "H-2")
        self.assertEqual(data[own_item.id], {
            "number": invoice.name, "invoice_date": date(2026, 9, 20),
            "due_date": date(2026, 10, 20), "client_id": False})
        today = self.company._factoring_today()
        self.assertEqual(self.item1.factoring_invoice_number, "H-1")
        self.assertEqual(self.item1.factoring_invoice_date, date(2026, 9, 1))
        self.assertEqual(self.item1.factoring_days_past_due, (today - date(2026, 10, 1)).days)
        self.assertEqual(own_item.factoring_invoice_number, invoice.name)
        self.assertEqual(own_item.factoring_days_past_due,
                         (today - date(2026, 10, 20)).days)
        self.assertEqual(own_item.factoring_item_state, "open")
        # every role reads the screen fields, computed for many items in one go
        for user in self.users.values():
            lines = (self.items | own_item).with_user(user)
            self.assertEqual(lines.mapped("factoring_invoice_number"),
                             ["H-1", "H-2", invoice.name])
        # not yet due: negative days
        future = self.make_schedule([{"invoice_number": "H-3", "invoice_date": today,
                                      "due_date": today + timedelta(days=30)}],
                                    schedule_date=today)
        future.action_verify()
        future.action_fund()
        item3 = future.move_id.line_ids.filtered("factoring_schedule_line_id")
        self.assertEqual(item3.factoring_days_past_due, -30)
