from odoo.tools import format_amount

from .common import DisputesCommon


class TestDisputeHoldEffects(DisputesCommon):
    """A dispute's hold stops dunning and makes the item ineligible for funding:
    the client's availability leaves the disputed items out and names them, and
    funding a new schedule that would take the client past its availability is
    refused with the figures."""

    def test_dispute_hold_has_both_effects(self):
        dispute = self.open_dispute([(self.item2, 500.0)])
        hold = self.item2.factoring_hold_ids
        self.assertEqual(hold.source, "dispute")
        self.assertEqual((hold.stops_dunning, hold.makes_ineligible), (True, True))
        self.assertTrue(self.item2.factoring_dunning_hold)
        self.assertTrue(self.item2.factoring_ineligible_hold)
        figures = self.client._factoring_availability(self.company)[self.client.id]
        # the whole residual of the disputed item leaves eligibility, not only
        # the disputed part
        self.assertEqual(figures["held_by_source"], {"dispute": 2000.0})
        self.assertEqual(figures["eligible"], 4500.0 - 2000.0)
        self.assertAlmostEqual(figures["availability"], -2000.0 * 0.9)
        self.client.invalidate_recordset()
        disputed = f"{format_amount(self.env, 2000.0, self.eur)} disputed"
        self.assertIn(disputed, self.client.factoring_availability_detail)
        # the items fell due on 14 November 2026
        self.assertIn(disputed, self.client.factoring_overdue_detail)
        # funding more for this client is refused with the figures
        schedule = self.make_schedule([{"invoice_number": "DSP-9", "amount": 1000.0}])
        schedule.action_verify()
        problems = schedule._factoring_funding_problems()
        self.assertEqual(len(problems), 1)
        self.assertIn("past its availability", problems[0])
        self.assertIn("1,800.00", problems[0])
        # the dispute ends: the item is eligible again, funding goes ahead
        dispute.with_user(self.users["supervisor"]).action_reject()
        self.assertFalse(self.item2.factoring_on_hold)
        self.assertEqual(schedule._factoring_funding_problems(), [])
