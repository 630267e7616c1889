import re
from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..models.factoring_guard import guarded
from .common import FactoringCommon


@tagged("post_install", "-at_install")
class TestAgreement(FactoringCommon):
    """Agreement terms are validated, one active agreement per client and
    currency, a clear life cycle, tracked in the chatter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client_2 = cls.env["res.partner"].create({
            "name": "Filature du Sud", "is_company": True, "is_factoring_client": True})

    def new_agreement(self, **vals):
        return self.env["factoring.agreement"].create({
            "client_id": self.client_2.id,
            "currency_id": self.eur.id,
            "advance_rate": 85.0,
            "date_start": date(2026, 3, 1),
            **vals,
        })

    def tracking_env(self):
        return self.env(context=dict(self.env.context, tracking_disable=False))

    def flush_tracking(self):
        """Tracking values are written by a pre-commit hook: run it."""
        self.env.flush_all()
        self.env.cr.flush()

    # ------------------------------------------------------------------
    # Terms
    # ------------------------------------------------------------------
    def test_rates_must_be_between_0_and_100(self):
        for field_name, label in (("advance_rate", "Advance Rate (%)"),
                                  ("discount_fee_rate", "Discount Fee (% per 30 days)"),
                                  ("max_concentration", "Max. Debtor Concentration (%)")):
            for value in (-0.5, 100.5, 250.0):
                with self.subTest(field=field_name, value=value, on="create"):
                    with self.assertRaises(ValidationError) as caught:
                        self.new_agreement(**{field_name: value})
                    message = str(caught.exception)
                    self.assertRegex(message, r"Agreement FA/\d{4}/\d+")
                    self.assertIn(label, message)
                    self.assertIn(str(value), message)
                with self.subTest(field=field_name, value=value, on="write"):
                    with self.assertRaises(ValidationError) as caught:
                        self.agreement.write({field_name: value})
                    self.assertIn(f"Agreement {self.agreement.name}", str(caught.exception))
                    self.assertIn(label, str(caught.exception))
            for value in (0.0, 100.0):
                with self.subTest(field=field_name, value=value, on="bounds"):
                    agreement = self.new_agreement(**{field_name: value})
                    self.assertEqual(agreement[field_name], value, "the bounds are allowed")
                    agreement.unlink()

    def test_negative_invoice_fee(self):
        with self.assertRaises(ValidationError) as caught:
            self.agreement.invoice_fee = -5.0
        self.assertIn(f"Agreement {self.agreement.name}", str(caught.exception))
        self.assertIn("fee per invoice cannot be negative", str(caught.exception))
        self.agreement.invoice_fee = 12.5
        self.assertEqual(self.agreement.invoice_fee, 12.5)

    def test_end_date_after_start_date(self):
        for end in (date(2026, 2, 28), date(2026, 3, 1)):
            with self.subTest(end=end):
                with self.assertRaises(ValidationError) as caught:
                    self.new_agreement(date_end=end)
                message = str(caught.exception)
                self.assertRegex(message, r"Agreement FA/\d{4}/\d+")
                self.assertIn(str(end), message)
                self.assertIn("2026-03-01", message)
        with self.assertRaises(ValidationError):
            self.agreement.date_end = self.agreement.date_start
        agreement = self.new_agreement(date_end=date(2026, 3, 2))
        self.assertEqual(agreement.date_end, date(2026, 3, 2))

    def test_reserve_is_100_minus_advance(self):
        agreement = self.new_agreement(advance_rate=85.0)
        self.assertAlmostEqual(agreement.reserve_rate, 15.0)
        for advance in (72.5, 0.0, 100.0):
            agreement.advance_rate = advance
            self.assertAlmostEqual(agreement.reserve_rate, 100.0 - advance)
        self.assertAlmostEqual(self.agreement.reserve_rate, 100.0 - self.agreement.advance_rate)

    def test_sequence_name(self):
        first = self.new_agreement()
        second = self.new_agreement()
        pattern = r"FA/\d{4}/\d{4}"
        self.assertRegex(first.name, pattern)
        self.assertRegex(second.name, pattern)
        self.assertRegex(self.agreement.name, pattern)
        self.assertNotEqual(first.name, second.name)
        self.assertGreater(int(second.name.rsplit("/", 1)[1]), int(first.name.rsplit("/", 1)[1]))
        self.assertEqual(first.display_name, first.name)

    def test_explicit_name_is_kept(self):
        agreement = self.new_agreement(name="LEGACY-42")
        self.assertEqual(agreement.name, "LEGACY-42")

    # ------------------------------------------------------------------
    # One active agreement per client and currency
    # ------------------------------------------------------------------
    def test_second_active_agreement_same_currency_refused(self):
        second = self.env["factoring.agreement"].create({
            "client_id": self.client.id, "currency_id": self.eur.id,
            "date_start": date(2026, 6, 1)})
        self.assertEqual(second.state, "draft", "a second draft agreement is allowed")
        with self.assertRaises(ValidationError) as caught:
            second.action_activate()
        message = str(caught.exception)
        self.assertIn(self.client.name, message)
        self.assertIn("EUR", message)
        self.assertIn(self.agreement.name, message)
        self.assertEqual(second.state, "draft")

    def test_second_active_agreement_created_active_refused(self):
        """Created directly as active, with or without an explicit currency (the
        default is the company's): a ValidationError, not a database error."""
        for vals in ({"currency_id": self.eur.id, "company_id": self.company.id},
                     {"company_id": self.company.id},
                     {}):
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError) as caught:
                    guarded(self.env["factoring.agreement"]).create({
                        "client_id": self.client.id, "date_start": date(2026, 6, 1),
                        "state": "active", **vals})
                self.assertIn(self.client.name, str(caught.exception))
                self.assertIn(self.agreement.name, str(caught.exception))

    def test_two_active_agreements_in_one_create_refused(self):
        with self.assertRaises(ValidationError) as caught:
            guarded(self.env["factoring.agreement"]).create([
                {"client_id": self.client_2.id, "currency_id": self.eur.id, "state": "active"},
                {"client_id": self.client_2.id, "state": "active"},
            ])
        self.assertIn(self.client_2.name, str(caught.exception))
        self.assertIn("EUR", str(caught.exception))

    def test_two_agreements_activated_together_refused(self):
        first, second = self.new_agreement(), self.new_agreement()
        with self.assertRaises(ValidationError) as caught:
            (first | second).action_activate()
        self.assertIn(self.client_2.name, str(caught.exception))
        self.assertEqual((first | second).mapped("state"), ["draft", "draft"])

    def test_active_agreement_in_another_currency_allowed(self):
        usd_agreement = self.env["factoring.agreement"].create({
            "client_id": self.client.id, "currency_id": self.usd.id,
            "date_start": date(2026, 6, 1)})
        usd_agreement.action_activate()
        self.assertEqual(usd_agreement.state, "active")
        self.assertEqual(self.agreement.state, "active")

    def test_other_client_same_currency_allowed(self):
        agreement = self.new_agreement()
        agreement.action_activate()
        self.assertEqual(agreement.state, "active")

    def test_reactivating_when_another_is_active_refused(self):
        self.agreement.action_suspend()
        replacement = self.env["factoring.agreement"].create({
            "client_id": self.client.id, "currency_id": self.eur.id,
            "date_start": date(2026, 6, 1)})
        replacement.action_activate()
        self.assertEqual(replacement.state, "active")
        with self.assertRaises(ValidationError) as caught:
            self.agreement.action_activate()
        self.assertIn(replacement.name, str(caught.exception))
        self.assertEqual(self.agreement.state, "suspended")

    def test_changing_currency_into_a_clash_refused(self):
        usd_agreement = self.env["factoring.agreement"].create({
            "client_id": self.client.id, "currency_id": self.usd.id,
            "date_start": date(2026, 6, 1)})
        usd_agreement.action_activate()
        with self.assertRaises(ValidationError) as caught:
            usd_agreement.currency_id = self.eur
        self.assertIn(self.agreement.name, str(caught.exception))

    def test_terminated_agreement_frees_the_slot(self):
        self.agreement.action_terminate()
        replacement = self.env["factoring.agreement"].create({
            "client_id": self.client.id, "currency_id": self.eur.id,
            "date_start": date(2026, 6, 1)})
        replacement.action_activate()
        self.assertEqual(replacement.state, "active")

    def test_client_must_be_flagged(self):
        with self.assertRaises(ValidationError) as caught:
            self.env["factoring.agreement"].create({
                "client_id": self.not_debtor.id, "currency_id": self.eur.id})
        self.assertIn(self.not_debtor.name, str(caught.exception))

    # ------------------------------------------------------------------
    # Life cycle
    # ------------------------------------------------------------------
    def test_state_transitions(self):
        agreement = self.new_agreement()
        self.assertEqual(agreement.state, "draft")
        steps = [
            ("action_activate", "active"),
            ("action_suspend", "suspended"),
            ("action_activate", "active"),
            ("action_terminate", "terminated"),
            ("action_reset_draft", "draft"),
            ("action_terminate", "terminated"),
        ]
        for method, state in steps:
            getattr(agreement, method)()
            self.assertEqual(agreement.state, state, f"after {method}")

    def test_illegal_transitions(self):
        illegal = {
            "draft": ("action_suspend", "action_reset_draft"),
            "active": ("action_activate", "action_reset_draft"),
            "suspended": ("action_suspend",),
            "terminated": ("action_activate", "action_suspend", "action_terminate"),
        }
        labels = dict(self.env["factoring.agreement"]._fields["state"].selection)
        for state, methods in illegal.items():
            for method in methods:
                with self.subTest(state=state, method=method):
                    agreement = self.new_agreement()
                    guarded(agreement).write({"state": state})
                    with self.assertRaises(UserError) as caught:
                        getattr(agreement, method)()
                    message = str(caught.exception)
                    self.assertIn(f"Agreement {agreement.name} is {labels[state]}", message)
                    self.assertEqual(agreement.state, state)
                    agreement.unlink()

    def test_transition_of_several_agreements_is_all_or_nothing(self):
        draft = self.new_agreement()
        other = self.env["res.partner"].create({
            "name": "Third Client", "is_factoring_client": True})
        active = self.new_agreement(client_id=other.id)
        active.action_activate()
        with self.assertRaises(UserError):
            (active | draft).action_suspend()
        self.assertEqual(active.state, "active")
        self.assertEqual(draft.state, "draft")

    def test_transitions_are_tracked(self):
        agreement = self.new_agreement().with_env(self.tracking_env())
        self.flush_tracking()
        agreement.action_activate()
        self.flush_tracking()
        agreement.action_suspend()
        self.flush_tracking()
        agreement.advance_rate = 75.0
        self.flush_tracking()

        tracked = agreement.message_ids.sudo().tracking_value_ids
        state_changes = tracked.filtered(lambda t: t.field_id.name == "state")
        self.assertEqual(
            sorted((t.old_value_char, t.new_value_char) for t in state_changes),
            [("Active", "Suspended"), ("Draft", "Active")])
        rate = tracked.filtered(lambda t: t.field_id.name == "advance_rate")
        self.assertEqual((rate.old_value_float, rate.new_value_float), (85.0, 75.0))

    def test_no_tracking_message_without_change(self):
        agreement = self.new_agreement().with_env(self.tracking_env())
        self.flush_tracking()
        before = agreement.message_ids
        agreement.write({"note": "<p>terms</p>"})
        self.flush_tracking()
        self.assertFalse((agreement.message_ids - before).tracking_value_ids)

    # ------------------------------------------------------------------
    # Partner smart buttons
    # ------------------------------------------------------------------
    def test_partner_counts(self):
        self.assertEqual(self.client.factoring_agreement_count, 1)
        self.assertEqual(self.client.factoring_schedule_count, 0)
        self.assertEqual(self.client_2.factoring_agreement_count, 0)

        usd_agreement = self.env["factoring.agreement"].create({
            "client_id": self.client.id, "currency_id": self.usd.id})
        usd_agreement.action_activate()
        self.make_schedule([{}])
        self.make_schedule([{}, {}])
        self.make_schedule([{}], agreement=usd_agreement)
        self.new_agreement()
        self.env.invalidate_all()
        self.assertEqual(self.client.factoring_agreement_count, 2)
        self.assertEqual(self.client.factoring_schedule_count, 3)
        self.assertEqual(self.client_2.factoring_agreement_count, 1)
        self.assertEqual(self.client_2.factoring_schedule_count, 0)
        self.assertEqual(self.agreement.schedule_count, 2)
        self.assertEqual(usd_agreement.schedule_count, 1)

        action = self.client.action_view_factoring_agreements()
        self.assertEqual(
            self.env["factoring.agreement"].search(action["domain"]),
            self.agreement | usd_agreement)
        action = self.client.action_view_factoring_schedules()
        self.assertEqual(self.env["factoring.schedule"].search_count(action["domain"]), 3)
        action = self.agreement.action_view_schedules()
        self.assertEqual(self.env["factoring.schedule"].search(action["domain"]),
                         self.agreement.schedule_ids)
        self.assertTrue(re.match(r"AS/\d{4}/\d{5}", self.agreement.schedule_ids[0].name))
