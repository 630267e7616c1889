from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import FactoringCommon


@tagged("post_install", "-at_install")
class TestReserveRelease(FactoringCommon):
    """Reserve owed = reserve held on open factored items + releasable reserve,
    which is paid out to the client as a native outbound payment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)
        cls.accountant = new_test_user(
            cls.env, login="fact_reserve_accountant", groups="account.group_account_manager",
            name="Test accountant", company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)])

    def _fund(self, lines):
        schedule = self.make_schedule(lines)
        schedule.action_verify()
        schedule.action_fund()
        return schedule

    def _pay(self, lines, amount, pay_date):
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=lines.ids,
        ).create({"payment_date": pay_date, "amount": amount,
                  "journal_id": self.bank_journal.id,
                  "payment_difference_handling": "open"})
        return wizard._create_payments()

    def _figures(self, partner=None):
        partner = partner or self.client
        partner.invalidate_recordset()
        return (partner.factoring_reserve_balance, partner.factoring_reserve_held,
                partner.factoring_reserve_releasable)

    def _release(self, user):
        action = self.client.with_user(user).action_factoring_release_reserve()
        self.assertEqual(action["res_model"], "factoring.reserve.release")
        form = Form(self.env["factoring.reserve.release"].with_user(user).with_context(
            **action["context"]))
        form.journal_id = self.bank_journal
        wizard = form.save()
        result = wizard.action_release()
        return self.env["account.payment"].browse(result["res_id"])

    def _paid_to_client(self):
        return sum(self.env["account.payment"].search([
            ("partner_id", "=", self.client.id), ("payment_type", "=", "outbound"),
            ("state", "in", ("in_process", "paid"))]).mapped("amount"))

    def test_design_example(self):
        """docs/domain.md: 10,000 at 90 %: 9,000 advanced, 1,000 reserve held; paid
        after 60 days at 1.5 % per 30 days: fee 300, 700 releasable; released:
        nothing left; the client received 9,700 in all."""
        schedule = self._fund([{"amount": 10000.0, "invoice_number": "BIG-1"}])
        advance = schedule.move_id.line_ids.filtered(
            lambda rec: rec.account_id == self.company.factoring_advance_account_id)
        self._pay(advance, 9000.0, schedule.funded_date)
        self.assertEqual(self._figures(), (1000.0, 1000.0, 0.0))
        with self.assertRaisesRegex(UserError, "no releasable reserve"):
            self._release(self.users["operations"])

        self._pay(schedule.line_ids.move_line_id, 10000.0,
                  schedule.funded_date + timedelta(days=60))
        self.assertAlmostEqual(schedule.line_ids.fee_amount, 300.0)
        self.assertEqual(self._figures(), (700.0, 0.0, 700.0))

        payment = self._release(self.users["operations"])
        self.assertEqual(payment.state, "in_process")
        self.assertEqual(payment.move_id.state, "posted")
        self.assertEqual(payment.payment_type, "outbound")
        self.assertEqual(payment.partner_id, self.client)
        self.assertAlmostEqual(payment.amount, 700.0)
        counterpart = payment.move_id.line_ids.filtered(
            lambda rec: rec.account_id == self.company.factoring_client_account_id)
        self.assertAlmostEqual(counterpart.balance, 700.0)
        self.assertTrue(counterpart.reconciled, "matched with the current account")
        self.assertEqual(self._figures(), (0.0, 0.0, 0.0))
        self.assertAlmostEqual(self._paid_to_client(), 9700.0)
        with self.assertRaisesRegex(UserError, "no releasable reserve"):
            self._release(self.users["operations"])

    def test_one_paid_one_open(self):
        """A paid 10,000 (30 days: fee 150) and an open 5,000: 500 stays held,
        850 is releasable; once the 5,000 is paid after 60 days (fee 150) the
        remaining 350 becomes releasable."""
        schedule = self._fund([
            {"amount": 10000.0, "invoice_number": "A-1"},
            {"amount": 5000.0, "invoice_number": "B-1", "debtor_id": self.debtor_b.id},
        ])
        paid_line, open_line = schedule.line_ids.sorted("invoice_number")
        self._pay(paid_line.move_line_id, 10000.0, schedule.funded_date + timedelta(days=30))
        self.assertEqual(self._figures(), (1350.0, 500.0, 850.0))

        self._pay(open_line.move_line_id, 3000.0, schedule.funded_date + timedelta(days=40))
        self.assertEqual(self._figures(), (1350.0, 200.0, 1150.0),
                         "the reserve on the part paid is no longer held")

        payment = self._release(self.accountant)
        self.assertAlmostEqual(payment.amount, 1150.0)
        self.assertEqual(self._figures(), (200.0, 200.0, 0.0))

        self._pay(open_line.move_line_id, 2000.0, schedule.funded_date + timedelta(days=60))
        self.assertAlmostEqual(open_line.fee_amount, 150.0)
        self.assertEqual(self._figures(), (50.0, 0.0, 50.0))

    def test_figures_for_many_clients_at_once(self):
        other = self.env["res.partner"].create({
            "name": "Second Client", "is_company": True, "is_factoring_client": True})
        agreement = self.env["factoring.agreement"].create({
            "client_id": other.id, "company_id": self.company.id,
            "currency_id": self.eur.id, "advance_rate": 80.0,
            "approved_debtor_ids": [Command.set(self.debtor_a.ids)],
            "date_start": self.agreement.date_start})
        agreement.action_activate()
        self._fund([{"amount": 2000.0}])
        second = self.make_schedule([{"amount": 1000.0}], agreement=agreement)
        second.action_verify()
        second.action_fund()
        # the agreement's rate changes later: the held reserve follows the
        # funding entry, not the new rate
        agreement.advance_rate = 50.0
        partners = self.client | other
        partners.invalidate_recordset()
        self.assertEqual(partners.mapped("factoring_reserve_held"), [200.0, 200.0])
        self.assertEqual(partners.mapped("factoring_reserve_releasable"), [0.0, 0.0])

    def test_release_rights(self):
        self._fund([{"amount": 1000.0}])
        for role in ("client_manager", "credit_analyst", "credit_manager", "collector",
                     "supervisor"):
            user = self.users[role]
            with self.assertRaises(AccessError, msg=role):
                self.client.with_user(user).action_factoring_release_reserve()
            with self.assertRaises(AccessError, msg=role):
                self.client.with_user(user)._factoring_release_reserve(
                    self.bank_journal, self.agreement.date_start)
        wizard = self.env["factoring.reserve.release"].create({
            "partner_id": self.client.id, "journal_id": self.bank_journal.id})
        with self.assertRaises(AccessError):
            wizard.with_user(self.users["client_manager"]).action_release()
        self.assertFalse(self.env["account.payment"].search_count(
            [("partner_id", "=", self.client.id)]))
