from datetime import datetime, time, timedelta

from odoo import Command, api, fields, models


class FactoringCollectionsDemo(models.AbstractModel):
    """Demo story of Galata Factoring's collections desk, played through the
    real flows on base's demo debtors: a dunning policy, call notes, promises
    in every state (kept and partly kept ones paid with Odoo's payment wizard),
    two dunning runs a week apart, escalation rules applied. Each demo
    collector opens "My Worklist" on a ranked list with reasons."""

    _name = "factoring.collections.demo"
    _description = "Factoring Collections Demo Loader"

    @api.model
    def _demo_load(self):
        ref = self.env.ref
        company = self.env["factoring.demo"]._demo_company()
        today = company._factoring_today()
        collector_1 = ref("factoring_base.user_collector_1")
        collector_2 = ref("factoring_base.user_collector_2")
        supervisor = ref("factoring_base.user_collections_supervisor")
        template = ref("factoring_collections.mail_template_dunning")
        if self.env["factoring.dunning.policy"].search_count([("company_id", "=", company.id)]):
            return  # loaded already (the function runs again when the module is updated)
        policy = self.env["factoring.dunning.policy"].create({
            "name": "Galata standard", "company_id": company.id,
            "level_ids": [
                Command.create({"name": "Friendly reminder", "days": 1, "channel_email": True,
                                "mail_template_id": template.id}),
                Command.create({"name": "Second notice", "days": 15, "channel_email": True,
                                "mail_template_id": template.id, "channel_call": True}),
                Command.create({"name": "Final notice", "days": 45, "channel_letter": True,
                                "channel_call": True, "min_amount": 2500.0}),
                Command.create({"name": "Escalation", "days": 75, "channel_escalation": True}),
            ]})
        company.write({"factoring_dunning_policy_id": policy.id,
                       "factoring_collections_supervisor_id": supervisor.id})
        # each lands on the worklist: the collectors on theirs, the supervisor on all
        (collector_1 | collector_2).write(
            {"action_id": ref("factoring_collections.action_factoring_worklist").id})
        supervisor.write(
            {"action_id": ref("factoring_collections.action_factoring_worklist_all").id})

        def call(user, debtor, days_ago, outcome, note, next_days=None):
            return self.env["factoring.collection.call"].with_user(user).create({
                "debtor_id": ref(debtor).id, "outcome": outcome, "note": note,
                "date": datetime.combine(today - timedelta(days=days_ago), time(10, 30)),
                "contact_id": (ref(debtor).factoring_ap_contact_ids[:1]).id,
                "next_step_date": today + timedelta(days=next_days) if next_days else False,
            })

        call(collector_1, "factoring_base.debtor_moda_vela", 5, "promise",
             "AP confirms the transfer of 5,000 next week; rest after their own customers pay.", 7)
        call(collector_1, "factoring_base.debtor_workwear_pro", 20, "no_answer",
             "Voicemail twice.")
        call(collector_1, "factoring_base.debtor_denimhouse", 2, "reached",
             "Invoice approved, payment run on Thursday.")
        call(collector_2, "factoring_base.debtor_eurofood", 3, "reached",
             "Two invoices in their payment run; the third waits for a delivery note.", 4)
        call(collector_2, "factoring_base.debtor_kleiderwerk", 12, "wrong_contact",
             "Reception passed us to sales; asked for the Kreditorenbuchhaltung.")

        bank = self.env["factoring.demo"]._demo_bank_journal(company)

        def open_items(debtor):
            Line = self.env["account.move.line"]
            return Line.search(Line._factoring_open_items_domain() & fields.Domain(
                "partner_id", "child_of", ref(debtor).id) & fields.Domain(
                "company_id", "=", company.id), order="date_maturity")

        def pay(debtor, amount):
            items = open_items(debtor)[:1]
            self.env["account.payment.register"].with_context(
                active_model="account.move.line", active_ids=items.ids,
            ).create({"payment_date": today, "amount": amount,
                      "journal_id": bank.id})._create_payments()

        def promise(user, debtor, amount, days=0, items=None):
            return self.env["factoring.promise"].with_user(user).create({
                "debtor_id": ref(debtor).id, "amount": amount,
                "date": today + timedelta(days=days),
                "item_ids": [Command.set(items.ids)] if items else []}).sudo()

        tomorrow = today + timedelta(days=1)
        for user, pending, broken, kept, partial in (
                (collector_1, "factoring_base.debtor_moda_vela",
                 "factoring_base.debtor_comptoir_roubaix", "factoring_base.debtor_denimhouse",
                 "factoring_base.debtor_distribuzione_po"),
                (collector_2, "factoring_base.debtor_kleiderwerk",
                 "factoring_base.debtor_berger", "factoring_base.debtor_city_convenience",
                 "factoring_base.debtor_brasserie")):
            # the oldest open invoice, for what it owes (the promise holds it
            # from dunning; it stays eligible for funding)
            oldest = open_items(pending)[:1]
            promise(user, pending, oldest.amount_residual, days=7, items=oldest)
            promise(user, broken, 2000.0)._check_state(today=tomorrow)
            kept_amount = open_items(kept)[:1].amount_residual
            kept_promise = promise(user, kept, kept_amount, days=3)
            pay(kept, kept_amount)
            kept_promise._check_state()
            partial_promise = promise(user, partial, 1500.0)
            pay(partial, 600.0)
            partial_promise._check_state(today=tomorrow)

        Run = self.env["factoring.dunning.run"].with_user(supervisor)
        Run.sudo()._run(company, today - timedelta(days=7))
        Run.sudo()._run(company, today)

        Rule = self.env["factoring.escalation.rule"].with_user(supervisor)
        rules = Rule.create([
            {"name": "1,000 or more past due for more than 60 days", "trigger": "amount_age",
             "min_amount": 1000.0, "min_days": 60, "action": "notify",
             "company_id": company.id},
            {"name": "Broken promise in the last 30 days", "trigger": "broken_promise",
             "min_days": 30, "action": "raise_level", "company_id": company.id},
        ])
        rules.sudo()._apply(today)
