from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import FactoringCommon


class FundedTwoDebtors(FactoringCommon):
    """One funded schedule of the client: ``item1`` on debtor A, ``item2`` on
    debtor B, of the amounts ``AMOUNTS``."""

    AMOUNTS = (1000.0, 2500.0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.schedule = cls.make_schedule([
            {"invoice_number": "E-1", "amount": cls.AMOUNTS[0]},
            {"invoice_number": "E-2", "amount": cls.AMOUNTS[1], "debtor_id": cls.debtor_b.id},
        ])
        cls.schedule.action_verify()
        cls.schedule.action_fund()
        cls.item1, cls.item2 = cls.schedule.move_id.line_ids.filtered(
            "factoring_schedule_line_id").sorted("name")


@tagged("post_install", "-at_install")
class TestHoldEffects(FundedTwoDebtors):
    """Holds have effects: a hold stops dunning, makes the item ineligible for
    funding, or both; the items' stored flags follow their active holds; the
    held amounts are given per source, each item once."""

    def _flags(self, item):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT factoring_on_hold, factoring_dunning_hold, factoring_ineligible_hold "
            "FROM account_move_line WHERE id = %s", [item.id])
        return tuple(bool(v) for v in self.env.cr.fetchone())

    def test_defaults_and_chosen_effects(self):
        hold = self.item1._factoring_set_hold("Check delivery", "manual")
        self.assertTrue(hold.stops_dunning and hold.makes_ineligible,
                        "a manual hold set without effects does both, as before")
        self.assertEqual(self._flags(self.item1), (True, True, True))
        # a hold that only stops dunning (as a promise to pay does)
        hold2 = self.item2._factoring_set_hold(
            "Call first", "manual", stops_dunning=True, makes_ineligible=False)
        self.assertEqual((hold2.stops_dunning, hold2.makes_ineligible), (True, False))
        self.assertEqual(self._flags(self.item2), (True, True, False))
        # and one that only makes it ineligible: the item is held from funding too
        self.item2._factoring_set_hold(
            "Invoice copy missing", "manual", origin=self.schedule.line_ids[1],
            stops_dunning=False, makes_ineligible=True)
        self.assertEqual(self._flags(self.item2), (True, True, True))
        # lifting one leaves the effect of the other
        self.item2._factoring_lift_holds("manual", origin=self.schedule.line_ids[1])
        self.assertEqual(self._flags(self.item2), (True, True, False))
        self.item2._factoring_lift_holds("manual")
        self.assertEqual(self._flags(self.item2), (False, False, False))
        with self.assertRaisesRegex(UserError, "stop dunning, make the items ineligible"):
            self.item1._factoring_set_hold(
                "Nothing", "manual", origin=self.schedule,
                stops_dunning=False, makes_ineligible=False)

    def test_manual_hold_wizard_names_its_effects(self):
        analyst = self.users["credit_analyst"]
        form = Form(self.env["factoring.item.hold.wizard"].with_user(analyst).with_context(
            active_model="account.move.line", active_ids=self.item1.ids))
        form.reason = "Awaiting the client's delivery proof"
        form.stops_dunning = False
        form.makes_ineligible = True
        form.save().action_confirm()
        hold = self.item1.factoring_hold_ids
        self.assertEqual((hold.stops_dunning, hold.makes_ineligible), (False, True))
        self.assertEqual(hold.user_id, analyst)
        self.assertEqual(self._flags(self.item1), (True, False, True))
        form = Form(self.env["factoring.item.hold.wizard"].with_user(analyst).with_context(
            active_model="account.move.line", active_ids=self.item2.ids))
        form.reason = "No effect"
        form.stops_dunning = False
        form.makes_ineligible = False
        with self.assertRaisesRegex(UserError, "stop dunning"):
            form.save().action_confirm()
        self.assertFalse(self.item2.factoring_hold_ids)
        # a collector may not put items on hold, whatever the effects
        with self.assertRaises(AccessError):
            self.item2.with_user(self.users["collector"]).action_factoring_hold(
                "Mine", stops_dunning=True, makes_ineligible=False)

    def test_held_by_source_counts_each_item_once(self):
        Line = self.env["account.move.line"]
        domain = [("id", "in", (self.item1 | self.item2).ids)]
        self.assertEqual(Line._factoring_held_by_source(domain), {})
        self.item1._factoring_set_hold("A", "manual")
        self.item1._factoring_set_hold("B", "manual", origin=self.schedule)
        self.item2._factoring_set_hold("C", "manual", stops_dunning=True,
                                       makes_ineligible=False)
        by_debtor = Line._factoring_held_by_source(domain)
        self.assertEqual(by_debtor, {self.debtor_a.id: {"manual": 1000.0},
                                     self.debtor_b.id: {"manual": 2500.0}})
        by_client = Line._factoring_held_by_source(domain, groupby="factoring_client_id")
        self.assertEqual(by_client, {self.client.id: {"manual": 3500.0}})
        self.assertEqual(
            Line._factoring_held_by_source(domain, groupby="factoring_client_id",
                                           effect="ineligible"),
            {self.client.id: {"manual": 1000.0}})
        self.assertEqual(
            Line._factoring_held_by_source(domain, groupby="factoring_client_id",
                                           effect="dunning"),
            {self.client.id: {"manual": 3500.0}})


@tagged("post_install", "-at_install")
class TestAvailability(FundedTwoDebtors):
    """Availability = eligible open factored items x advance rate - funds in use
    (what was advanced on the open items); base's eligibility leaves out the
    items held by a hold that makes them ineligible. Funding that would leave
    the client below zero is refused with the figures, unless a credit manager
    overrides it with a reason (four eyes: someone else funds). Reserve release
    keeps what covers the client's deficit."""

    AMOUNTS = (10000.0, 4000.0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second_operations = new_test_user(
            cls.env, login="fact_operations_2", groups="factoring_base.group_factoring_operations",
            name="Second operations", company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)])
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)

    def setUp(self):
        super().setUp()
        # base's own eligibility rules, whatever other addons are installed
        self.startPatcher(patch.object(
            type(self.env["res.partner"]), "_factoring_eligibility_rules",
            lambda self, company, groups, today, pending=None: groups))

    def _availability(self, **kwargs):
        return self.client._factoring_availability(self.company, **kwargs)[self.client.id]

    def _new_schedule(self, number="N-1", amount=5000.0):
        schedule = self.make_schedule([{"invoice_number": number, "amount": amount}])
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified")
        return schedule

    def test_availability_counts_holds_by_effect(self):
        advance = self.schedule.advance_amount
        fig = self._availability()
        self.assertEqual(fig["open"], 14000.0)
        self.assertEqual(fig["eligible"], 14000.0)
        self.assertAlmostEqual(fig["funds_in_use"], advance)
        self.assertAlmostEqual(fig["borrowing_base"], 14000.0 * 0.9)
        self.assertAlmostEqual(fig["availability"], 0.0)
        # a hold that only stops dunning (a promise to pay) leaves it eligible
        self.item1._factoring_set_hold("Promised", "manual", stops_dunning=True,
                                       makes_ineligible=False)
        self.assertEqual(self._availability()["eligible"], 14000.0)
        # a hold that makes the item ineligible (a dispute) takes it out
        self.item2._factoring_set_hold("Disputed", "manual", origin=self.schedule)
        fig = self._availability()
        self.assertEqual(fig["eligible"], 10000.0)
        self.assertEqual(fig["held_by_source"], {"manual": 4000.0})
        self.assertEqual(fig["ineligible"], {"hold": 4000.0})
        self.assertAlmostEqual(fig["availability"], 10000.0 * 0.9 - advance)
        # the screen shows the same figure, and says what it leaves out
        self.client.invalidate_recordset()
        self.assertAlmostEqual(self.client.factoring_availability, fig["availability"])
        self.assertEqual(self.client.factoring_eligible, 10000.0)
        self.assertAlmostEqual(self.client.factoring_funds_in_use, advance)
        self.assertIn("held manually", self.client.factoring_availability_detail)
        # lifting the hold makes the item eligible again
        self.item2._factoring_lift_holds("manual")
        self.assertAlmostEqual(self._availability()["availability"], 0.0)

    def test_overdue_detail_names_the_held_parts(self):
        with self.subTest("nothing held"):
            self.client.invalidate_recordset()
            self.assertFalse(self.client.factoring_overdue_detail)
        self.item2._factoring_set_hold("Call first", "manual", stops_dunning=True,
                                       makes_ineligible=False)
        # an ineligible-only hold is still chased: it is not in the held part
        self.item1._factoring_set_hold("Copy", "manual", origin=self.schedule,
                                       stops_dunning=False, makes_ineligible=True)
        for partner, overdue in ((self.client, 14000.0), (self.debtor_b, 4000.0)):
            partner.invalidate_recordset()
            self.assertEqual(partner.factoring_overdue_amount, overdue)
            detail = partner.factoring_overdue_detail
            self.assertIn("4,000.00", detail)
            self.assertIn("held manually", detail)
            self.assertIn(f"{overdue - 4000.0:,.2f}", detail)
            self.assertIn("to chase", detail)

    def test_funding_refused_with_figures(self):
        self.item2._factoring_set_hold("Disputed", "manual")
        before = self._availability()["availability"]
        self.assertLess(before, 0)
        schedule = self._new_schedule()
        after = self._availability(pending=schedule)["availability"]
        self.assertAlmostEqual(after, before, msg="eligible paper adds as much as it draws")
        problems = schedule._factoring_funding_problems()
        self.assertEqual(len(problems), 1)
        schedule.invalidate_recordset(["funding_problems"])
        self.assertEqual(schedule.funding_problems, problems[0])
        with self.assertRaises(UserError) as refusal:
            schedule.with_user(self.users["operations"]).action_fund()
        message = str(refusal.exception)
        for figure in (before, schedule.advance_amount, after):
            self.assertIn(f"{abs(figure):,.2f}", message)
        self.assertIn("credit manager may override", message)
        self.assertEqual(schedule.state, "verified")
        self.assertFalse(schedule.move_id)

    def test_funding_within_availability_is_not_refused(self):
        schedule = self._new_schedule()
        self.assertEqual(schedule._factoring_funding_problems(), [])
        schedule.with_user(self.users["operations"]).action_fund()
        self.assertEqual(schedule.state, "funded")

    def test_override_by_a_credit_manager(self):
        self.item2._factoring_set_hold("Disputed", "manual")
        schedule = self._new_schedule()
        for role in ("operations", "credit_analyst", "client_manager", "collector"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                schedule.with_user(self.users[role])._factoring_override_funding("Because")
        with self.assertRaises(AccessError):
            schedule.with_user(self.users["operations"]).action_open_funding_override()
        credit_manager = self.users["credit_manager"]
        with self.assertRaisesRegex(UserError, "needs a reason"):
            schedule.with_user(credit_manager)._factoring_override_funding("  ")
        action = schedule.with_user(credit_manager).action_open_funding_override()
        form = Form(self.env[action["res_model"]].with_user(credit_manager).with_context(
            **action["context"]))
        self.assertIn("past its availability", form.problems)
        form.reason = "Guarantor covers the deficit"
        form.save().action_confirm()
        self.assertEqual(schedule.funding_override_user_id, credit_manager)
        self.assertEqual(schedule.funding_override_reason, "Guarantor covers the deficit")
        # the override fields are written by the override only
        with self.assertRaises(UserError):
            schedule.with_user(self.users["operations"]).write(
                {"funding_override_reason": "Forged"})
        schedule.with_user(self.users["operations"]).action_fund()
        self.assertEqual(schedule.state, "funded")
        bodies = " ".join(schedule.message_ids.mapped("body"))
        self.assertIn("Guarantor covers the deficit", bodies)
        self.assertIn("Funded despite", bodies)

    def test_overrider_may_not_fund(self):
        self.item2._factoring_set_hold("Disputed", "manual")
        schedule = self._new_schedule()
        manager = self.users["manager"]  # credit manager and operations at once
        schedule.with_user(manager)._factoring_override_funding("Known deficit")
        with self.assertRaisesRegex(UserError, "four eyes"):
            schedule.with_user(manager).action_fund()
        self.assertEqual(schedule.state, "verified")
        schedule.with_user(self.second_operations).action_fund()
        self.assertEqual(schedule.state, "funded")

    def test_override_covers_its_figures_only(self):
        self.item2._factoring_set_hold("Disputed", "manual")
        schedule = self._new_schedule()
        schedule.with_user(self.users["credit_manager"])._factoring_override_funding("Known")
        # the figures change after the override: it no longer applies
        self.item1._factoring_set_hold("Disputed too", "manual")
        with self.assertRaisesRegex(UserError, "must override again"):
            schedule.with_user(self.users["operations"]).action_fund()
        # back to draft forgets the override
        schedule.with_user(self.users["operations"]).action_reset_draft()
        self.assertFalse(schedule.funding_override_user_id)
        self.assertFalse(schedule.funding_override_reason)

    def test_override_holds_across_languages(self):
        """A Turkish credit manager's override covers the same figures when an
        English operations user funds: the problems' words differ by language
        (10.000,00 against 10,000.00), the figures they cover do not."""
        self.env["res.lang"]._activate_lang("tr_TR")
        self.item2._factoring_set_hold("Disputed", "manual")
        schedule = self._new_schedule()
        credit_manager = self.users["credit_manager"]
        credit_manager.lang = "tr_TR"
        self.users["operations"].lang = "en_US"
        turkish = schedule.with_user(credit_manager).with_context(lang="tr_TR")
        english = schedule.with_user(self.users["operations"]).with_context(lang="en_US")
        self.assertNotEqual(turkish._factoring_funding_problems(),
                            english._factoring_funding_problems())
        turkish._factoring_override_funding("Teminat mektubu var")
        english.action_fund()
        self.assertEqual(schedule.state, "funded")

    def test_no_override_without_problem(self):
        schedule = self._new_schedule()
        with self.assertRaisesRegex(UserError, "no funding problem"):
            schedule.with_user(self.users["credit_manager"])._factoring_override_funding("x")

    def test_reserve_release_keeps_the_deficit(self):
        # the debtor pays A-1 in full: its reserve (1,000) is owed to the client
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=self.item1.ids,
        ).create({"payment_date": date(2026, 10, 20), "journal_id": self.bank_journal.id})
        wizard._create_payments()
        self.client.invalidate_recordset()
        balance, held, releasable = self.client._factoring_reserve_figures(self.company)[
            self.client.id]
        self.assertGreater(releasable, 0)
        self.assertAlmostEqual(balance - held, releasable)
        # A-2 is disputed: the client is over-advanced by its advance share
        self.item2._factoring_set_hold("Disputed", "manual")
        deficit = -self._availability()["availability"]
        self.assertAlmostEqual(deficit, 3600.0)
        balance2, held2, releasable2 = self.client._factoring_reserve_figures(self.company)[
            self.client.id]
        self.assertEqual((balance2, held2), (balance, held), "the hold moves no money")
        self.assertGreater(deficit, balance - held)
        self.assertEqual(releasable2, 0.0, "the reserve covers the deficit, nothing is paid")
        self.client.invalidate_recordset()
        self.assertEqual(self.client.factoring_reserve_releasable, 0.0)
        operations = self.users["operations"]
        action = self.client.with_user(operations).action_factoring_release_reserve()
        wizard = Form(self.env[action["res_model"]].with_user(operations).with_context(
            **action["context"]))
        self.assertAlmostEqual(wizard.deficit, deficit)
        self.assertEqual(wizard.amount, 0.0)
        with self.assertRaisesRegex(UserError, "no releasable reserve"):
            self.client._factoring_release_reserve(self.bank_journal, date(2026, 10, 21))
        # no deficit any more (a promise leaves the item eligible): the reserve is paid
        self.item2._factoring_lift_holds("manual")
        self.item2._factoring_set_hold("Promised", "manual", stops_dunning=True,
                                       makes_ineligible=False)
        self.assertAlmostEqual(self._availability()["availability"], 0.0)
        payment = self.client._factoring_release_reserve(self.bank_journal, date(2026, 10, 21))
        self.assertAlmostEqual(payment.amount, releasable)
