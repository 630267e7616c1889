"""Disputes on items in a foreign currency (USD items of a EUR company) and
credit notes carrying the invoice's taxes (full and partial)."""
from datetime import date

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import DisputesCommon

# USD per EUR: when the items were booked, and on the day of the resolutions
RATE_BOOKED = 1.25
RATE_TODAY = 1.10


@tagged("post_install", "-at_install")
class TestCurrency(DisputesCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = cls.company._factoring_today()
        cls.env["res.currency.rate"].create([
            {"name": date(2026, 1, 1), "rate": RATE_BOOKED, "currency_id": cls.usd.id,
             "company_id": cls.company.id},
            {"name": today, "rate": RATE_TODAY, "currency_id": cls.usd.id,
             "company_id": cls.company.id},
        ])
        agreement = cls.env["factoring.agreement"].create({
            "client_id": cls.client.id, "company_id": cls.company.id,
            "currency_id": cls.usd.id, "advance_rate": 90.0,
            "approved_debtor_ids": [Command.set([cls.debtor_a.id])],
            "date_start": date(2026, 1, 1)})
        agreement.action_activate()
        schedule = cls.make_schedule([{"invoice_number": "USD-1", "amount": 1000.0}],
                                     agreement=agreement)
        schedule.action_verify()
        schedule.action_fund()
        cls.usd_item = cls.env["account.move.line"].search(
            [("factoring_schedule_line_id", "in", schedule.line_ids.ids)])
        TaxGroup = cls.env["account.tax.group"]
        Tax = cls.env["account.tax"]
        group = TaxGroup.create({"name": "Dispute test VAT", "company_id": cls.company.id,
                                 "country_id": cls.company.account_fiscal_country_id.id})
        cls.vat21, cls.vat6 = Tax.create([{
            "name": f"Dispute test VAT {rate} %", "amount": rate, "amount_type": "percent",
            "type_tax_use": "sale", "company_id": cls.company.id, "tax_group_id": group.id,
            "country_id": cls.company.account_fiscal_country_id.id,
        } for rate in (21.0, 6.0)])
        cls.usd_own = cls.make_invoice_lines(cls.usd, [(1, 1000.0, cls.env["account.tax"])])
        cls.usd_taxed = cls.make_invoice_lines(cls.usd, [(1, 1000.0, cls.vat21)])
        cls.taxed = cls.make_invoice_lines(cls.eur, [(1, 1000.0, cls.vat21)])
        cls.taxed_two = cls.make_invoice_lines(cls.eur, [(3, 123.45, cls.vat21),
                                                         (7, 10.99, cls.vat6)])

    @classmethod
    def make_invoice_lines(cls, currency, lines, partner=None):
        """A posted customer invoice of ``partner`` (debtor A) dated 1 October
        2026; lines: [(quantity, unit price, taxes)]. Returns its receivable item."""
        move = cls.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": (partner or cls.debtor_a).id,
            "invoice_date": date(2026, 10, 1),
            "invoice_date_due": date(2026, 10, 31),
            "currency_id": currency.id,
            "invoice_line_ids": [Command.create({
                "name": f"Goods {index}", "quantity": quantity, "price_unit": price,
                "tax_ids": [Command.set(taxes.ids)]})
                for index, (quantity, price, taxes) in enumerate(lines)],
        })
        move.action_post()
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable")

    def resolve(self, dispute, kind, amounts, user=None, **kw):
        user = user or self.users["supervisor"]
        return dispute.with_user(user)._factoring_resolve(
            kind, {dispute.line_ids.filtered(lambda rec: rec.move_line_id == item): amount
                   for item, amount in amounts}, **kw)

    def usd_to_eur(self, amount, rate=RATE_BOOKED):
        return self.eur.round(amount / rate)

    # ------------------------------------------------------------------
    # Foreign-currency items
    # ------------------------------------------------------------------
    def test_usd_items_booked_as_expected(self):
        """The fixtures the other tests rely on: USD items at the booked rate."""
        for item in (self.usd_item, self.usd_own):
            self.assertEqual(item.currency_id, self.usd)
            self.assertEqual(item.amount_currency, 1000.0)
            self.assertEqual(item.balance, self.usd_to_eur(1000.0))

    def test_disputed_amount_checked_in_item_currency(self):
        """1,000 USD (800 EUR) may be disputed for 1,000, not 1,000.01: the
        residual is checked in the item's currency, not in company currency."""
        with self.assertRaisesRegex(
                ValidationError, r"1000\.01 USD is above the item's open residual 1000\.0 USD"), \
                self.env.cr.savepoint():
            self.open_dispute([(self.usd_item, 1000.01)])
        self.env.invalidate_all()
        self.assertFalse(self.usd_item.factoring_on_hold, "nothing written")
        dispute = self.open_dispute([(self.usd_item, 1000.0)])
        line = dispute.line_ids
        self.assertEqual(line.currency_id, self.usd)
        self.assertEqual(line.item_residual, 1000.0)
        self.assertEqual(line.amount_company, self.usd_to_eur(1000.0))
        self.assertEqual(dispute.currency_id, self.eur)
        self.assertEqual(dispute.amount_disputed, self.usd_to_eur(1000.0))
        self.assertEqual(self.usd_item.factoring_disputed_amount, 1000.0)
        # raising it above the residual later is refused too, as the collector over RPC
        with self.assertRaisesRegex(ValidationError, "above the item's open residual"), \
                self.env.cr.savepoint():
            line.with_user(self.users["collector"]).write({"amount": 1000.5})
        self.env.invalidate_all()
        self.assertEqual(line.amount, 1000.0)

    def test_amounts_not_written_directly(self):
        """The company-currency amounts are computed: neither the owner nor a
        supervisor writes them over RPC."""
        dispute = self.open_dispute([(self.usd_item, 500.0)])
        for user in (self.users["collector"], self.users["supervisor"]):
            with self.assertRaisesRegex(UserError, "not written directly"):
                dispute.line_ids.with_user(user).write({"amount_company": 1.0})
            with self.assertRaisesRegex(UserError, "not written directly"):
                dispute.with_user(user).write({"amount_disputed": 1.0})
            with self.assertRaisesRegex(UserError, "not written directly"):
                dispute.with_user(user).write({"amount_unresolved": 0.0})
        with self.assertRaisesRegex(UserError, "not written directly"):
            self.open_dispute([(self.usd_own, 10.0)], amount_credited=10.0)
        self.assertEqual(dispute.line_ids.amount_company, self.usd_to_eur(500.0))
        self.assertEqual(dispute.amount_unresolved, self.usd_to_eur(500.0))

    def test_document_at_most_current_residual(self):
        """Disputed 500 of 1,000; the debtor pays 800 meanwhile: a recourse of
        500 would credit more than is open (200): refused, nothing posted."""
        dispute = self.open_dispute([(self.item1, 500.0)])
        self.pay(self.item1, 800.0)
        self.assertEqual(self.item1.amount_residual, 200.0)
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(ValidationError, r"more than what is still open on the "
                                                     r"item \(200\.0 EUR"), \
                self.env.cr.savepoint():
            self.resolve(dispute, "credit_note", [(self.item1, 500.0)])
        self.env.invalidate_all()
        self.assertFalse(dispute.resolution_ids)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertEqual(self.item1.amount_residual, 200.0)
        self.resolve(dispute, "credit_note", [(self.item1, 200.0)])
        self.resolve(dispute, "debtor_pays", [(self.item1, 300.0)])
        self.assertTrue(self.item1.reconciled)

    def test_open_dispute_from_items_proposes_residual_in_currency(self):
        action = self.usd_item.with_user(self.users["collector"]).action_factoring_open_dispute()
        [(_cmd, _id, vals)] = action["context"]["default_line_ids"]
        self.assertEqual(vals["amount"], self.usd_item.amount_residual_currency)
        self.assertEqual(vals["amount"], 1000.0)

    def test_recourse_on_usd_factored_item(self):
        """400 USD charged back to the client, 600 rejected: the entry moves
        400 USD at the item's rate; the item keeps 600 USD (480 EUR)."""
        dispute = self.open_dispute([(self.usd_item, 1000.0)])
        resolution = self.resolve(dispute, "credit_note", [(self.usd_item, 400.0)])
        self.assertEqual(resolution.kind, "recourse")
        self.assertEqual(resolution.currency_id, self.usd)
        logged = dispute.message_ids.filtered(lambda m: "Resolved:" in (m.body or ""))
        self.assertIn("$", logged.body, "the amount is logged in the item's currency")
        self.assertIn("400.00", logged.body)
        move = resolution.move_id
        self.assertEqual(move.state, "posted")
        client_line = move.line_ids.filtered(
            lambda rec: rec.account_id == self.company.factoring_client_account_id)
        item_line = move.line_ids.filtered(lambda rec: rec.account_id == self.usd_item.account_id)
        self.assertEqual((client_line.partner_id, client_line.currency_id), (self.client, self.usd))
        self.assertEqual(client_line.amount_currency, 400.0)
        self.assertEqual(client_line.balance, self.usd_to_eur(400.0))
        self.assertEqual(item_line.amount_currency, -400.0)
        self.assertEqual(item_line.balance, -self.usd_to_eur(400.0))
        self.assertEqual(self.usd_item.amount_residual_currency, 600.0)
        self.assertEqual(self.usd_item.amount_residual, self.usd_to_eur(600.0))
        self.assertEqual(dispute.amount_credited, self.usd_to_eur(400.0))
        self.assertTrue(self.usd_item.factoring_on_hold, "600 USD still disputed")
        self.resolve(dispute, "rejected", [(self.usd_item, 600.0)])
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.amount_unresolved, 0.0)
        self.assertEqual(dispute.amount_credited + dispute.amount_rejected,
                         dispute.amount_disputed)
        self.assertFalse(self.usd_item.factoring_on_hold)

    def test_resolutions_add_up_in_company_currency(self):
        """A USD amount split in parts whose conversions do not add up to the
        converted whole: the dispute's totals still add up (and close)."""
        # 100.04 USD = 80.03 EUR, but 50.02 USD = 40.02 EUR twice
        item = self.make_invoice_lines(self.usd, [(1, 100.04, self.env["account.tax"])])
        dispute = self.open_dispute([(item, 100.04)])
        self.assertEqual(dispute.amount_disputed, self.usd_to_eur(100.04))
        self.assertAlmostEqual(2 * self.usd_to_eur(50.02) - dispute.amount_disputed, 0.01,
                               places=6)
        self.resolve(dispute, "rejected", [(item, 50.02)])
        self.assertEqual(dispute._lines_unresolved(), dispute.line_ids)
        self.resolve(dispute, "debtor_pays", [(item, 50.02)])
        self.assertFalse(dispute._lines_unresolved())
        self.assertEqual(dispute.amount_unresolved, 0.0)
        self.assertAlmostEqual(dispute.amount_rejected + dispute.amount_debtor_pays,
                               dispute.amount_disputed, places=6)

    def test_write_off_usd_allowance_in_company_currency(self):
        """The collector's allowance is 100 EUR: 120 USD (96 EUR) is within it,
        150 USD (120 EUR) is not. A write-off of the whole residual clears the
        item in both currencies, without an exchange difference."""
        collector = self.users["collector"]
        dispute = self.open_dispute([(self.usd_own, 1000.0)])
        with self.assertRaisesRegex(UserError, "above your allowance of 100"):
            self.resolve(dispute, "write_off", [(self.usd_own, 150.0)], user=collector)
        self.assertFalse(dispute.resolution_ids, "nothing written")
        first = self.resolve(dispute, "write_off", [(self.usd_own, 120.0)], user=collector)
        account = self.company.factoring_dispute_writeoff_account_id
        debit = first.move_id.line_ids.filtered(lambda rec: rec.account_id == account)
        self.assertEqual((debit.currency_id, debit.amount_currency), (self.usd, 120.0))
        self.assertEqual(debit.balance, self.usd_to_eur(120.0))
        self.assertEqual(self.usd_own.amount_residual_currency, 880.0)
        self.assertEqual(self.usd_own.amount_residual, self.usd_to_eur(880.0))
        rest = self.resolve(dispute, "write_off", [(self.usd_own, 880.0)])
        credit = rest.move_id.line_ids.filtered(
            lambda rec: rec.account_id == self.usd_own.account_id)
        self.assertEqual(credit.amount_currency, -880.0)
        self.assertEqual(credit.balance, -(self.usd_to_eur(1000.0) - self.usd_to_eur(120.0)))
        self.assertTrue(self.usd_own.reconciled)
        self.assertEqual((self.usd_own.amount_residual, self.usd_own.amount_residual_currency),
                         (0.0, 0.0))
        partials = self.usd_own.matched_credit_ids
        self.assertFalse(partials.exchange_move_id, "settled at its carrying amount")
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.amount_written_off, self.usd_to_eur(1000.0))

    def test_partial_credit_note_on_usd_invoice(self):
        """300 USD credited on a 1,210 USD invoice (1,000 + 21 % VAT): a USD
        credit note of 300 with its VAT, at the day's rate (as Odoo's credit
        note); the invoice keeps 910 USD, and in euros what remains of its
        booked value."""
        item = self.usd_taxed
        dispute = self.open_dispute([(item, 300.0)])
        refund = self.resolve(dispute, "credit_note", [(item, 300.0)]).move_id
        self.assertEqual((refund.move_type, refund.state, refund.currency_id),
                         ("out_refund", "posted", self.usd))
        self.assertEqual(refund.amount_total, 300.0)
        receivable = refund.line_ids.filtered(lambda rec: rec.account_id == item.account_id)
        self.assertEqual(receivable.amount_currency, -300.0)
        # at the day's rate: the credited goods converted, the VAT in euros on
        # their euro base (Odoo's computation), the receivable their sum
        product = refund.invoice_line_ids
        self.assertAlmostEqual(product.balance, product.amount_currency / RATE_TODAY,
                               delta=0.006)
        vat = refund.line_ids.filtered(lambda rec: rec.tax_line_id)
        self.assertAlmostEqual(vat.balance, product.balance * 0.21, delta=0.006)
        self.assertAlmostEqual(receivable.balance, -300.0 / RATE_TODAY, delta=0.02)
        self.assertTrue(refund.line_ids.filtered(lambda rec: rec.tax_line_id == self.vat21))
        self.assertEqual(item.amount_residual_currency, 910.0)
        self.assertAlmostEqual(item.amount_residual, self.usd_to_eur(1210.0)
                               - self.usd_to_eur(300.0), delta=0.01)
        self.assertEqual(refund.payment_state, "paid")
        self.assertEqual(dispute.state, "resolved")

    def test_full_credit_note_on_usd_invoice(self):
        item = self.usd_own
        dispute = self.open_dispute([(item, 1000.0)])
        refund = self.resolve(dispute, "credit_note", [(item, 1000.0)]).move_id
        self.assertEqual(refund.reversed_entry_id, item.move_id)
        self.assertEqual((refund.currency_id, refund.amount_total), (self.usd, 1000.0))
        self.assertTrue(item.reconciled)
        self.assertEqual(item.amount_residual_currency, 0.0)
        self.assertEqual(item.amount_residual, 0.0)
        self.assertEqual(item.move_id.payment_state, "reversed")

    # ------------------------------------------------------------------
    # Credit notes with the invoice's taxes
    # ------------------------------------------------------------------
    def assert_taxes_follow_bases(self, refund):
        """Each tax of the credit note is its rate times its base (within the
        cent a rounding adjustment may move)."""
        for tax in refund.line_ids.tax_line_id:
            base = sum(refund.invoice_line_ids.filtered(
                lambda rec, t=tax: t in rec.tax_ids).mapped("price_subtotal"))
            amount = sum(refund.line_ids.filtered(
                lambda rec, t=tax: rec.tax_line_id == t).mapped("amount_currency"))
            self.assertAlmostEqual(amount, base * tax.amount / 100.0, delta=0.011, msg=tax.name)

    def test_partial_credit_note_carries_invoice_taxes(self):
        item = self.taxed
        invoice = item.move_id
        self.assertEqual(invoice.amount_total, 1210.0)
        dispute = self.open_dispute([(item, 300.0)])
        refund = self.resolve(dispute, "credit_note", [(item, 300.0)]).move_id
        self.assertEqual((refund.move_type, refund.state), ("out_refund", "posted"))
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(refund.amount_total, 300.0)
        self.assertEqual(refund.amount_untaxed, self.eur.round(300.0 / 1.21))
        self.assertAlmostEqual(refund.amount_tax, 300.0 - refund.amount_untaxed, places=2)
        product = refund.invoice_line_ids
        self.assertEqual(len(product), 1)
        self.assertEqual(product.tax_ids, self.vat21)
        self.assertEqual(product.account_id, invoice.invoice_line_ids.account_id)
        self.assertEqual(refund.line_ids.tax_line_id, self.vat21)
        self.assert_taxes_follow_bases(refund)
        self.assertEqual(refund.payment_state, "paid", "reconciled with the invoice")
        self.assertEqual(item.amount_residual, 910.0)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(dispute.amount_credited, 300.0)

    def test_partial_credit_note_tax_rounding_cent(self):
        """100 incl. 21 % VAT has no exact base (82.64 + 17.35 = 99.99,
        82.65 + 17.36 = 100.01): the cent goes on the VAT, the total is exact."""
        item = self.taxed
        dispute = self.open_dispute([(item, 100.0)])
        refund = self.resolve(dispute, "credit_note", [(item, 100.0)]).move_id
        self.assertEqual(refund.amount_total, 100.0)
        self.assertTrue(refund.line_ids.filtered(lambda rec: rec.tax_line_id == self.vat21))
        self.assert_taxes_follow_bases(refund)
        self.assertEqual(item.amount_residual, 1110.0)

    def test_partial_credit_note_two_taxes_prorated(self):
        """Two lines (quantities 3 and 7) with 21 % and 6 %: both lines and both
        taxes credited in proportion, the total is the credited amount."""
        item = self.taxed_two
        invoice = item.move_id
        dispute = self.open_dispute([(item, 250.0)])
        refund = self.resolve(dispute, "credit_note", [(item, 250.0)]).move_id
        self.assertEqual(refund.amount_total, 250.0)
        self.assertEqual(refund.line_ids.tax_line_id, self.vat21 | self.vat6)
        ratio = 250.0 / invoice.amount_total
        for tax in (self.vat21, self.vat6):
            base = sum(refund.invoice_line_ids.filtered(
                lambda rec, t=tax: t in rec.tax_ids).mapped("price_subtotal"))
            invoiced = sum(invoice.invoice_line_ids.filtered(
                lambda rec, t=tax: t in rec.tax_ids).mapped("price_subtotal"))
            self.assertAlmostEqual(base, invoiced * ratio, delta=0.011, msg=tax.name)
        self.assert_taxes_follow_bases(refund)
        self.assertEqual(item.amount_residual, self.eur.round(invoice.amount_total - 250.0))

    def test_full_credit_note_with_taxes_is_the_reversal(self):
        item = self.taxed
        invoice = item.move_id
        dispute = self.open_dispute([(item, 1210.0)])
        refund = self.resolve(dispute, "credit_note", [(item, 1210.0)]).move_id
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual((refund.amount_untaxed, refund.amount_tax, refund.amount_total),
                         (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total))
        self.assertEqual(refund.invoice_line_ids.mapped("price_unit"),
                         invoice.invoice_line_ids.mapped("price_unit"))
        self.assertTrue(item.reconciled)
        self.assertEqual(invoice.payment_state, "reversed")

    def test_credit_note_then_rest_by_debtor(self):
        """Partial: 300 credited (with VAT), the rest of the dispute rejected;
        the numbers add up to the disputed amount."""
        item = self.taxed
        dispute = self.open_dispute([(item, 500.0)])
        self.resolve(dispute, "credit_note", [(item, 300.0)])
        self.assertEqual(dispute.state, "open")
        self.resolve(dispute, "rejected", [(item, 200.0)])
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.amount_credited + dispute.amount_rejected, 500.0)
        self.assertEqual(item.amount_residual, 910.0)
