from datetime import date
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import TransactionCase, new_test_user

ROLE_GROUPS = {
    "client_manager": "factoring_base.group_factoring_client_manager",
    "credit_analyst": "factoring_base.group_factoring_credit_analyst",
    "credit_manager": "factoring_base.group_factoring_credit_manager",
    "collector": "factoring_base.group_factoring_collector",
    "supervisor": "factoring_base.group_factoring_collections_supervisor",
    "operations": "factoring_base.group_factoring_operations",
    "manager": "factoring_base.group_factoring_manager",
}


def allow_debtors_without_limit(company):
    """factoring_limits, when installed, funds only debtors with an approved
    limit unless the company allows funding without one: the tests of the other
    addons are about their own rules, on debtors that have no limit. Returns
    the company's previous choice (None without factoring_limits)."""
    if "factoring_fund_without_limit" not in company._fields:
        return None
    previous = company.factoring_fund_without_limit
    company.factoring_fund_without_limit = True
    return previous


def never_aged(agreement):
    """factoring_limits, when installed, leaves invoices older than the
    agreement's ineligibility age out of the availability funding checks: the
    tests' fixed invoice dates would age with the calendar."""
    if "ineligibility_days" in agreement._fields:
        agreement.ineligibility_days = 36500


class FactoringCommon(TransactionCase):
    """A factoring company of its own (chart of accounts, factoring journal and
    accounts), one user per role, a textile client with an active agreement and
    three debtors, two of them approved."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # in English: the tests read amounts and dates as English text, and without
        # a language Odoo formats them in the main company's (Turkish in the demo)
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, lang="en_US"))
        cls.company = cls.env["res.company"].create({
            "name": "Test Factor SA",
            "currency_id": cls.env.ref("base.EUR").id,
            "country_id": cls.env.ref("base.be").id,
        })
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company, install_demo=False)
        # the generic chart sets its own currency; the factor works in euros
        cls.company.currency_id = cls.env.ref("base.EUR")
        cls.company._factoring_setup_accounting()
        allow_debtors_without_limit(cls.company)
        cls.env = cls.env(context=dict(
            cls.env.context, allowed_company_ids=[cls.company.id]))
        cls.eur = cls.company.currency_id
        cls.usd = cls.env.ref("base.USD")
        cls.usd.active = True

        cls.users = {}
        for role, group in ROLE_GROUPS.items():
            cls.users[role] = new_test_user(
                cls.env, login=f"fact_{role}", groups=group, name=f"Test {role}",
                company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])

        cls.sector = cls.env["factoring.sector"].create({
            "code": "T13", "name": "Test textiles", "risk_score": 55})
        Partner = cls.env["res.partner"]
        cls.client = Partner.create({
            "name": "Tissages du Nord", "is_company": True, "is_factoring_client": True,
            "vat": "BE0411905847", "factoring_sector_id": cls.sector.id,
            "factoring_client_manager_id": cls.users["client_manager"].id,
        })
        cls.debtor_a = Partner.create({
            "name": "Grand Magasin SA", "is_company": True, "is_factoring_debtor": True,
            "vat": "BE0403019261", "ref": "DEB-A"})
        cls.debtor_b = Partner.create({
            "name": "Mode Express BV", "is_company": True, "is_factoring_debtor": True,
            "vat": "NL001234567B01", "ref": "DEB-B"})
        cls.debtor_unapproved = Partner.create({
            "name": "Unapproved Retail", "is_company": True, "is_factoring_debtor": True,
            "ref": "DEB-X"})
        cls.not_debtor = Partner.create({"name": "Plain Customer", "is_company": True,
                                         "ref": "PLAIN"})
        cls.agreement = cls.env["factoring.agreement"].create({
            "client_id": cls.client.id,
            "company_id": cls.company.id,
            "currency_id": cls.eur.id,
            "advance_rate": 90.0,
            "discount_fee_rate": 1.5,
            "invoice_fee": 0.0,
            "max_concentration": 60.0,
            "approved_debtor_ids": [Command.set([cls.debtor_a.id, cls.debtor_b.id])],
            "date_start": date(2026, 1, 1),
        })
        cls.agreement.action_activate()
        never_aged(cls.agreement)

    @classmethod
    def make_schedule(cls, lines, agreement=None, schedule_date=date(2026, 10, 1)):
        """Create a draft schedule; each line is a dict overriding a valid invoice."""
        agreement = agreement or cls.agreement
        vals = []
        for index, line in enumerate(lines, start=1):
            vals.append(Command.create({
                "sequence": index,
                "debtor_id": cls.debtor_a.id,
                "invoice_number": f"INV-{index:04d}",
                "invoice_date": date(2026, 9, 15),
                "due_date": date(2026, 11, 14),
                "amount": 1000.0,
                "currency_id": agreement.currency_id.id,
                **line,
            }))
        return cls.env["factoring.schedule"].create({
            "agreement_id": agreement.id,
            "date": schedule_date,
            "line_ids": vals,
        })


class ThreadedTestMixin:
    """Mixin of the tests that race two real transactions in two threads.

    Under ``odoo-bin --test-enable`` the tests run while the main thread holds
    ``Registry._lock`` (``ThreadedServer.run`` wraps the preload, post-install
    tests included). A thread that opens an ``Environment`` on a new cursor looks
    its registry up under that lock (``Registry.__new__``) and would wait
    forever, while the test waits for the thread. ``HttpCase`` swaps the lock for
    a dummy one for its server threads (``_registry_test_mode_patches``); these
    tests do the same for theirs. Under pytest-odoo nothing holds the lock and
    the swap changes nothing.
    """

    def setUp(self):
        super().setUp()
        patcher = patch.object(Registry, "_lock", DummyRLock())
        patcher.start()
        self.addCleanup(patcher.stop)

    def _commit_client_and_debtor(self, env, name, advance_rate=80.0):
        """Commit what a race needs and return it: the first company set up for
        factoring (or the main company, set up now), a client, a debtor it may
        sell, and the client's active agreement. The caller records the ids for
        its clean-up and commits (``with self.registry.cursor()`` does)."""
        company = env["res.company"].search(
            [("factoring_journal_id", "!=", False)], order="id", limit=1)
        if not company:
            company = env.ref("base.main_company")
            if not company.chart_template:
                env["account.chart.template"].try_loading(
                    "generic_coa", company=company, install_demo=False)
            company._factoring_setup_accounting()
        if allow_debtors_without_limit(company) is False:
            self.addCleanup(self._restore_debtors_without_limit, company.id)
        Partner = env["res.partner"].with_company(company)
        client = Partner.create({
            "name": f"{name} Client", "is_company": True,
            "is_factoring_client": True, "company_id": company.id})
        debtor = Partner.create({
            "name": f"{name} Debtor", "is_company": True,
            "is_factoring_debtor": True, "company_id": company.id})
        agreement = env["factoring.agreement"].with_company(company).create({
            "client_id": client.id, "company_id": company.id,
            "currency_id": company.currency_id.id, "advance_rate": advance_rate,
            "approved_debtor_ids": [Command.set(debtor.ids)],
            "date_start": date(2026, 1, 1)})
        agreement.action_activate()
        never_aged(agreement)
        return company, client, debtor, agreement

    def _restore_debtors_without_limit(self, company_id):
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["res.company"].browse(
                company_id).factoring_fund_without_limit = False
