from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, models

# Weekly notes of the demo collector Collector 2 over the last twelve weeks,
# oldest first: a keen start (6 a week on average over the first four), then
# the decay the adoption check reports to the factoring managers.
DECAYING_WEEKS = [6, 7, 6, 5, 4, 3, 3, 2, 1, 1, 0, 0]
# Collector 1 keeps logging: no alert.
STEADY_WEEKS = [4, 5, 4, 4, 4, 5, 4, 4, 5, 4, 4, 4]
# Own invoices of the factoring house on demo debtors that fill the older
# aging buckets: (debtor xml id, amount, days since invoice, days of terms,
# share paid, days after invoice the payment came)
OLD_INVOICES = [
    ("debtor_belle_epine", 18400.0, 215, 60, 0.0, 0),
    ("debtor_freshway", 9650.0, 180, 45, 0.4, 120),
    ("debtor_olivar", 12800.0, 160, 30, 0.0, 0),
    ("debtor_aurora", 7300.0, 140, 30, 0.5, 100),
    ("debtor_moda_vela", 22150.0, 130, 30, 0.0, 0),
    ("debtor_castellano", 5400.0, 95, 30, 0.0, 0),
    ("debtor_eurofood", 14250.0, 170, 60, 1.0, 90),
    ("debtor_berger", 8900.0, 150, 30, 1.0, 75),
    ("debtor_van_dijk", 11300.0, 120, 45, 1.0, 50),
    ("debtor_hanse_cc", 6750.0, 75, 30, 0.0, 0),
]


class FactoringReportsDemo(models.AbstractModel):
    """Demo data of the reports: older own invoices for the aging buckets and
    the KPIs, twelve weeks of logged work with one collector's decay, the
    adoption check, and six months of snapshots. Called once by demo/."""

    _name = "factoring.reports.demo"
    _description = "Factoring Reports Demo Loader"

    @api.model
    def _demo_load(self):
        company = self.env["factoring.demo"]._demo_company()
        env = self.with_company(company).env
        today = company._factoring_today()
        self._demo_old_invoices(env, company, today)
        self._demo_logged_work(env, company, today)
        env["factoring.adoption.alert"]._factoring_check_adoption(companies=company)
        first = (today - relativedelta(months=6)).replace(day=1)
        env["factoring.report.snapshot"].sudo().action_backfill(first, None, company.ids)

    @api.model
    def _demo_old_invoices(self, env, company, today):
        bank = env["factoring.demo"]._demo_bank_journal(company)
        for xmlid, amount, age, terms, paid_share, paid_after in OLD_INVOICES:
            debtor = env.ref(f"factoring_base.{xmlid}")
            invoice_date = today - timedelta(days=age)
            move = env["account.move"].create({
                "move_type": "out_invoice",
                "partner_id": debtor.id,
                "invoice_date": invoice_date,
                "invoice_date_due": invoice_date + timedelta(days=terms),
                "ref": f"GF-OWN-{xmlid[7:].upper()}",
                "invoice_line_ids": [Command.create({
                    "name": "Collection services and advisory",
                    "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]})],
            })
            move.action_post()
            if paid_share:
                env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=move.ids,
                ).create({
                    "payment_date": invoice_date + timedelta(days=paid_after),
                    "amount": round(move.amount_total * paid_share, 2),
                    "journal_id": bank.id,
                })._create_payments()

    @api.model
    def _demo_logged_work(self, env, company, today):
        monday = today - timedelta(days=today.weekday())
        start = monday - timedelta(weeks=len(DECAYING_WEEKS))
        debtors = [env.ref(f"factoring_base.{xmlid}") for xmlid, *_rest in OLD_INVOICES]
        vals = []
        for xmlid, weeks in (("user_collector_2", DECAYING_WEEKS),
                             ("user_collector_1", STEADY_WEEKS)):
            user = env.ref(f"factoring_base.{xmlid}")
            for n, count in enumerate(weeks):
                for i in range(count):
                    vals.append({
                        "partner_id": debtors[(n + i) % len(debtors)].id,
                        "user_id": user.id,
                        "company_id": company.id,
                        "date": datetime.combine(
                            start + timedelta(weeks=n, days=i % 5), time(9 + i % 8, 0)),
                        "interaction_type": "call" if i % 3 else "other",
                        "summary": "<p>Called accounts payable about the open invoices; "
                        "remittance promised.</p>" if i % 3 else
                        "<p>Noted the debtor's payment run dates.</p>",
                    })
        env["factoring.interaction"].sudo().create(vals)
