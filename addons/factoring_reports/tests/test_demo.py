from dateutil.relativedelta import relativedelta

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestReportsDemo(TransactionCase):
    """The demo story of Galata Factoring (only with demo data): aging over
    every bucket, Collector 2's decay reported, six months of trends."""

    def setUp(self):
        super().setUp()
        self.collector_2 = self.env.ref("factoring_base.user_collector_2",
                                        raise_if_not_found=False)
        if not self.collector_2 or not self.env["factoring.report.snapshot"].search_count([]):
            self.skipTest("no demo data")
        self.company = self.env["factoring.demo"]._demo_company()

    def test_demo_aging_covers_the_buckets(self):
        aging = self.env["factoring.aging.report"].with_company(self.company)
        buckets = {bucket for bucket, _total in aging._read_group(
            [("company_id", "=", self.company.id)], ["bucket"], ["residual:sum"])}
        self.assertTrue({"b0", "b1", "b2", "b5"} <= buckets, buckets)
        self.assertGreaterEqual(len(buckets), 5)

    def test_demo_decay_of_collector_2(self):
        alerts = self.env["factoring.adoption.alert"].search(
            [("user_id", "=", self.collector_2.id)])
        self.assertTrue(alerts)
        self.assertLess(alerts[0].ratio, alerts[0].threshold)
        self.assertTrue(alerts[0].activity_ids)
        collector_1 = self.env.ref("factoring_base.user_collector_1")
        self.assertFalse(self.env["factoring.adoption.alert"].search(
            [("user_id", "=", collector_1.id)]))

    def test_demo_six_months_of_trends(self):
        today = self.company._factoring_today()
        months = {day for (day,) in self.env["factoring.report.snapshot"]._read_group(
            [("company_id", "=", self.company.id)], ["date:day"], [])}
        last = today.replace(day=1) - relativedelta(days=1)
        self.assertIn(last, months)
        self.assertGreaterEqual(len(months), 6)

    def test_demo_kpis_read_right(self):
        """The KPI wizard's default period (the last three whole months) on the
        demo: every CEI, of the portfolio and per collector or client, lies
        within 0 and 100, and each line explains its figures."""
        manager = self.env.ref("factoring_base.user_collections_supervisor")
        for group_by in ("portfolio", "collector_id", "client_id"):
            wizard = self.env["factoring.kpi.wizard"].with_user(manager).with_company(
                self.company).create({"group_by": group_by})
            lines = self.env["factoring.kpi.line"].with_user(manager).search(
                wizard.action_compute()["domain"])
            self.assertTrue(lines, group_by)
            for line in lines.filtered("cei_defined"):
                self.assertTrue(0 <= line.cei <= 100, (group_by, line.name, line.cei))
                self.assertEqual(len(line.cei_month_ids), 3)
                self.assertIn(" × 100 = ", line.cei_detail)
