from odoo import api, fields, models
from odoo.exceptions import UserError


class FactoringDemo(models.AbstractModel):
    """Steps of the demo data (demo/factoring_demo.xml) that go through the
    business flow rather than writing records: verification, funding, payments
    and the won opportunity. Called once, when the demo data is installed."""

    _name = "factoring.demo"
    _description = "Factoring Demo Data Loader"

    @api.model
    def _demo_company(self):
        return self.env.ref("base.main_company")

    @api.model
    def _demo_bank_journal(self, company):
        journal = self.env["account.journal"].search([
            ("type", "=", "bank"), ("company_id", "=", company.id)], order="id", limit=1)
        if not journal:
            raise UserError(self.env._("Factoring demo: company %s has no bank journal.",
                              company.display_name))
        return journal

    @api.model
    def _demo_setup_company(self):
        """The demo's main company becomes the factoring house: its name and
        address, and euros, the currency its European clients invoice in.

        A company's currency can only change before its first journal item, and
        Odoo's own accounting demo has by then posted generic US invoices,
        payments and bank statements in dollars on the main company: they are
        removed first (they have no place in a factoring house's books). Runs
        before any factoring record is created, so agreements default to EUR."""
        company = self._demo_company()
        eur = self.env.ref("base.EUR")
        company.partner_id.write({
            "name": "Galata Factoring A.Ş.",
            "street": "Büyükdere Caddesi No. 185",
            "street2": "Levent",
            "city": "İstanbul",
            "zip": "34394",
            "state_id": False,
            "country_id": self.env.ref("base.tr").id,
            "phone": "+90 212 555 01 85",
            "email": "info@galata-factoring.example.com",
            "website": "https://www.galata-factoring.example.com",
        })
        if company.currency_id == eur:
            return
        if self.env["factoring.schedule"].search_count([("company_id", "=", company.id)], limit=1):
            raise UserError(self.env._("Factoring demo: %s already has schedules, its currency cannot "
                              "change.", company.name))
        eur.active = True
        Move = self.env["account.move"].with_context(force_delete=True)
        # statements first: a valid statement refuses to lose its transactions
        self.env["account.bank.statement"].search([("company_id", "=", company.id)]).unlink()
        self.env["account.bank.statement.line"].search(
            [("company_id", "=", company.id)]).unlink()
        payments = self.env["account.payment"].search([("company_id", "=", company.id)])
        payments.action_draft()
        payments.unlink()
        moves = Move.search([("company_id", "=", company.id)])
        moves.filtered(lambda m: m.state != "draft").button_draft()
        moves.unlink()
        company.currency_id = eur

    @api.model
    def _demo_setup_accounting(self):
        """The post-install hook runs after the demo data: set the factoring
        journal and accounts up now so that the schedules can be funded."""
        self._demo_company()._factoring_setup_accounting()

    @api.model
    def _demo_fund(self, schedule_ids):
        """Verify and fund the schedules, then pay each advance to its client
        on the funding date, as operations would."""
        schedules = self.env["factoring.schedule"].browse(schedule_ids)
        for schedule in schedules:
            schedule.action_verify()
            if schedule.state != "verified":
                raise UserError(self.env._("Factoring demo: schedule %(schedule)s failed verification:\n%(note)s",
                                  schedule=schedule.name, note=schedule.verification_note))
        schedules.action_fund()
        for schedule in schedules:
            company = schedule.company_id
            advance = schedule.move_id.line_ids.filtered(
                lambda rec: rec.account_id == company.factoring_advance_account_id)
            self._demo_pay(advance, schedule.date)

    @api.model
    def _demo_register_payment(self, schedule_line_id, payment_date, amount=None):
        """A debtor pays an assigned invoice, in full (amount None) or in part,
        through Odoo's payment wizard; the reconciliation posts the discount fee
        of fully paid invoices."""
        line = self.env["factoring.schedule.line"].browse(schedule_line_id)
        item = line.move_line_id
        if not item or item.reconciled:
            raise UserError(self.env._("Factoring demo: invoice %s has no open receivable item.",
                              line.display_name))
        self._demo_pay(item, fields.Date.to_date(payment_date), amount)

    @api.model
    def _demo_pay(self, move_lines, payment_date, amount=None):
        company = move_lines.company_id
        vals = {"payment_date": payment_date, "journal_id": self._demo_bank_journal(company).id}
        if amount is not None:
            vals.update(amount=amount, payment_difference_handling="open")
        wizard = self.env["account.payment.register"].with_company(company).with_context(
            active_model="account.move.line", active_ids=move_lines.ids).create(vals)
        return wizard._create_payments()

    @api.model
    def _demo_prepare_won_agreement(self, lead_id):
        """Credit's first draft of the terms negotiated on the won opportunity."""
        lead = self.env["crm.lead"].browse(lead_id)
        agreement = lead.factoring_agreement_id
        if not agreement:
            raise UserError(self.env._("Factoring demo: won opportunity %s created no agreement.",
                              lead.name))
        agreement.write({
            "advance_rate": 85.0,
            "discount_fee_rate": 1.3,
            "invoice_fee": 15.0,
            "recourse": "recourse",
            "max_concentration": 40.0,
            "approved_debtor_ids": [fields.Command.set([
                self.env.ref("factoring_base.debtor_comptoir_roubaix").id,
                self.env.ref("factoring_base.debtor_van_dijk").id,
                self.env.ref("factoring_base.debtor_berger").id,
            ])],
            "note": "<p>Terms from the signed term sheet; awaiting the credit "
                    "analyst's review before activation.</p>",
        })
