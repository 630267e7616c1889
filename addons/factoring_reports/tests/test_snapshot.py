from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ReportsCommon

MONTH_ENDS = [date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31)]


@tagged("post_install", "-at_install")
class TestSnapshots(ReportsCommon):
    """The own invoices of TestAgingOwnInvoices:
      A1  debtor A  invoiced 1 Aug,  due 31 Aug  6,000; 1,000 paid 15 Sep
      S1  debtor A  invoiced 5 Sep,  due 5 Oct   4,000
      S2  debtor B  invoiced 10 Sep, due 20 Sep  6,000; 2,000 paid 10 Oct
      P1  debtor B  invoiced 20 Aug, due 15 Sep    300, paid in full 12 Sep
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a1 = cls.make_invoice(cls.debtor_a, 6000, date(2026, 8, 1), date(2026, 8, 31), "A1")
        cls.s1 = cls.make_invoice(cls.debtor_a, 4000, date(2026, 9, 5), date(2026, 10, 5), "S1")
        cls.s2 = cls.make_invoice(cls.debtor_b, 6000, date(2026, 9, 10), date(2026, 9, 20), "S2")
        cls.p1 = cls.make_invoice(cls.debtor_b, 300, date(2026, 8, 20), date(2026, 9, 15), "P1")
        cls.pay(cls.a1, 1000, date(2026, 9, 15))
        cls.pay(cls.s2, 2000, date(2026, 10, 10))
        cls.pay(cls.p1, 300, date(2026, 9, 12))
        cls.Snapshot = cls.env["factoring.report.snapshot"]

    def backfill(self, user=None):
        return self.Snapshot.with_user(user or self.manager).action_backfill(
            "2026-08-15", "2026-10-31", [self.company.id])

    def rows(self):
        snaps = self.Snapshot.search([("company_id", "=", self.company.id)])
        return {(s.date, s.debtor_id.id): s for s in snaps}

    def test_backfill_equals_the_aging_of_each_month_end(self):
        self.assertEqual(self.backfill(), 3)
        rows = self.rows()
        fields_ = ["residual", "amount_b0", "amount_b1", "amount_b2", "amount_b3",
                   "amount_b4", "amount_b5", "amount_overdue"]
        for day in MONTH_ENDS:
            aging = self.env["factoring.aging.report"].with_context(factoring_aging_date=day)
            groups = aging._read_group(
                [("company_id", "=", self.company.id)], ["debtor_id"],
                [f"{f}:sum" for f in fields_] + ["__count"])
            expected = {(day, g[0].id): g[1:] for g in groups}
            got = {key: tuple(s[f] for f in fields_) + (s.item_count,)
                   for key, s in rows.items() if key[0] == day}
            self.assertEqual(got, expected, day)
        # 30 Sep by hand: A 5,000 (1-30) + 4,000 not due; B 6,000 (1-30); P1 paid
        sep_a, sep_b = rows[MONTH_ENDS[1], self.debtor_a.id], rows[MONTH_ENDS[1], self.debtor_b.id]
        self.assertEqual((sep_a.residual, sep_a.amount_b0, sep_a.amount_b1), (9000, 4000, 5000))
        self.assertEqual((sep_b.residual, sep_b.amount_b1), (6000, 6000))

    def test_flows_and_kpis_of_the_month(self):
        self.backfill()
        rows = self.rows()
        aug_a, aug_b = rows[MONTH_ENDS[0], self.debtor_a.id], rows[MONTH_ENDS[0], self.debtor_b.id]
        self.assertEqual((aug_a.sales, aug_b.sales), (6000, 300))
        sep_a, sep_b = rows[MONTH_ENDS[1], self.debtor_a.id], rows[MONTH_ENDS[1], self.debtor_b.id]
        self.assertEqual((sep_a.sales, sep_b.sales), (4000, 6000))
        # P1 300 paid 12 Sep: 3 days early (due 15 Sep), 23 days after its invoice
        self.assertEqual((sep_b.paid_amount, sep_b.paid_dbt_days, sep_b.paid_adp_days),
                         (300, -900, 6900))
        self.assertAlmostEqual(sep_b.dbt, -3.0)
        # DSO of the month: open AR / month's sales x 30 days
        self.assertAlmostEqual(sep_a.dso, 9000 / 4000 * 30)
        self.assertAlmostEqual(sep_b.dso, 6000 / 6000 * 30)
        # October: no sales, nothing paid in full: no DSO, no DBT
        oct_b = rows[MONTH_ENDS[2], self.debtor_b.id]
        self.assertEqual((oct_b.sales, oct_b.paid_amount, oct_b.dso), (0, 0, 0))

    def test_taking_a_month_again_replaces_it(self):
        self.backfill()
        first = {k: s.residual for k, s in self.rows().items()}
        count = self.Snapshot.search_count([("company_id", "=", self.company.id)])
        # a payment backdated into September changes that month when taken again
        self.pay(self.s1, 500, date(2026, 9, 20))
        self.backfill()
        self.assertEqual(
            self.Snapshot.search_count([("company_id", "=", self.company.id)]), count)
        again = {k: s.residual for k, s in self.rows().items()}
        self.assertEqual(again[MONTH_ENDS[1], self.debtor_a.id],
                         first[MONTH_ENDS[1], self.debtor_a.id] - 500)
        self.assertEqual(again[MONTH_ENDS[0], self.debtor_a.id],
                         first[MONTH_ENDS[0], self.debtor_a.id])
        # the cron takes the last month end; twice gives the same rows
        self.Snapshot._cron_take_snapshot()
        n = self.Snapshot.search_count([])
        self.Snapshot._cron_take_snapshot()
        self.assertEqual(self.Snapshot.search_count([]), n)

    def test_rights_and_bad_input(self):
        with self.assertRaises(AccessError):
            self.backfill(self.users["collector"])
        with self.assertRaises(AccessError):
            self.env["factoring.snapshot.wizard"].with_user(self.users["client_manager"]).create(
                {"date_from": "2026-08-01", "date_to": "2026-09-30"}).action_backfill()
        with self.assertRaisesRegex(ValidationError, "must come before"):
            self.Snapshot.with_user(self.manager).action_backfill("2026-10-01", "2026-08-31")
        wizard = self.env["factoring.snapshot.wizard"].with_user(self.users["supervisor"]).create(
            {"date_from": "2026-09-01", "date_to": "2026-09-30"})
        action = wizard.action_backfill()
        self.assertEqual(action["res_model"], "factoring.report.snapshot")
        snap = self.Snapshot.search([("company_id", "=", self.company.id)], limit=1)
        self.assertTrue(snap)
        for user in (self.manager, self.env.user):
            with self.assertRaises(UserError):
                snap.with_user(user).write({"residual": 1})
            with self.assertRaises(UserError):
                self.Snapshot.with_user(user).create({"date": "2026-09-30"})
        with self.assertRaises(UserError):
            snap.with_user(self.manager).unlink()
        # collectors read their debtors' rows (debtor A), client managers nothing
        # here (own invoices: the debtors have no client manager)
        self.assertEqual(
            self.Snapshot.with_user(self.users["collector"]).search([]).debtor_id, self.debtor_a)
        self.assertFalse(self.Snapshot.with_user(self.users["client_manager"]).search([]))

    def test_trend_measures_are_named_by_their_buckets(self):
        """The bucket measures of the trends (and the aging's bucket columns)
        carry the company's bounds in days past due, not "Bucket 3"."""
        expected_default = ["Not due", "1-30 days", "31-60 days", "61-90 days",
                            "91-120 days", "Over 120 days"]
        names = [f"amount_b{index}" for index in range(6)]
        for model in ("factoring.report.snapshot", "factoring.aging.report"):
            Model = self.env[model].with_user(self.manager)
            with self.subTest(model=model):
                strings = Model.fields_get(names, ["string"])
                self.assertEqual([strings[name]["string"] for name in names],
                                 expected_default)
                # the views' field descriptions, what pivot, graph and list show
                views = Model.get_views([(False, "pivot"), (False, "list")])
                fields_info = views["models"][model]["fields"]
                self.assertEqual(fields_info["amount_b2"]["string"], "31-60 days")
        # the company's own bounds: the labels follow them
        self.company.write({"factoring_aging_bound_1": 15, "factoring_aging_bound_2": 45,
                            "factoring_aging_bound_3": 75, "factoring_aging_bound_4": 100})
        strings = self.Snapshot.with_user(self.manager).fields_get(names, ["string"])
        self.assertEqual([strings[name]["string"] for name in names],
                         ["Not due", "1-15 days", "16-45 days", "46-75 days", "76-100 days",
                          "Over 100 days"])
        # the aging's bucket selection and its columns agree
        aging = self.env["factoring.aging.report"].with_user(self.manager)
        columns = aging.fields_get(names, ["string"])
        self.assertEqual([label for _key, label in aging._selection_bucket()],
                         [columns[name]["string"].removesuffix(" days") for name in names])
