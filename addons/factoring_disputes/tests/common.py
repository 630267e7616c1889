from datetime import date

from odoo import Command

from odoo.addons.factoring_base.tests.common import FactoringCommon


class DisputesCommon(FactoringCommon):
    """Base's factoring company, roles, client and debtors; two factored items
    on debtor A and one on debtor B, an own invoice of debtor A; write-off
    allowances (collector 100, supervisor 1,000); the collector collects
    debtor A."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.debtor_a.factoring_collector_id = cls.users["collector"]
        cls.schedule = cls.make_schedule([
            {"invoice_number": "DSP-1", "amount": 1000.0},
            {"invoice_number": "DSP-2", "amount": 2000.0},
            {"invoice_number": "DSP-3", "amount": 1500.0, "debtor_id": cls.debtor_b.id},
        ])
        cls.schedule.action_verify()
        cls.schedule.action_fund()
        Line = cls.env["account.move.line"]
        items = Line.search([("factoring_schedule_line_id", "in", cls.schedule.line_ids.ids)])
        cls.item1 = items.filtered(lambda r: r.name == "DSP-1")
        cls.item2 = items.filtered(lambda r: r.name == "DSP-2")
        cls.item_b = items.filtered(lambda r: r.name == "DSP-3")
        cls.own = cls.make_invoice(cls.debtor_a, 800.0, date(2026, 10, 1), date(2026, 10, 31))
        Limit = cls.env["factoring.dispute.writeoff.limit"]
        Limit.create([
            {"company_id": cls.company.id, "amount": 100.0,
             "group_id": cls.env.ref("factoring_base.group_factoring_collector").id},
            {"company_id": cls.company.id, "amount": 1000.0,
             "group_id": cls.env.ref(
                 "factoring_base.group_factoring_collections_supervisor").id},
        ])
        cls.reason = cls.env.ref("factoring_disputes.reason_pricing")
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)

    @classmethod
    def make_invoice(cls, partner, amount, invoice_date, due_date, ref=None):
        move = cls.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": invoice_date,
            "invoice_date_due": due_date,
            "currency_id": cls.eur.id,
            "ref": ref,
            "invoice_line_ids": [Command.create({
                "name": ref or "Goods", "quantity": 1, "price_unit": amount,
                "tax_ids": [Command.clear()]})],
        })
        move.action_post()
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable")

    def open_dispute(self, lines, user=None, **vals):
        """lines: [(item, amount)]; as ``user`` (default: the collector)."""
        user = user or self.users["collector"]
        return self.env["factoring.dispute"].with_user(user).create({
            "reason_id": self.reason.id,
            "line_ids": [Command.create({"move_line_id": item.id, "amount": amount})
                         for item, amount in lines],
            **vals,
        })

    def pay(self, items, amount, pay_date=date(2026, 11, 5)):
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=items.ids,
        ).create({"payment_date": pay_date, "amount": amount,
                  "journal_id": self.bank_journal.id})
        return wizard._create_payments()
