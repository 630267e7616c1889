from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain


class FactoringDisputeDemo(models.AbstractModel):
    """Demo steps of the disputes (demo/factoring_disputes_demo.xml) that go
    through the business flow: Galata's debtors dispute open items, the
    collectors open disputes, the owners work and resolve them with the real
    methods (credit note, recourse, debtor pays, write-off, rejection), and the
    deadline cron reminds and escalates."""

    _name = "factoring.dispute.demo"
    _description = "Factoring Disputes Demo Loader"

    @api.model
    def _demo_own_invoice(self, company, debtor, amount, ref):
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
        move = self.env["account.move"].with_company(company).create({
            "move_type": "out_invoice",
            "partner_id": debtor.id,
            "journal_id": journal.id,
            "invoice_date": company._factoring_today() - timedelta(days=25),
            "ref": ref,
            "invoice_line_ids": [fields.Command.create({
                "name": ref, "quantity": 1, "price_unit": amount,
                "tax_ids": [fields.Command.clear()]})],
        })
        move.action_post()
        return move.line_ids.filtered(lambda rec: rec.account_id.account_type == "asset_receivable")

    @api.model
    def _demo_load(self):
        company = self.env.ref("base.main_company")
        company._factoring_dispute_setup_accounting()
        today = company._factoring_today()
        Line = self.env["account.move.line"]
        items = Line.search(Line._factoring_open_items_domain() & Domain(
            "company_id", "=", company.id) & Domain("factoring_client_id", "!=", False)
            & Domain("amount_residual", ">", 0), order="id")
        # one item per debtor first, so that the disputes spread over the book
        seen, picked = set(), []
        for item in items:
            if item.partner_id.id not in seen:
                seen.add(item.partner_id.id)
                picked.append(item)
        if len(picked) < 9:
            picked += [i for i in items if i not in picked][:9 - len(picked)]
        if len(picked) < 9:
            raise UserError(self.env._("Disputes demo: not enough open factored items."))

        def ref(xmlid):
            return self.env.ref(xmlid)

        collector = ref("factoring_base.user_collector_1")
        collector_2 = ref("factoring_base.user_collector_2")
        supervisor = ref("factoring_base.user_collections_supervisor")

        def open_dispute(item, reason, days_ago, owner, subject, amount=None, stage=None):
            dispute = self.env["factoring.dispute"].create({
                "company_id": company.id,
                "debtor_id": item.partner_id.commercial_partner_id.id,
                "client_id": item.factoring_client_id.id,
                "reason_id": ref(f"factoring_disputes.{reason}").id,
                "user_id": owner.id,
                "subject": subject,
                "date_open": today - timedelta(days=days_ago),
                "line_ids": [fields.Command.create({
                    "move_line_id": item.id,
                    "amount": amount if amount is not None else item.amount_residual_currency})],
            })
            if stage:
                dispute.stage_id = ref(f"factoring_disputes.{stage}")
            return dispute

        # open, in every open stage
        open_dispute(picked[0], "reason_pricing", 2, collector,
                     "Unit price differs from the order confirmation",
                     amount=round(picked[0].amount_residual_currency * 0.1, 2))
        open_dispute(picked[1], "reason_quality", 8, collector_2,
                     "Two pallets arrived damaged",
                     amount=round(picked[1].amount_residual_currency / 3, 2),
                     stage="stage_investigating")
        open_dispute(picked[2], "reason_quantity", 12, collector,
                     "Delivered 180 pieces, invoiced 200",
                     amount=round(picked[2].amount_residual_currency * 0.1, 2),
                     stage="stage_waiting_client")
        late = open_dispute(picked[3], "reason_not_received", 30, collector_2,
                            "Goods never reached the Lyon warehouse", stage="stage_waiting_debtor")
        # resolved: part charged back to the client (recourse), rest rejected
        partial = open_dispute(picked[4], "reason_returned", 20, supervisor,
                               "Returned 10 % of the goods",
                               amount=round(picked[4].amount_residual_currency * 0.2, 2))
        line = partial.line_ids
        partial._factoring_resolve("credit_note", {line: round(line.amount / 2, 2)},
                                   note="Client confirmed the return of half of the goods.")
        partial._factoring_resolve("rejected", {line: line.amount_unresolved},
                                   note="No return note for the rest.")
        # debtor pays: the claim is withdrawn, the debtor pays, the dispute closes
        pays = open_dispute(picked[5], "reason_paid", 15, collector,
                            "Claims to have paid already")
        pays._factoring_resolve("debtor_pays", {pays.line_ids: pays.line_ids.amount},
                                note="The payment they showed was for another invoice.")
        self.env["factoring.demo"]._demo_pay(picked[5], today - timedelta(days=2))
        pays._factoring_check_payments()
        # write-off within the supervisor's allowance
        small = open_dispute(picked[6], "reason_pricing", 18, supervisor,
                             "Rounding difference on the price list", amount=120.0)
        small.with_user(supervisor)._factoring_resolve("write_off", {small.line_ids: 120.0},
                                 note="Not worth chasing.")
        # rejected in full
        rejected = open_dispute(picked[7], "reason_duplicate", 10, collector,
                                "Says the invoice was billed twice")
        rejected.action_reject()
        # own invoices: a credit note and a write-off awaiting the supervisor's approval
        debtor = picked[8].partner_id.commercial_partner_id
        own = self._demo_own_invoice(company, debtor, 2400.0, "Galata advisory fee Q3")
        credit = self.env["factoring.dispute"].create({
            "company_id": company.id, "debtor_id": debtor.id,
            "reason_id": ref("factoring_disputes.reason_pricing").id, "user_id": supervisor.id,
            "subject": "Fee above the agreed rate", "date_open": today - timedelta(days=9),
            "line_ids": [fields.Command.create({"move_line_id": own.id, "amount": 400.0})],
        })
        credit._factoring_resolve("credit_note", {credit.line_ids: 400.0},
                                  note="Fee recomputed at the agreed rate.")
        own_2 = self._demo_own_invoice(company, debtor, 900.0, "Galata collection fee")
        approval = self.env["factoring.dispute"].create({
            "company_id": company.id, "debtor_id": debtor.id,
            "reason_id": ref("factoring_disputes.reason_other").id, "user_id": collector.id,
            "subject": "Collection fee not in the contract", "date_open": today - timedelta(days=4),
            "line_ids": [fields.Command.create({"move_line_id": own_2.id, "amount": 900.0})],
        })
        approval.with_user(collector)._factoring_resolve(
            "write_off", {approval.line_ids: 900.0}, note="Commercial gesture.",
            request_approval=True)
        # the late one: its owner is reminded and the supervisors escalated
        self.env["factoring.dispute"]._cron_deadlines()
        return late
