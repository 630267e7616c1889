from datetime import timedelta

from odoo import Command, api, models


class FactoringLimit(models.Model):
    _inherit = "factoring.limit"

    @api.model
    def _demo_load(self):
        """Galata Factoring's limits, taken through their real life cycle by the
        demo team: active, approved (valid from a later date), superseded,
        expired, rejected, requested, proposed (pending approval) and draft
        versions; the regular debtors' limits (one proposal on a CCC-rated
        debtor, with its warning); a new schedule of Valmont that fails
        verification on a debtor whose limit is only proposed and on one
        without a limit; a client (Indigo) near its limit; credit documents
        (one expired) and a credit insurance policy."""
        ref = self.env.ref
        company = ref("base.main_company")
        today = company._factoring_today()
        cm = ref("factoring_base.user_client_manager")
        analyst = ref("factoring_base.user_credit_analyst")
        manager = ref("factoring_base.user_credit_manager")
        Limit = self.with_company(company).with_context(allowed_company_ids=company.ids)
        Document = self.env["factoring.credit.document"].with_company(company)
        eur = company.currency_id

        def limit(scope, amount, who=cm, **vals):
            values = {"scope": scope, "amount": amount, "currency_id": eur.id,
                      "company_id": company.id, "date_from": today - timedelta(days=200),
                      "review_date": today + timedelta(days=60), **vals}
            return Limit.with_user(who).create(values).with_user(who)

        def approve(record, approver=manager):
            record.with_user(cm).action_request()
            record.with_user(analyst).action_propose()
            record.with_user(approver).action_approve()
            return record

        berger = ref("factoring_base.debtor_berger")
        van_dijk = ref("factoring_base.debtor_van_dijk")
        # a debtor no demo schedule uses: its expired limit blocks nothing
        castellano = ref("factoring_base.debtor_castellano")
        garde_robe = ref("factoring_base.debtor_garde_robe")
        roubaix = ref("factoring_base.debtor_comptoir_roubaix")
        valmont = ref("factoring_base.client_valmont")
        # not Valmont: base's browser tour verifies a new schedule of Valmont
        indigo = ref("factoring_base.client_indigo")
        (berger | van_dijk | roubaix).write({"factoring_credit_analyst_id": analyst.id})

        Document.create([
            {"name": "Creditreform report 2026", "doc_type": "agency_report",
             "partner_id": berger.id, "company_id": company.id, "agency": "Creditreform",
             "score": 212, "rating": "BBB", "date": today - timedelta(days=90),
             "expiry_date": today + timedelta(days=275)},
            {"name": "Graydon report 2025", "doc_type": "agency_report",
             "partner_id": van_dijk.id, "company_id": company.id, "agency": "Graydon",
             "score": 61, "rating": "A", "date": today - timedelta(days=400),
             "expiry_date": today - timedelta(days=35)},
            {"name": "Annual accounts 2025", "doc_type": "financial_statements",
             "partner_id": roubaix.id, "company_id": company.id,
             "date": today - timedelta(days=340), "expiry_date": today + timedelta(days=20)},
            {"name": "Valmont credit application", "doc_type": "credit_application",
             "partner_id": valmont.id, "company_id": company.id,
             "date": today - timedelta(days=420)},
        ])
        self.env["factoring.credit.insurance"].with_company(company).create({
            "partner_id": berger.id, "insurer_id": ref("base.main_partner").id,
            "policy_number": "ALZ-2026-0413", "insured_amount": 100000.0,
            "cover_percent": 90.0, "company_id": company.id,
            "date_from": today - timedelta(days=100), "date_to": today + timedelta(days=265)})

        approve(limit("debtor", 150000.0, debtor_id=berger.id,
                      reason="Large German retailer, growing volumes with Valmont."))
        approve(limit("debtor", 40000.0, debtor_id=van_dijk.id,
                      reason="First limit for the Dutch chain."), approver=manager)
        approve(limit("debtor", 60000.0, debtor_id=van_dijk.id,
                      date_from=today - timedelta(days=30),
                      reason="Seasonal peak; payments on time for six months."))
        approve(limit("debtor", 30000.0, debtor_id=castellano.id,
                      date_to=today - timedelta(days=5),
                      reason="Trial limit for one season."))
        self._expire_ended(today)
        # approved, valid from a later date: waits for the daily run of that day
        approve(limit("debtor", 170000.0, debtor_id=berger.id,
                      date_from=today + timedelta(days=14),
                      reason="Berger opens ten stores next month."))
        rejected = limit("debtor", 90000.0, debtor_id=garde_robe.id,
                         reason="The client wants to sell more on Garde-Robe.")
        rejected.with_user(cm).action_request()
        rejected.with_user(analyst).action_reject(
            "Payment experience worsening: 40 days beyond terms on average.")
        pending = limit("debtor", 80000.0, debtor_id=roubaix.id,
                        reason="New debtor of Valmont with steady orders.")
        pending.with_user(cm).action_request()
        pending.with_user(analyst).write({
            "proposal_note": "Financial statements sound; approve at 80,000."})
        pending.with_user(analyst).action_propose()
        limit("pair", 50000.0, client_id=valmont.id, debtor_id=berger.id,
              reason="Cap Valmont's share of Berger.").with_user(cm).action_request()
        limit("debtor", 25000.0, debtor_id=garde_robe.id, reason="Second try, lower.")
        # The portfolio's regular debtors have their limits (no limit, no
        # funding): requested, proposed and approved like any other. The
        # proposal on Trattorie Milano (rated CCC) warns the analyst; the
        # credit manager approves it anyway, small.
        for xmlid, amount in (
                ("debtor_brasserie", 20000.0), ("debtor_alpenhof", 25000.0),
                ("debtor_ardennes", 20000.0), ("debtor_eurofood", 80000.0),
                ("debtor_hanse_cc", 40000.0), ("debtor_moda_vela", 60000.0),
                ("debtor_biomarche", 20000.0), ("debtor_belvedere", 20000.0),
                ("debtor_belle_epine", 50000.0), ("debtor_kleiderwerk", 40000.0),
                ("debtor_workwear_pro", 30000.0), ("debtor_distribuzione_po", 40000.0),
                ("debtor_frischmarkt", 30000.0), ("debtor_aurora", 30000.0),
                ("debtor_trattorie", 10000.0), ("debtor_iberia_food", 30000.0),
                ("debtor_olivar", 25000.0)):
            debtor = ref(f"factoring_base.{xmlid}")
            approve(limit("debtor", amount, debtor_id=debtor.id,
                          reason=f"Regular buyer of our clients; {debtor.name} pays on terms."))
        # Valmont's new schedule does not verify: Comptoir's limit is only
        # proposed, and Urban Thread Stores, a debtor Valmont just started to
        # sell to, has no limit at all (Berger's line passes)
        urban = ref("factoring_base.debtor_urban_thread")
        ref("factoring_base.agreement_valmont").with_user(analyst).write(
            {"approved_debtor_ids": [Command.link(urban.id)]})
        schedule = self.env["factoring.schedule"].with_user(cm).create({
            "agreement_id": ref("factoring_base.agreement_valmont").id,
            "date": today,
            "line_ids": [Command.create({
                "sequence": index, "debtor_id": debtor.id, "invoice_number": number,
                "invoice_date": today - timedelta(days=2),
                "due_date": today + timedelta(days=58), "amount": amount,
            }) for index, (debtor, number, amount) in enumerate((
                (berger, "TV-2431", 8400.0), (roubaix, "TV-2432", 6150.0),
                (urban, "TV-2433", 3900.0)), start=1)],
        })
        schedule.action_verify()
        # Indigo is near its client limit: about 95 % of it in use
        funds = self.env["factoring.limit.engine"]._exposure(
            company, client_ids=indigo.ids)[2].get(indigo.id, 0.0)
        approve(limit("client", max(round(funds / 0.95, -3), 10000.0), client_id=indigo.id,
                      reason="Seasonal facility for the finishing works."))
        return True
