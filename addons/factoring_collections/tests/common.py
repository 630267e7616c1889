from datetime import date, timedelta

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.factoring_base.tests.common import FactoringCommon


class CollectionsCommon(FactoringCommon):
    """Base's factoring company, roles, client and debtors; debtor A is worked
    by the collector, debtor B by a second collector; a bank journal and
    helpers that post own invoices and pay them with Odoo's own wizard."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.company._factoring_today()
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)
        cls.collector = cls.users["collector"]
        cls.supervisor = cls.users["supervisor"]
        cls.collector_2 = new_test_user(
            cls.env, login="fact_collector_2", groups="factoring_base.group_factoring_collector",
            name="Test collector 2", company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)])
        cls.debtor_a.factoring_collector_id = cls.collector
        cls.debtor_b.factoring_collector_id = cls.collector_2
        cls.ap_contact = cls.env["res.partner"].create({
            "name": "Anne Payable", "parent_id": cls.debtor_a.id, "type": "contact",
            "email": "ap@grandmagasin.example.com", "factoring_contact_role": "ap"})

    @classmethod
    def make_invoice(cls, partner, amount, due_date, invoice_date=None, ref=None):
        """Post an own customer invoice without taxes; return its receivable item."""
        move = cls.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": invoice_date or min(due_date, cls.today) - timedelta(days=30),
            "invoice_date_due": due_date,
            "currency_id": cls.eur.id,
            "ref": ref,
            "invoice_line_ids": [Command.create({
                "name": ref or "Goods",
                "quantity": 1,
                "price_unit": amount,
                "tax_ids": [Command.clear()],
            })],
        })
        move.action_post()
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable")

    @classmethod
    def pay(cls, items, amount, pay_date):
        wizard = cls.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=items.ids,
        ).create({
            "payment_date": pay_date,
            "amount": amount,
            "journal_id": cls.bank_journal.id,
        })
        return wizard._create_payments()

    def days(self, n):
        return self.today + timedelta(days=n)


__all__ = ["CollectionsCommon", "date"]
