from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.factoring_base.tests.common import FactoringCommon


class LimitsCommon(FactoringCommon):
    """Base's factoring company, roles, client and debtors; a second analyst and
    a second credit manager (approvals need someone else than the proposer),
    and helpers that take a limit through its life cycle."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users["analyst_2"] = new_test_user(
            cls.env, login="lim_analyst_2", name="Second analyst",
            groups="factoring_base.group_factoring_credit_analyst",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.users["credit_manager_2"] = new_test_user(
            cls.env, login="lim_manager_2", name="Second credit manager",
            groups="factoring_base.group_factoring_credit_manager",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.Limit = cls.env["factoring.limit"]
        cls.company.factoring_limit_document_amount = 0.0
        # base's common set-up lets the company fund debtors without a limit
        # (allow_debtors_without_limit): most tests here are about one limit at
        # a time; test_credit_decision.py tests the default, where such
        # debtors are not fundable

    @classmethod
    def new_limit(cls, scope="debtor", amount=10000.0, user=None, **vals):
        values = {
            "scope": scope, "amount": amount, "currency_id": cls.eur.id,
            "company_id": cls.company.id, "date_from": date(2026, 1, 1),
            "reason": "Growing business", **vals}
        if scope in ("debtor", "pair") and "debtor_id" not in vals:
            values["debtor_id"] = cls.debtor_a.id
        if scope in ("client", "pair") and "client_id" not in vals:
            values["client_id"] = cls.client.id
        Limit = cls.Limit.with_user(user or cls.users["client_manager"])
        return Limit.create(values).with_env(cls.env)

    @classmethod
    def activate(cls, limit, proposer="credit_analyst", approvers=("analyst_2",)):
        """Request (client manager), propose, approve: the normal path."""
        if limit.state == "draft":
            limit.with_user(cls.users["client_manager"]).action_request()
        limit.with_user(cls.users[proposer]).action_propose()
        for approver in approvers:
            limit.with_user(cls.users[approver]).action_approve()
        return limit

    @classmethod
    def active_limit(cls, scope="debtor", amount=10000.0, **vals):
        limit = cls.new_limit(scope, amount, **vals)
        approvers = ("analyst_2",) if amount <= 100000 else (
            ("credit_manager",) if amount <= 1000000 else ("credit_manager", "credit_manager_2"))
        cls.activate(limit, approvers=approvers)
        assert limit.state == "active", limit.state
        return limit

    @classmethod
    def fund(cls, lines, schedule_date=date(2026, 10, 1)):
        schedule = cls.make_schedule(lines, schedule_date=schedule_date)
        schedule.action_verify()
        assert schedule.state == "verified", schedule.verification_note
        schedule.action_fund()
        return schedule
