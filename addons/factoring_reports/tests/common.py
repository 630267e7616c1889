from odoo import Command

from odoo.addons.factoring_base.tests.common import FactoringCommon


class ReportsCommon(FactoringCommon):
    """Base's factoring company, roles, client and debtors, plus a bank journal
    and helpers that post own invoices and pay items with Odoo's own wizards.
    The collector collects debtor A only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)
        cls.debtor_a.factoring_collector_id = cls.users["collector"]
        cls.manager = cls.users["manager"]

    @classmethod
    def make_invoice(cls, partner, amount, invoice_date, due_date, ref=None, currency=None):
        """Post an own customer invoice without taxes (in euros, or ``currency``);
        return its receivable item."""
        move = cls.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": invoice_date,
            "invoice_date_due": due_date,
            "currency_id": (currency or cls.eur).id,
            "ref": ref,
            "invoice_line_ids": [Command.create({
                "name": ref or "Goods",
                "quantity": 1,
                "price_unit": amount,
                "tax_ids": [Command.clear()],
            })],
        })
        move.action_post()
        item = move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable")
        assert item.date_maturity == due_date, (item.date_maturity, due_date)
        assert item.amount_currency == amount, item.amount_currency
        return item

    @classmethod
    def pay(cls, items, amount, pay_date):
        """Register a payment with Odoo's payment wizard, reconciled with ``items``."""
        wizard = cls.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=items.ids,
        ).create({
            "payment_date": pay_date,
            "amount": amount,
            "journal_id": cls.bank_journal.id,
        })
        return wizard._create_payments()

    @classmethod
    def fund(cls, lines, schedule_date):
        schedule = cls.make_schedule(lines, schedule_date=schedule_date)
        schedule.action_verify()
        assert schedule.state == "verified", schedule.verification_note
        schedule.action_fund()
        return schedule
