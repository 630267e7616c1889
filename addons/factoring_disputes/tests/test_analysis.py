from datetime import timedelta

from odoo.fields import Domain
from odoo.tests import tagged

from .common import DisputesCommon


@tagged("post_install", "-at_install")
class TestDisputeAnalysis(DisputesCommon):

    def test_report_rows_and_figures(self):
        today = self.company._factoring_today()
        collector = self.users["collector"]
        closed_days = [2, 4, 12]
        items = [self.item1, self.item2, self.own]
        for item, days in zip(items, closed_days, strict=True):
            dispute = self.open_dispute([(item, 100.0)],
                                        date_open=today - timedelta(days=days))
            dispute.with_user(collector).action_reject()
        open_dispute = self.open_dispute([(self.item_b, 250.0)], user=self.users["supervisor"],
                                         date_open=today - timedelta(days=45))
        Report = self.env["factoring.dispute.report"].with_user(self.users["manager"])
        rows = Report.search([])
        self.assertEqual(len(rows), 4)
        row = rows.filtered(lambda r: r.dispute_id == open_dispute)
        self.assertEqual((row.age_bucket, row.age_days, row.amount_unresolved),
                         ("31_60", 45, 250.0))
        self.assertEqual(sorted(rows.filtered("date_closed").mapped("days_to_resolve")),
                         [2.0, 4.0, 12.0])
        by_state = dict(Report._read_group([], ["state"], ["amount_disputed:sum"]))
        self.assertEqual(by_state, {"rejected": 300.0, "open": 250.0})
        [(avg,)] = Report._read_group([("state", "!=", "open")], [], ["days_to_resolve:avg"])
        self.assertAlmostEqual(avg, sum(closed_days) / 3)
        figures = Report.get_dispute_figures()
        self.assertEqual(figures["count"], 4)
        self.assertAlmostEqual(figures["avg_days_to_resolve"], 6.0)
        self.assertAlmostEqual(figures["median_days_to_resolve"], 4.0)
        Line = self.env["account.move.line"]
        open_total = sum(Line.search(Line._factoring_open_items_domain() & Domain(
            "company_id", "=", self.company.id)).mapped("amount_residual"))
        self.assertAlmostEqual(figures["open_receivables"], open_total)
        self.assertAlmostEqual(figures["disputed_share"], 100.0 * 250.0 / open_total)
        screen = self.env["factoring.dispute.figures"].with_user(self.users["collector"]).create({})
        self.assertAlmostEqual(screen.median_days_to_resolve, 4.0)
        by_reason = Report._read_group([], ["reason_id"], ["__count"])
        self.assertEqual(by_reason, [(self.reason, 4)])
