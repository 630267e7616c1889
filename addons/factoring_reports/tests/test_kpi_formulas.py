from datetime import date

from odoo.tests import BaseCase, tagged

from odoo.addons.factoring_reports.tools import kpi_formulas as kpi


@tagged("post_install", "-at_install")
class TestKpiFormulas(BaseCase):
    """The pure KPI functions, with every worked example of docs/domain.md and
    examples of our own computed by hand in the comments."""

    # --- DSO, standard -------------------------------------------------
    def test_dso_standard_design_example(self):
        # ending AR 15,000, sales 10,000 over 30 days: 15,000 / 10,000 x 30 = 45
        self.assertAlmostEqual(kpi.dso_standard(15000, 10000, 30), 45.0)

    def test_dso_standard_own_examples(self):
        # a quarter of 90 days, AR 12,000, sales 36,000: 12,000 / 36,000 x 90 = 30
        self.assertAlmostEqual(kpi.dso_standard(12000, 36000, 90), 30.0)
        # AR 0: DSO 0; no sales: undefined, not 0 and not infinite
        self.assertEqual(kpi.dso_standard(0, 5000, 30), 0.0)
        self.assertIsNone(kpi.dso_standard(1000, 0, 30))

    # --- DSO, count-back -----------------------------------------------
    def test_dso_countback_design_example(self):
        # ending AR 2,000; Jan 200, Dec 400, Nov 600, Oct 700, Sep 500 (newest first):
        # 31 + 31 + 30 + 31 + 100 / 500 x 30 = 129
        months = [(200, 31), (400, 31), (600, 30), (700, 31), (500, 30)]
        self.assertAlmostEqual(kpi.dso_countback(2000, months), 129.0)

    def test_dso_countback_own_examples(self):
        # AR 1,000 at 31 March; March 600 (31 days), February 800 (28 days):
        # 1,000 - 600 = 400 left -> 31 + 400 / 800 x 28 = 45
        self.assertAlmostEqual(kpi.dso_countback(1000, [(600, 31), (800, 28)]), 45.0)
        # AR smaller than the newest month: 300 / 600 x 31 = 15.5
        self.assertAlmostEqual(kpi.dso_countback(300, [(600, 31), (800, 28)]), 15.5)
        # AR exactly the newest month's sales: the month counts whole, 31
        self.assertAlmostEqual(kpi.dso_countback(600, [(600, 31), (800, 28)]), 31.0)
        # a month without sales is consumed whole: 30 + 31 + 100 / 200 x 30 = 76
        self.assertAlmostEqual(
            kpi.dso_countback(300, [(200, 30), (0, 31), (200, 30)]), 76.0)
        # AR outlasting the months given: their days (lower bound) 31 + 28 = 59
        self.assertAlmostEqual(kpi.dso_countback(5000, [(600, 31), (800, 28)]), 59.0)
        # nothing owed: 0
        self.assertEqual(kpi.dso_countback(0, [(600, 31)]), 0.0)

    def test_dso_countback_steps_add_up_to_the_figure(self):
        # the worked example: four months whole, then 100 of September's 500 (6 days)
        months = [(200, 31), (400, 31), (600, 30), (700, 31), (500, 30)]
        steps = kpi.dso_countback_steps(2000, months)
        self.assertEqual(steps, [(200, 31, 200, 31), (400, 31, 400, 31), (600, 30, 600, 30),
                                 (700, 31, 700, 31), (500, 30, 100, 6.0)])
        self.assertAlmostEqual(sum(step[3] for step in steps), kpi.dso_countback(2000, months))
        self.assertEqual(sum(step[2] for step in steps), 2000)
        self.assertEqual(kpi.dso_countback_steps(0, months), [])

    def test_countback_month_slices(self):
        # newest slice from the 1st of the end date's month to the end date
        slices = kpi.countback_months(date(2026, 3, 15), 3)
        self.assertEqual(slices, [
            (date(2026, 3, 1), date(2026, 3, 15), 15),
            (date(2026, 2, 1), date(2026, 2, 28), 28),
            (date(2026, 1, 1), date(2026, 1, 31), 31),
        ])
        # at a month end the newest slice is the whole month (31 January)
        self.assertEqual(kpi.countback_months(date(2026, 1, 31), 2), [
            (date(2026, 1, 1), date(2026, 1, 31), 31),
            (date(2025, 12, 1), date(2025, 12, 31), 31),
        ])

    # --- BPDSO and ADD ---------------------------------------------------
    def test_bpdso_and_add_design_example(self):
        # same period as the DSO example, current AR 4,000: 4,000 / 10,000 x 30 = 12
        bpdso = kpi.best_possible_dso(4000, 10000, 30)
        self.assertAlmostEqual(bpdso, 12.0)
        # ADD = 45 - 12 = 33
        self.assertAlmostEqual(
            kpi.average_days_delinquent(kpi.dso_standard(15000, 10000, 30), bpdso), 33.0)

    def test_bpdso_and_add_own_example(self):
        # current AR 9,000 of the quarter above: 9,000 / 36,000 x 90 = 22.5; ADD 30 - 22.5 = 7.5
        bpdso = kpi.best_possible_dso(9000, 36000, 90)
        self.assertAlmostEqual(bpdso, 22.5)
        self.assertAlmostEqual(kpi.average_days_delinquent(30.0, bpdso), 7.5)
        self.assertIsNone(kpi.average_days_delinquent(None, 3.0))

    # --- DBT and ADP -----------------------------------------------------
    def test_dbt_design_example(self):
        # 100 paid 10 days early, 200 five early, 300 on the due date, 400 five late,
        # 500 ten late: (-1,000 - 1,000 + 0 + 2,000 + 5,000) / 1,500 = 3.33
        dbt = kpi.weighted_days([(100, -10), (200, -5), (300, 0), (400, 5), (500, 10)])
        self.assertAlmostEqual(dbt, 5000 / 1500)
        self.assertEqual(round(dbt, 2), 3.33)

    def test_adp_design_example(self):
        # 100 paid after 10 days and 1,000 after 20: 21,000 / 1,100 = 19.09
        adp = kpi.weighted_days([(100, 10), (1000, 20)])
        self.assertEqual(round(adp, 2), 19.09)

    def test_weighted_days_own_examples(self):
        # DBT: 1,000 paid 20 days late, 3,000 four days early:
        # (20,000 - 12,000) / 4,000 = 2
        self.assertAlmostEqual(kpi.weighted_days([(1000, 20), (3000, -4)]), 2.0)
        # ADP: 500 after 30 days, 1,500 after 50: (15,000 + 75,000) / 2,000 = 45
        self.assertAlmostEqual(kpi.weighted_days([(500, 30), (1500, 50)]), 45.0)
        # nothing paid: undefined
        self.assertIsNone(kpi.weighted_days([]))
        self.assertAlmostEqual(kpi.weighted_ratio(90000, 2000), 45.0)

    # --- CEI --------------------------------------------------------------
    def test_cei_design_example_one_month(self):
        # beginning AR 6,200, sales 3,630, ending total 6,340, ending current 3,590:
        # (6,200 + 3,630 - 6,340) / (6,200 + 3,630 - 3,590) = 3,490 / 6,240 = 55.9 %
        self.assertEqual(kpi.cei_month(6200, 3630, 6340, 3590), (3490, 6240))
        cei = kpi.collection_effectiveness_index([(6200, 3630, 6340, 3590)])
        self.assertAlmostEqual(cei, 3490 / 6240 * 100)
        self.assertEqual(round(cei, 1), 55.9)

    def test_cei_design_example_second_month_and_two_months(self):
        # second month: beginning 6,340 (the first one's end), sales 2,000, ending
        # total 5,000, current 3,000: 3,340 / 5,340 = 62.5 %
        second = (6340, 2000, 5000, 3000)
        self.assertEqual(kpi.cei_month(*second), (3340, 5340))
        self.assertEqual(round(kpi.collection_effectiveness_index([second]), 1), 62.5)
        # the two months: (3,490 + 3,340) / (6,240 + 5,340) = 6,830 / 11,580 = 59.0 %,
        # the monthly CEIs weighted by what each month had to collect
        both = kpi.collection_effectiveness_index([(6200, 3630, 6340, 3590), second])
        self.assertAlmostEqual(both, 6830 / 11580 * 100)
        self.assertEqual(round(both, 1), 59.0)
        self.assertAlmostEqual(
            both, (3490 / 6240 * 6240 + 3340 / 5340 * 5340) / (6240 + 5340) * 100)

    def test_cei_growing_portfolio_stays_within_0_and_100(self):
        """A portfolio growing faster than a month's sales: January to March,
        AR 1,000 at the start; each month collects the previous month's sales
        (the start's AR in January) but 500, which stay overdue; sales 3,000,
        4,000 and 4,500. Month ends: AR 3,500 (current 3,000), 5,000 (current
        4,000), 6,000 (current 4,500).
        The withdrawn formula (the period's sales / N months with the period's
        start and end balances): (1,000 + 11,500 / 3 - 6,000) / (1,000 + 11,500 / 3
        - 4,500) = -1,166.67 / 333.33 = -350 %.
        Monthly: January (1,000 + 3,000 - 3,500) / (4,000 - 3,000) = 500 / 1,000;
        February (3,500 + 4,000 - 5,000) / (7,500 - 4,000) = 2,500 / 3,500; March
        (5,000 + 4,500 - 6,000) / (9,500 - 4,500) = 3,500 / 5,000; the period:
        6,500 / 9,500 = 68.42 %. With March's sales 6,000 (AR 7,500, current
        6,000) the old one gave 325 %, the monthly ones the same 6,500 / 9,500."""
        def old_cei(beginning, sales, months, ending, current):
            base = beginning + sales / months
            return (base - ending) / (base - current) * 100

        self.assertAlmostEqual(old_cei(1000, 11500, 3, 6000, 4500), -350)
        months = [(1000, 3000, 3500, 3000), (3500, 4000, 5000, 4000), (5000, 4500, 6000, 4500)]
        self.assertEqual([kpi.cei_month(*month) for month in months],
                         [(500, 1000), (2500, 3500), (3500, 5000)])
        cei = kpi.collection_effectiveness_index(months)
        self.assertAlmostEqual(cei, 6500 / 9500 * 100)
        self.assertTrue(0 <= cei <= 100)
        self.assertAlmostEqual(old_cei(1000, 13000, 3, 7500, 6000), 325)
        months[-1] = (5000, 6000, 7500, 6000)
        self.assertAlmostEqual(kpi.collection_effectiveness_index(months), 6500 / 9500 * 100)

    def test_cei_own_examples(self):
        # one month: beginning 1,000, sales 3,000, ending 1,500, current 1,000:
        # (1,000 + 3,000 - 1,500) / (4,000 - 1,000) = 2,500 / 3,000 = 83.33 %
        self.assertAlmostEqual(
            kpi.collection_effectiveness_index([(1000, 3000, 1500, 1000)]), 250 / 3)
        # everything collectable collected (ending total = ending current): 100 %
        self.assertAlmostEqual(
            kpi.collection_effectiveness_index([(1000, 3000, 800, 800)]), 100.0)
        # nothing collected: 0 %
        self.assertAlmostEqual(
            kpi.collection_effectiveness_index([(1000, 3000, 4000, 1000)]), 0.0)
        # nothing to collect: undefined (also for no month at all)
        self.assertIsNone(kpi.collection_effectiveness_index([(0, 0, 0, 0)]))
        self.assertIsNone(kpi.collection_effectiveness_index([]))

    def test_period_month_slices(self):
        # 15 January to 10 March: 15-31 January, February, 1-10 March
        self.assertEqual(kpi.period_month_slices(date(2026, 1, 15), date(2026, 3, 10)), [
            (date(2026, 1, 15), date(2026, 1, 31)),
            (date(2026, 2, 1), date(2026, 2, 28)),
            (date(2026, 3, 1), date(2026, 3, 10)),
        ])
        # one day; a whole month
        self.assertEqual(kpi.period_month_slices(date(2026, 9, 12), date(2026, 9, 12)),
                         [(date(2026, 9, 12), date(2026, 9, 12))])
        self.assertEqual(kpi.period_month_slices(date(2026, 9, 1), date(2026, 9, 30)),
                         [(date(2026, 9, 1), date(2026, 9, 30))])
        # as many slices as the months the period touches
        self.assertEqual(
            len(kpi.period_month_slices(date(2025, 11, 15), date(2026, 2, 1))),
            kpi.period_months(date(2025, 11, 15), date(2026, 2, 1)))

    # --- Concentration --------------------------------------------------
    def test_herfindahl_own_examples(self):
        # shares 60 %, 30 %, 10 %: 0.36 + 0.09 + 0.01 = 0.46
        self.assertAlmostEqual(kpi.herfindahl([6000, 3000, 1000]), 0.46)
        self.assertEqual(kpi.concentration_shares([6000, 3000, 1000]), [0.6, 0.3, 0.1])
        # one debtor: 1; four equal debtors: 4 x 0.25^2 = 0.25
        self.assertAlmostEqual(kpi.herfindahl([5000]), 1.0)
        self.assertAlmostEqual(kpi.herfindahl([10, 10, 10, 10]), 0.25)
        self.assertIsNone(kpi.herfindahl([]))

    def test_period_days(self):
        # 1 to 30 September: 30 days, both ends included
        self.assertEqual(kpi.period_days(date(2026, 9, 1), date(2026, 9, 30)), 30)
        self.assertEqual(kpi.period_months(date(2025, 11, 15), date(2026, 2, 1)), 4)
