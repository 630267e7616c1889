"""One credit decision across the five addons (issue 16): the figures people
read on a client's Factoring tab agree with what the system lets them do.

Two clients built like the demo's cases, with every addon installed:

- a client like *Tissage Valmont*: a disputed and a promised item, a schedule
  with a line on a debtor whose only limit is *Proposed* and one on a debtor
  with no limit (verification says why), a schedule that verifies but whose
  funding would take the client past its availability and its client limit
  (refused with the figures, overridden by a credit manager with a reason,
  logged on the schedule and in the limit's history; the overrider does not
  fund), and a reserve release that pays only what exceeds the deficit;
- a client like *Moda Vela*: a promise of 5,000 with no items chosen holds the
  debtor's oldest overdue items up to 5,000 only, and they stay eligible; the
  overdue figure says "disputed / promised / to chase".

Every figure of the client's tab is computed here by hand from the items the
test creates, and read as several roles. A last case is a growing portfolio
whose CEI the old formula (period sales / N with the period's start and end
balances) made negative; the monthly CEI is Σ collected / Σ collectible.
"""
import re
import unittest
from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import Form, tagged
from odoo.tests.common import get_db_name
from odoo.tools import format_amount
from odoo.tools.misc import formatLang

from odoo.addons.factoring_limits.tests.common import LimitsCommon
from odoo.addons.factoring_reports.tests.common import ReportsCommon

ADVANCE = 0.9  # the common agreement's advance rate (90 %)
# the roles that read the client's tab and must all see the same figures
READERS = ("client_manager", "credit_analyst", "credit_manager", "collector", "operations")


def require(*models):
    """Skip a test class (before its set-up) when an addon it needs is not
    installed (`make test` installs them all; a narrower FACTORING_MODULES may not)."""
    registry = Registry(get_db_name())
    missing = [model for model in models if model not in registry]
    if missing:
        raise unittest.SkipTest(f"needs the addons of {', '.join(missing)}")


class ScenarioCommon(LimitsCommon):
    """Base's factoring company, roles, client and debtors (limits' common: a
    second analyst and credit manager for the four eyes), funding only debtors
    with an approved limit (the company default), no fees (the reserve is
    face value - advance), no concentration cap in the way."""

    @classmethod
    def setUpClass(cls):
        require("factoring.limit", "factoring.promise", "factoring.dispute", "factoring.kpi")
        super().setUpClass()
        cls.company.factoring_fund_without_limit = False
        cls.today = cls.company._factoring_today()
        cls.agreement.write({"discount_fee_rate": 0.0, "invoice_fee": 0.0,
                             "max_concentration": 100.0})
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)
        cls.debtor_a.factoring_collector_id = cls.users["collector"]
        cls.debtor_b.factoring_collector_id = cls.users["collector"]
        cls.active_limit("debtor", 100000.0, debtor_id=cls.debtor_a.id)
        cls.active_limit("debtor", 100000.0, debtor_id=cls.debtor_b.id)
        cls.dispute_reason = cls.env.ref("factoring_disputes.reason_pricing")

    @classmethod
    def day(cls, offset):
        return cls.today + timedelta(days=offset)

    @classmethod
    def line(cls, number, debtor, amount, due, invoiced=-45):
        return {"invoice_number": number, "debtor_id": debtor.id, "amount": amount,
                "invoice_date": cls.day(invoiced), "due_date": cls.day(due)}

    @classmethod
    def items_of(cls, schedule):
        items = schedule.move_id.line_ids.filtered("factoring_schedule_line_id")
        return {item.name: item for item in items}

    @classmethod
    def open_dispute(cls, item, amount):
        return cls.env["factoring.dispute"].with_user(cls.users["collector"]).create({
            "reason_id": cls.dispute_reason.id,
            "line_ids": [Command.create({"move_line_id": item.id, "amount": amount})]})

    @classmethod
    def promise(cls, debtor, amount, items=None):
        vals = {"debtor_id": debtor.id, "amount": amount, "date": cls.day(7)}
        if items is not None:
            vals["item_ids"] = [Command.set(items.ids)]
        return cls.env["factoring.promise"].with_user(cls.users["collector"]).create(vals)

    @classmethod
    def pay(cls, item, amount, pay_date):
        wizard = cls.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=item.ids,
        ).create({"payment_date": pay_date, "amount": amount,
                  "journal_id": cls.bank_journal.id})
        return wizard._create_payments()

    def money(self, amount):
        return format_amount(self.env, amount, self.eur)

    def tab(self, role, partner=None):
        """The figures of the client's tab as ``role`` reads them."""
        partner = (partner or self.client).with_user(self.users[role]).with_context(
            allowed_company_ids=self.company.ids)
        partner.invalidate_recordset()
        values = partner._factoring_figure_values()[partner.id]
        for name in ("factoring_reserve_balance", "factoring_reserve_held",
                     "factoring_reserve_releasable", "factoring_dispute_count"):
            values[name] = partner[name]
        return values

    def aging_cells(self, html):
        """The aging table's cells: {bucket label: amount as shown}."""
        return dict(re.findall(
            r"<div class='text-muted small'>([^<]*)</div>([^<]*)</td>", str(html)))

    def assert_tab(self, expected, partner=None):
        """Every figure of the tab (the addons' figure fields and the reserve),
        as each reader sees it, equals the one computed by hand."""
        names = {name for _group, name in self.env["res.partner"]._factoring_figure_fields()}
        missing = names - set(expected)
        self.assertFalse(missing, f"figures of the tab not checked by the scenario: {missing}")
        seen = {}
        for role in READERS:
            values = self.tab(role, partner)
            for name, value in expected.items():
                shown = values[name]
                with self.subTest(role=role, figure=name):
                    if name == "factoring_aging_html":
                        self.assertEqual(self.aging_cells(shown), value)
                    elif isinstance(value, float):
                        self.assertAlmostEqual(shown, value, places=2, msg=name)
                    elif name.endswith("_user_id"):
                        self.assertEqual(shown, False if not value else (value.id, value.name))
                    else:
                        self.assertEqual(shown, value, name)
            seen[role] = {name: values[name] for name in expected}
        first = seen[READERS[0]]
        for role in READERS[1:]:
            self.assertEqual(seen[role], first, f"{role} reads other figures than {READERS[0]}")

    def expected_tab(self, open_items, disputed=(), promised=(), ineligible=(),
                     client_limit=0.0, verified_advance=0.0, reserve_balance=0.0, paid=()):
        """The tab computed by hand from the open items {number: (debtor,
        residual, due offset, invoice offset)}: nothing here is read from the
        code's figures. ``disputed``: the items disputed in full, one dispute
        each; ``client_limit``: the active client limit (0: none); ``paid``:
        the numbers of the items paid in full today."""
        open_amount = sum(amount for _d, amount, _due, _inv in open_items.values())
        overdue = {n: v for n, v in open_items.items() if v[2] < 0}
        overdue_amount = sum(v[1] for v in overdue.values())
        held_disputed = sum(v[1] for n, v in overdue.items() if n in disputed)
        held_promised = sum(v[1] for n, v in overdue.items() if n in promised)
        to_chase = overdue_amount - held_disputed - held_promised
        parts = sorted([(held_disputed, "disputed"), (held_promised, "promised")],
                       key=lambda part: -part[0])
        overdue_detail = ", ".join(
            [f"{self.money(amount)} {label}" for amount, label in parts if amount]
            + [f"{self.money(to_chase)} to chase"]) if held_disputed or held_promised else False
        oldest = min(v[2] for v in overdue.values()) if overdue else None
        not_eligible = sum(v[1] for n, v in open_items.items() if n in disputed)
        manual = sum(v[1] for n, v in open_items.items() if n in ineligible)
        eligible = open_amount - not_eligible - manual
        # every open item was bought at 90 %: what is advanced on it is 90 % of its residual
        funds_in_use = round(open_amount * ADVANCE, 2)
        borrowing_base = round(eligible * ADVANCE, 2)
        availability = round(borrowing_base - funds_in_use, 2)
        left_out = sorted([(not_eligible, "disputed"), (manual, "held manually")],
                          key=lambda part: -part[0])
        left_out = [f"{self.money(amount)} {label}" for amount, label in left_out if amount]
        detail = f"eligible {self.money(eligible)} of {self.money(open_amount)} open"
        if left_out:
            detail += f" (left out: {', '.join(left_out)})"
        detail += (f"; borrowing base {self.money(borrowing_base)} - funds in use "
                   f"{self.money(funds_in_use)}")
        by_debtor = {}
        for debtor, amount, _due, _inv in open_items.values():
            by_debtor[debtor] = by_debtor.get(debtor, 0.0) + amount
        shares = sorted(by_debtor.items(), key=lambda d: (-d[1], d[0].id))
        top = "\n".join(f"{debtor.display_name}: {100.0 * amount / open_amount:.1f} % "
                        f"({self.money(amount)})" for debtor, amount in shares)
        buckets = dict.fromkeys(("Not due", "1-30", "31-60", "61-90", "91-120", "Over 120"), 0.0)
        for _d, amount, due, _inv in open_items.values():
            late = -due
            key = ("Not due" if late <= 0 else "1-30" if late <= 30 else "31-60" if late <= 60
                   else "61-90" if late <= 90 else "91-120" if late <= 120 else "Over 120")
            buckets[key] += amount
        # the sales of the last 90 days: every item was invoiced within them
        sales = sum(self.lines_face.values())
        held_reserve = round(open_amount - funds_in_use, 2)
        deficit = max(-availability, 0.0)
        return {
            "factoring_open_amount": open_amount,
            "factoring_overdue_amount": overdue_amount,
            "factoring_overdue_detail": overdue_detail,
            "factoring_oldest_overdue_days": -oldest if oldest is not None else 0,
            "factoring_oldest_overdue_date": self.day(oldest) if oldest is not None else False,
            "factoring_top_debtors": top,
            "factoring_funds_in_use": funds_in_use,
            "factoring_eligible": eligible,
            "factoring_availability": availability,
            "factoring_availability_detail": detail,
            "factoring_last_meeting_date": False,
            "factoring_last_meeting_user_id": False,
            # limits: the client limit's utilisation is its funds in use (and
            # the advance of verified schedules not funded yet)
            "factoring_client_limit": client_limit,
            "factoring_client_utilisation": funds_in_use + verified_advance,
            "factoring_client_headroom":
                client_limit - funds_in_use - verified_advance if client_limit else 0.0,
            "factoring_debtor_limit": 0.0,
            "factoring_debtor_headroom": 0.0,
            # collections: what is overdue and held from no dunning
            "factoring_dunnable_amount": to_chase,
            # the client's part of its debtors' pending promises (each of
            # these promises holds only this client's items, for their residual)
            "factoring_promise_pending_amount":
                sum(v[1] for n, v in open_items.items() if n in promised),
            "factoring_promise_next_date": self.day(7) if promised else False,
            "factoring_promise_kept_ratio": 0.0,
            "factoring_last_contact_date": False,
            "factoring_last_contact_user_id": False,
            # disputes
            "factoring_dispute_amount": sum(v[1] for n, v in open_items.items() if n in disputed),
            "factoring_dispute_count": len(disputed),
            # reports
            "factoring_aging_html": {label: formatLang(self.env, amount, currency_obj=self.eur)
                                     for label, amount in buckets.items()},
            "factoring_dso": round(open_amount / sales * 90, 1),
            # days beyond terms of the items paid in the last 90 days, weighted
            "factoring_dbt": round(sum(self.lines[n][1] * -self.lines[n][2] for n in paid)
                                   / sum(self.lines[n][1] for n in paid), 1) if paid else 0.0,
            "factoring_herfindahl": round(sum((amount / open_amount) ** 2
                                              for _debtor, amount in shares), 3),
            # reserve: face value - advance of all that was funded, less what was
            # released; held on the open items; releasable beyond the deficit
            "factoring_reserve_balance": reserve_balance,
            "factoring_reserve_held": held_reserve,
            "factoring_reserve_releasable": max(
                round(reserve_balance - held_reserve - deficit, 2), 0.0),
        }

    @property
    def lines_face(self):
        return {number: amount for number, (_d, amount, _due) in self.lines.items()}

    def open_items(self, paid=(), extra=None):
        items = {number: (debtor, amount, due, -45)
                 for number, (debtor, amount, due) in self.lines.items() if number not in paid}
        items.update(extra or {})
        return items


@tagged("post_install", "-at_install")
class TestTissageValmont(ScenarioCommon):
    """An over-advanced client: a disputed item, a promised one; no limit no
    funding; funding past availability and the client limit refused with the
    figures and overridden with a reason; a reserve release that keeps the
    deficit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client_limit = cls.active_limit("client", 30000.0)
        a, b = cls.debtor_a, cls.debtor_b
        # what the client sold and the factor bought, by hand:
        #   TV-1  A 10,000 due 30 days ago   disputed
        #   TV-2  A  6,000 due 10 days ago   to chase
        #   TV-3  B  8,000 due 20 days ago   promised (chosen item)
        #   TV-4  B  4,000 due in 20 days
        #   TV-6  B  1,000 due in 25 days
        cls.lines = {
            "TV-1": (a, 10000.0, -30), "TV-2": (a, 6000.0, -10), "TV-3": (b, 8000.0, -20),
            "TV-4": (b, 4000.0, 20), "TV-6": (b, 1000.0, 25)}
        cls.first = cls.fund(
            [cls.line(number, debtor, amount, due)
             for number, (debtor, amount, due) in cls.lines.items()],
            schedule_date=cls.day(-40))
        cls.items = cls.items_of(cls.first)
        cls.dispute = cls.open_dispute(cls.items["TV-1"], 10000.0)
        cls.promise(b, 8000.0, cls.items["TV-3"])

    def setUp(self):
        super().setUp()
        # the test adds the second schedule's item to its own copies
        self.lines = dict(self.lines)
        self.items = dict(self.items)

    def test_tissage_valmont(self):
        Partner = self.env["res.partner"]
        # -- the tab after the first schedule, the dispute and the promise
        self.assert_tab(self.expected_tab(
            self.open_items(), disputed={"TV-1"}, promised={"TV-3"},
            client_limit=30000.0, reserve_balance=round(29000.0 * (1 - ADVANCE), 2)))
        client = self.client.with_context(allowed_company_ids=self.company.ids)
        self.assertAlmostEqual(client.factoring_availability, -9000.0,
                               msg="the disputed 10,000 bought at 90 %: over-advanced by 9,000")
        self.assertTrue(self.items["TV-3"].factoring_dunning_hold)
        self.assertFalse(self.items["TV-3"].factoring_ineligible_hold,
                         "a promised item stays eligible")
        self.assertTrue(self.items["TV-1"].factoring_ineligible_hold)

        # -- no limit, no funding: a debtor whose only limit is Proposed, one without any
        comptoir = Partner.create({"name": "Comptoir Lainier", "is_company": True,
                                   "is_factoring_debtor": True, "ref": "DEB-C"})
        filature = Partner.create({"name": "Filature Sans Limite", "is_company": True,
                                   "is_factoring_debtor": True, "ref": "DEB-F"})
        self.agreement.approved_debtor_ids = [Command.link(comptoir.id),
                                              Command.link(filature.id)]
        proposed = self.new_limit("debtor", 20000.0, debtor_id=comptoir.id)
        proposed.with_user(self.users["client_manager"]).action_request()
        proposed.with_user(self.users["credit_analyst"]).action_propose()
        self.assertEqual(proposed.state, "proposed")
        refused = self.make_schedule([
            self.line("TV-7", comptoir, 1000.0, 30, invoiced=-5),
            self.line("TV-8", filature, 1000.0, 30, invoiced=-5),
            self.line("TV-9", self.debtor_a, 500.0, 30, invoiced=-5),
        ], schedule_date=self.today)
        refused.with_user(self.users["operations"]).action_verify()
        self.assertEqual(refused.state, "draft")
        comptoir_line, filature_line, fine_line = refused.line_ids.sorted("sequence")
        self.assertEqual(comptoir_line.check_message,
                         "no approved limit on debtor Comptoir Lainier: its limit is only "
                         "Proposed")
        self.assertEqual(filature_line.check_message,
                         "no approved limit on debtor Filature Sans Limite: it has no limit")
        self.assertFalse(fine_line.check_message)
        self.assertIn("Comptoir Lainier: no approved limit", refused.verification_note)
        self.assertIn("Filature Sans Limite: no approved limit", refused.verification_note)
        # a draft schedule counts nowhere: the tab has not moved
        self.assert_tab(self.expected_tab(
            self.open_items(), disputed={"TV-1"}, promised={"TV-3"},
            client_limit=30000.0, reserve_balance=round(29000.0 * (1 - ADVANCE), 2)))

        # -- a schedule that verifies, whose funding the figures refuse
        second = self.make_schedule([self.line("TV-5", self.debtor_a, 3000.0, 30, invoiced=-5)],
                                    schedule_date=self.today)
        second.with_user(self.users["operations"]).action_verify()
        self.assertEqual(second.state, "verified", second.verification_note)
        self.assertAlmostEqual(second.advance_amount, 2700.0)
        self.assert_tab(self.expected_tab(
            self.open_items(), disputed={"TV-1"}, promised={"TV-3"}, verified_advance=2700.0,
            client_limit=30000.0, reserve_balance=round(29000.0 * (1 - ADVANCE), 2)))
        # the credit committee cuts the client limit after the dispute
        cut = self.active_limit("client", 28000.0)
        self.assertEqual(self.client_limit.state, "superseded")
        operations = self.users["operations"]
        with self.assertRaises(UserError) as caught:
            second.with_user(operations).action_fund()
        message = str(caught.exception)
        # availability: before -9,000; the new 3,000 adds 2,700 eligible and
        # 2,700 in use, after -9,000
        self.assertIn(f"past its availability: availability before {self.money(-9000.0)}, "
                      f"this schedule's advance {self.money(2700.0)}, availability after "
                      f"funding {self.money(-9000.0)}", message)
        # the client limit: 26,100 in use + 2,700 = 28,800, 800 over 28,000
        self.assertIn(f"past its client limit {cut.display_name} of {self.money(28000.0)}: "
                      f"funds in use {self.money(26100.0)}, this schedule's advance "
                      f"{self.money(2700.0)}, after funding {self.money(28800.0)}, "
                      f"{self.money(800.0)} over the limit", message)
        self.assertIn("credit manager may override", message)
        self.assertEqual(second.state, "verified")
        self.assertFalse(second.move_id)
        second.invalidate_recordset(["funding_problems"])
        self.assertIn("past its availability", second.funding_problems)
        self.assertIn("past its client limit", second.funding_problems)

        # -- the override: a credit manager's, with a reason; the overrider does not fund
        Override = self.env["factoring.funding.override"]
        with self.assertRaises(UserError):
            Override.with_user(operations).create(
                {"schedule_id": second.id, "reason": "mine"}).action_confirm()
        manager = self.users["manager"]   # credit manager and operations at once
        reason = "Guarantee of the parent company covers the disputed invoice."
        action = second.with_user(manager).action_open_funding_override()
        form = Form(Override.with_user(manager).with_context(**action["context"]))
        form.reason = reason
        form.save().action_confirm()
        self.assertEqual(second.funding_override_user_id, manager)
        self.assertEqual(second.funding_override_reason, reason)
        with self.assertRaisesRegex(UserError, "another person must fund it"):
            second.with_user(manager).action_fund()
        self.assertEqual(second.state, "verified")
        second.with_user(operations).action_fund()
        self.assertEqual(second.state, "funded")
        bodies = " ".join(second.message_ids.mapped("body"))
        self.assertIn(f"Overridden by {manager.name}: {reason}", bodies)
        self.assertIn("Funded despite", bodies)
        history = str(cut.message_ids[0].body).replace("&nbsp;", "\xa0")
        self.assertIn(f"Schedule {second.name} funded past this limit", history)
        self.assertIn(manager.name, history)
        self.assertIn(reason, history)
        self.assertIn(f"{self.money(800.0)} over the limit", history)
        self.items.update(self.items_of(second))
        self.lines["TV-5"] = (self.debtor_a, 3000.0, 30)
        reserve = round(32000.0 * (1 - ADVANCE), 2)
        self.assert_tab(self.expected_tab(
            {**self.open_items(), "TV-5": (self.debtor_a, 3000.0, 30, -5)},
            disputed={"TV-1"}, promised={"TV-3"}, client_limit=28000.0,
            reserve_balance=reserve))

        # -- reserve release: the debtors pay TV-2, TV-4 and TV-5 in full
        for number in ("TV-2", "TV-4", "TV-5"):
            self.pay(self.items[number], self.lines[number][1], self.today)
        remaining = self.open_items(paid={"TV-2", "TV-4", "TV-5"})
        paid = ("TV-2", "TV-4", "TV-5")
        expected = self.expected_tab(remaining, disputed={"TV-1"}, promised={"TV-3"},
                                     client_limit=28000.0, reserve_balance=reserve, paid=paid)
        self.assert_tab(expected)
        # owed 3,200, held 10 % of 19,000 open = 1,900; the deficit 9,000 eats the rest
        self.assertEqual(expected["factoring_reserve_releasable"], 0.0)
        release = client.with_user(operations).action_factoring_release_reserve()
        wizard = Form(self.env[release["res_model"]].with_user(operations).with_context(
            **release["context"]))
        self.assertAlmostEqual(wizard.deficit, 9000.0)
        self.assertEqual(wizard.amount, 0.0)
        with self.assertRaisesRegex(UserError, "no releasable reserve"):
            client.with_user(operations)._factoring_release_reserve(self.bank_journal, self.today)
        # the dispute is rejected: no deficit, the reserve beyond what is held is paid...
        self.dispute.with_user(self.users["supervisor"]).action_reject()
        self.assertFalse(self.items["TV-1"].factoring_on_hold)
        expected = self.expected_tab(remaining, promised={"TV-3"}, client_limit=28000.0,
                                     reserve_balance=reserve, paid=paid)
        self.assertAlmostEqual(expected["factoring_reserve_releasable"], 1300.0)
        self.assert_tab(expected)
        # ...but an item held from funding (invoice copy missing) makes a deficit
        # of 900 again: only what exceeds it is offered
        self.items["TV-6"].with_user(self.users["credit_analyst"]).action_factoring_hold(
            "Invoice copy missing", stops_dunning=False, makes_ineligible=True)
        expected = self.expected_tab(remaining, promised={"TV-3"}, ineligible={"TV-6"},
                                     client_limit=28000.0, reserve_balance=reserve,
                                     paid=paid)
        self.assertAlmostEqual(expected["factoring_availability"], -900.0)
        self.assertAlmostEqual(expected["factoring_reserve_releasable"], 400.0)
        self.assert_tab(expected)
        release = client.with_user(operations).action_factoring_release_reserve()
        wizard = Form(self.env[release["res_model"]].with_user(operations).with_context(
            **release["context"]))
        self.assertAlmostEqual(wizard.deficit, 900.0)
        self.assertAlmostEqual(wizard.amount, 400.0)
        payment = client.with_user(operations)._factoring_release_reserve(
            self.bank_journal, self.today)
        self.assertAlmostEqual(payment.amount, 400.0)
        self.assert_tab(self.expected_tab(
            remaining, promised={"TV-3"}, ineligible={"TV-6"}, client_limit=28000.0,
            reserve_balance=reserve - 400.0, paid=paid))


@tagged("post_install", "-at_install")
class TestModaVela(ScenarioCommon):
    """A promise of 5,000 with no items chosen holds only the debtor's oldest
    overdue items up to 5,000 (the disputed one left to its dispute); they stay
    eligible; the overdue figure names the disputed, promised and to-chase parts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.debtor_a
        #   MV-3  13,983.50 due 70 days ago  disputed
        #   MV-1   2,000.00 due 50 days ago  }  the promise's oldest overdue items
        #   MV-2   3,000.00 due 40 days ago  }  up to 5,000
        #   MV-5   4,037.00 due 10 days ago     to chase
        #   MV-4  10,820.50 due in 20 days
        cls.lines = {"MV-3": (a, 13983.50, -70), "MV-1": (a, 2000.0, -50),
                     "MV-2": (a, 3000.0, -40), "MV-5": (a, 4037.0, -10),
                     "MV-4": (a, 10820.50, 20)}
        schedule = cls.fund([cls.line(number, debtor, amount, due, invoiced=-80)
                             for number, (debtor, amount, due) in cls.lines.items()],
                            schedule_date=cls.day(-75))
        cls.items = cls.items_of(schedule)
        cls.open_dispute(cls.items["MV-3"], 13983.50)

    def test_moda_vela(self):
        client = self.client.with_context(allowed_company_ids=self.company.ids)
        before = client._factoring_availability(self.company)[client.id]
        promise = self.promise(self.debtor_a, 5000.0)
        self.assertFalse(promise.item_ids)
        holds = self.env["factoring.item.hold"].search([
            ("res_model", "=", "factoring.promise"), ("res_id", "=", promise.id)])
        self.assertEqual(holds.move_line_id, self.items["MV-1"] | self.items["MV-2"],
                         "the oldest overdue items not disputed, up to 5,000: not all four")
        self.assertEqual(sum(holds.move_line_id.mapped("amount_residual")), 5000.0)
        for number in ("MV-4", "MV-5"):
            self.assertFalse(self.items[number].factoring_on_hold, number)
        for item in holds.move_line_id:
            self.assertTrue(item.factoring_dunning_hold)
            self.assertFalse(item.factoring_ineligible_hold, "a promise leaves it eligible")
        after = client._factoring_availability(self.company)[client.id]
        self.assertEqual(after["eligible"], before["eligible"])
        self.assertEqual(after["availability"], before["availability"])

        total = sum(amount for _debtor, amount, _due in self.lines.values())
        self.assertEqual(total, 33841.0)
        overdue = sum(amount for _debtor, amount, due in self.lines.values() if due < 0)
        self.assertEqual(overdue, 23020.50)
        to_chase = overdue - 13983.50 - 5000.0
        self.assertEqual(to_chase, 4037.0)
        detail = (f"{self.money(13983.50)} disputed, {self.money(5000.0)} promised, "
                  f"{self.money(to_chase)} to chase")
        expected = self.expected_tab(
            self.open_items(), disputed={"MV-3"}, promised={"MV-1", "MV-2"},
            reserve_balance=round(total * (1 - ADVANCE), 2))
        self.assertEqual(expected["factoring_overdue_detail"], detail)
        self.assertEqual(expected["factoring_dunnable_amount"], to_chase)
        self.assertEqual(expected["factoring_eligible"], total - 13983.50,
                         "promised items stay eligible")
        # the client's tab shows the pending promise that holds its items
        self.assert_tab(expected)
        # the debtor's own tab says the same
        self.assertEqual(self.tab("collector", self.debtor_a)["factoring_overdue_detail"],
                         detail)
        # the promise grows to 6,000: the next oldest overdue item joins it
        promise.amount = 6000.0
        holds = self.env["factoring.item.hold"].search([
            ("res_model", "=", "factoring.promise"), ("res_id", "=", promise.id)])
        self.assertEqual(holds.move_line_id,
                         self.items["MV-1"] | self.items["MV-2"] | self.items["MV-5"])
        self.assertFalse(self.items["MV-4"].factoring_on_hold, "not due: never promised")


@tagged("post_install", "-at_install")
class TestGrowingPortfolioCei(ReportsCommon):
    """A portfolio that grows month after month: the old CEI (period sales / N
    with the period's start and end balances) is negative; the monthly CEI is
    Σ collected / Σ collectible, between 0 and 100.

      D0   invoiced  1 Dec 2025, due 20 Dec,  1,000; paid 15 Jan
      J1   invoiced 10 Jan 2026, due 10 Feb,  4,000; paid 20 Feb
      F1   invoiced  5 Feb,      due 10 Mar,  8,000; paid 25 Mar
      M1   invoiced  5 Mar,      due 30 Apr,  6,000
      M2   invoiced  6 Mar,      due 20 Mar, 12,000
    """

    INVOICES = {
        "D0": (1000.0, date(2025, 12, 1), date(2025, 12, 20), date(2026, 1, 15)),
        "J1": (4000.0, date(2026, 1, 10), date(2026, 2, 10), date(2026, 2, 20)),
        "F1": (8000.0, date(2026, 2, 5), date(2026, 3, 10), date(2026, 3, 25)),
        "M1": (6000.0, date(2026, 3, 5), date(2026, 4, 30), None),
        "M2": (12000.0, date(2026, 3, 6), date(2026, 3, 20), None),
    }

    @classmethod
    def setUpClass(cls):
        require("factoring.kpi")
        super().setUpClass()
        for ref, (amount, invoiced, due, paid) in cls.INVOICES.items():
            item = cls.make_invoice(cls.debtor_a, amount, invoiced, due, ref)
            if paid:
                cls.pay(item, amount, paid)

    def ar(self, day, current_only=False):
        """Open at the end of ``day``, by hand from the invoices above."""
        return sum(amount for amount, invoiced, due, paid in self.INVOICES.values()
                   if invoiced <= day and (paid is None or paid > day)
                   and (not current_only or due > day))

    def sales(self, first, last):
        return sum(amount for amount, invoiced, _due, _paid in self.INVOICES.values()
                   if first <= invoiced <= last)

    def test_growing_portfolio(self):
        months = [(date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 28)),
                  (date(2026, 3, 1), date(2026, 3, 31))]
        start, end = months[0][0], months[-1][1]
        beginning = self.ar(start - timedelta(days=1))
        sales = self.sales(start, end)
        ending, current = self.ar(end), self.ar(end, current_only=True)
        # the old formula: period sales / N months with the period's balances
        per_month = sales / len(months)
        old = (beginning + per_month - ending) / (beginning + per_month - current) * 100
        self.assertLess(old, 0, "the case the old formula got wrong")
        # the monthly CEI by hand: each month from the AR the previous one ended with
        collected = collectible = 0.0
        by_month = []
        for first, last in months:
            month_start = self.ar(first - timedelta(days=1))
            month_sales = self.sales(first, last)
            month_collected = month_start + month_sales - self.ar(last)
            month_collectible = month_start + month_sales - self.ar(last, current_only=True)
            by_month.append((month_collected, month_collectible))
            collected += month_collected
            collectible += month_collectible
        self.assertEqual(by_month, [(1000.0, 1000.0), (4000.0, 4000.0), (8000.0, 20000.0)])

        for role in ("manager", "credit_manager"):
            with self.subTest(role=role):
                [result] = self.env["factoring.kpi"].with_user(self.users[role]).get_kpis(
                    start, end)
                self.assertEqual((result["beginning_ar"], result["sales"], result["ending_ar"],
                                  result["ending_current_ar"]),
                                 (beginning, sales, ending, current))
                self.assertTrue(0 <= result["cei"] <= 100, result["cei"])
                self.assertAlmostEqual(result["cei"], collected / collectible * 100)
                self.assertAlmostEqual(result["cei"], 52.0)
                self.assertEqual((result["cei_collected"], result["cei_collectible"]),
                                 (collected, collectible))
                self.assertEqual([(m["collected"], m["collectible"])
                                  for m in result["cei_months"]], by_month)
