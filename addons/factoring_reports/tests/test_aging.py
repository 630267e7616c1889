import base64
import io
from datetime import date, datetime

import openpyxl

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ReportsCommon


@tagged("post_install", "-at_install")
class TestAgingOwnInvoices(ReportsCommon):
    """Aging as of several dates on own invoices posted and paid with Odoo's API.

      A1  debtor A  due 31 Aug 2026  6,000; 1,000 paid 15 Sep
      S1  debtor A  due 5 Oct 2026   4,000
      S2  debtor B  due 20 Sep 2026  6,000; 2,000 paid 10 Oct
      P1  debtor B  due 15 Sep 2026    300, invoiced 20 Aug, paid in full 12 Sep
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

    def aging(self, as_of, user=None):
        return self.env["factoring.aging.report"].with_user(user or self.manager).with_context(
            factoring_aging_date=as_of)

    def rows(self, as_of):
        """{move_line_id: (residual, bucket, days past due)} as of a date."""
        return {
            r.move_line_id.id: (r.residual, r.bucket, r.days_past_due)
            for r in self.aging(as_of).search([])
        }

    def test_aging_as_of_the_period_end(self):
        # 30 Sep: A1 5,000 (30 days, 1-30), S1 4,000 not due (-5), S2 6,000 (10 days:
        # the 2,000 of 10 Oct is later), P1 paid on 12 Sep: gone
        self.assertEqual(self.rows("2026-09-30"), {
            self.a1.id: (5000, "b1", 30),
            self.s1.id: (4000, "b0", -5),
            self.s2.id: (6000, "b1", 10),
        })

    def test_aging_as_of_earlier_and_later_dates(self):
        # 11 Sep: A1 not yet paid (6,000, 11 days), P1 open (not due, -4), S2 not due
        self.assertEqual(self.rows("2026-09-11"), {
            self.a1.id: (6000, "b1", 11),
            self.s1.id: (4000, "b0", -24),
            self.s2.id: (6000, "b0", -9),
            self.p1.id: (300, "b0", -4),
        })
        # 15 Oct: S2 now 4,000; A1 45 days (31-60); S1 10 days; S2 25 days
        self.assertEqual(self.rows("2026-10-15"), {
            self.a1.id: (5000, "b2", 45),
            self.s1.id: (4000, "b1", 10),
            self.s2.id: (4000, "b1", 25),
        })
        # before anything was posted: nothing; items posted after D are left out
        self.assertFalse(self.rows("2026-07-31"))
        self.assertEqual(set(self.rows("2026-09-04")), {self.a1.id, self.p1.id})

    def test_default_date_is_today_and_equals_the_open_items(self):
        """Without a date the aging is as of today: the items' current residuals."""
        today_rows = self.aging(False).search([])
        self.assertEqual(
            {r.move_line_id.id: r.residual for r in today_rows},
            {self.a1.id: 5000, self.s1.id: 4000, self.s2.id: 4000})
        self.assertEqual(today_rows[0].as_of_date, self.company._factoring_today())

    def test_grouped_by_debtor_and_bucket(self):
        aging = self.aging("2026-10-15")
        groups = aging._read_group(
            [], ["debtor_id", "bucket"], ["residual:sum", "__count"])
        self.assertEqual(sorted((d.id, b, s, c) for d, b, s, c in groups), sorted([
            (self.debtor_a.id, "b1", 4000, 1),
            (self.debtor_a.id, "b2", 5000, 1),
            (self.debtor_b.id, "b1", 4000, 1),
        ]))
        # the bucket columns add up to the residual, per debtor
        totals = aging._read_group(
            [], ["debtor_id"],
            ["residual:sum", "amount_b0:sum", "amount_b1:sum", "amount_b2:sum",
             "amount_b5:sum", "amount_overdue:sum"])
        by_debtor = {t[0].id: t[1:] for t in totals}
        self.assertEqual(by_debtor[self.debtor_a.id], (9000, 0, 4000, 5000, 0, 9000))
        self.assertEqual(by_debtor[self.debtor_b.id], (4000, 0, 4000, 0, 0, 4000))
        # grouped by currency and company: one group each
        [(currency, residual)] = aging._read_group([], ["currency_id"], ["residual:sum"])
        self.assertEqual((currency, residual), (self.eur, 13000))
        [(company, residual)] = aging._read_group([], ["company_id"], ["residual:sum"])
        self.assertEqual((company, residual), (self.company, 13000))

    def test_bucket_bounds_are_configurable_per_company(self):
        self.company.write({
            "factoring_aging_bound_1": 10, "factoring_aging_bound_2": 20,
            "factoring_aging_bound_3": 30, "factoring_aging_bound_4": 40})
        # 15 Oct: A1 45 days -> over 40; S1 10 days -> 1-10; S2 25 days -> 21-30
        rows = self.rows("2026-10-15")
        self.assertEqual(rows[self.a1.id][1], "b5")
        self.assertEqual(rows[self.s1.id][1], "b1")
        self.assertEqual(rows[self.s2.id][1], "b3")
        labels = dict(
            self.env["factoring.aging.report"].with_company(self.company)._selection_bucket())
        self.assertEqual(labels["b1"], "1-10")
        self.assertEqual(labels["b3"], "21-30")
        self.assertEqual(labels["b5"], "Over 40")
        with self.assertRaisesRegex(ValidationError, "strictly increasing"):
            self.company.factoring_aging_bound_3 = 15
        with self.assertRaisesRegex(ValidationError, "positive"):
            self.company.factoring_aging_bound_1 = 0

    def test_wizard_opens_the_aging_as_of_its_date(self):
        wizard = self.env["factoring.aging.wizard"].with_user(self.manager).create({
            "date": date(2026, 9, 30), "group_by": "client_id"})
        action = wizard.action_open()
        self.assertEqual(action["res_model"], "factoring.aging.report")
        self.assertEqual(action["context"]["factoring_aging_date"], "2026-09-30")
        self.assertEqual(action["context"]["pivot_row_groupby"], ["client_id"])
        rows = self.env["factoring.aging.report"].with_user(self.manager).with_context(
            **action["context"]).search([])
        self.assertEqual(sum(rows.mapped("residual")), 15000)

    def test_pdf_of_the_aging_by_debtor(self):
        """The QWeb report (its HTML: wkhtmltopdf may be missing) lists each
        debtor's buckets as of the wizard's date and the totals."""
        wizard = self.env["factoring.aging.wizard"].with_user(self.manager).create({
            "date": date(2026, 10, 15)})
        data = wizard._factoring_report_data()
        by_debtor = {line["debtor"]: (line["buckets"], line["total"], line["count"])
                     for line in data["lines"]}
        # 15 Oct: A: S1 4,000 (1-30) + A1 5,000 (31-60); B: S2 4,000 (1-30)
        self.assertEqual(by_debtor[self.debtor_a.display_name],
                         ([0, 4000, 5000, 0, 0, 0], 9000, 2))
        self.assertEqual(by_debtor[self.debtor_b.display_name],
                         ([0, 4000, 0, 0, 0, 0], 4000, 1))
        self.assertEqual((data["totals"], data["total"]), ([0, 8000, 5000, 0, 0, 0], 13000))
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "factoring_reports.report_factoring_aging")
        html, kind = self.env["ir.actions.report"].with_user(self.manager)._render_qweb_html(
            "factoring_reports.report_factoring_aging", wizard.ids)
        self.assertEqual(kind, "html")
        html = html.decode()
        self.assertIn(self.debtor_a.name, html)
        self.assertIn("31-60", html)
        self.assertIn("13,000.00", html)
        # the collector's PDF holds their debtor only
        wizard = self.env["factoring.aging.wizard"].with_user(self.users["collector"]).create({
            "date": date(2026, 10, 15)})
        self.assertEqual([line["debtor"] for line in wizard._factoring_report_data()["lines"]],
                         [self.debtor_a.display_name])

    def export_xlsx(self, user, as_of, group_by="debtor_id"):
        """Run the wizard's Export XLSX as ``user``; return the action, the
        wizard and the workbook's only sheet as rows of values (openpyxl)."""
        wizard = self.env["factoring.aging.wizard"].with_user(user).create({
            "date": as_of, "group_by": group_by})
        action = wizard.action_export_xlsx()
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.xlsx_file)))
        sheet = workbook.worksheets[0]
        return action, wizard, sheet

    def table(self, sheet):
        """Header fields {name: value}, the column titles, the group rows
        {name: (count, buckets, total)} and the totals row of an exported sheet."""
        rows = list(sheet.iter_rows(values_only=True))
        title_row = next(i for i, row in enumerate(rows) if row[1] == "Items")
        header = {row[0]: row[1] for row in rows[1:title_row] if row[0]}
        *groups, totals = rows[title_row + 1:]
        self.assertEqual(totals[0], "Total")
        return (rows[0][0], header, list(rows[title_row]),
                {row[0]: (row[1], list(row[2:8]), row[8]) for row in groups}, totals)

    def test_xlsx_export_of_the_aging_by_debtor(self):
        """The wizard's Export XLSX: a workbook made on the server with the
        header, one row per debtor with the company's buckets, equal to the
        aging report's own grouped sums, and a totals row."""
        action, wizard, sheet = self.export_xlsx(self.manager, date(2026, 10, 15))
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn("/web/content/?model=factoring.aging.wizard&id=%s" % wizard.id,
                      action["url"])
        self.assertIn("field=xlsx_file", action["url"])
        self.assertIn("download=true", action["url"])
        self.assertIn("filename_field=xlsx_filename", action["url"])
        # what /web/content streams: the wizard's attachment, a spreadsheet, under
        # the name of the filename field; the user who exported may read it
        self.assertEqual(wizard.xlsx_filename, "aging_2026-10-15_debtor.xlsx")
        attachment = self.env["ir.attachment"].with_user(self.manager).search([
            ("res_model", "=", wizard._name), ("res_id", "=", wizard.id),
            ("res_field", "=", "xlsx_file")])
        self.assertEqual(
            attachment.mimetype,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

        title, header, columns, groups, totals = self.table(sheet)
        self.assertIn("2026-10-15", title)
        self.assertEqual(header["Company"], self.company.name)
        self.assertEqual(header["As of"], datetime(2026, 10, 15))
        self.assertEqual(header["Grouped by"], "Debtor")
        self.assertEqual(header["Currency"], self.company.currency_id.name)
        aging = self.aging("2026-10-15")
        labels = [label for _key, label in aging._selection_bucket()]
        self.assertEqual(columns, ["Debtor", "Items", *labels, "Total"])
        # every debtor's row is the report's own grouped sums
        buckets = ["amount_b0", "amount_b1", "amount_b2", "amount_b3", "amount_b4",
                   "amount_b5"]
        expected = {
            debtor.display_name: (count, list(values), residual)
            for debtor, count, residual, *values in aging._read_group(
                [], ["debtor_id"], ["__count", "residual:sum"] + [f"{b}:sum" for b in buckets])}
        self.assertEqual(groups, expected)
        # by hand (15 Oct): A: S1 4,000 (1-30) + A1 5,000 (31-60); B: S2 4,000 (1-30)
        self.assertEqual(groups[self.debtor_a.display_name], (2, [0, 4000, 5000, 0, 0, 0], 9000))
        self.assertEqual(groups[self.debtor_b.display_name], (1, [0, 4000, 0, 0, 0, 0], 4000))
        # the totals row is the report's total, bucket by bucket
        [(count, residual, *values)] = aging._read_group(
            [], [], ["__count", "residual:sum"] + [f"{b}:sum" for b in buckets])
        self.assertEqual(list(totals[1:]), [count, *values, residual])
        self.assertEqual(residual, 13000)
        # amounts are numbers formatted with the currency's two decimals
        amount_cell = sheet.cell(row=sheet.max_row, column=9)
        self.assertEqual(amount_cell.value, 13000)
        self.assertEqual(amount_cell.number_format, "#,##0.00")

    def test_xlsx_export_follows_grouping_bounds_and_rules(self):
        """Grouped as chosen in the wizard, with the company's bucket bounds; a
        collector's file holds their debtors' items only."""
        self.company.write({
            "factoring_aging_bound_1": 10, "factoring_aging_bound_2": 20,
            "factoring_aging_bound_3": 30, "factoring_aging_bound_4": 40})
        _action, _wizard, sheet = self.export_xlsx(
            self.manager, date(2026, 10, 15), group_by="collector_id")
        _title, header, columns, groups, totals = self.table(sheet)
        self.assertEqual(header["Grouped by"], "Collector")
        self.assertEqual(columns[:3], ["Collector", "Items", "Not due"])
        self.assertEqual(columns[3:8], ["1-10", "11-20", "21-30", "31-40", "Over 40"])
        # debtor A (the collector's): S1 10 days (1-10) 4,000, A1 45 days (over 40)
        # 5,000; debtor B (no collector): S2 25 days (21-30) 4,000
        self.assertEqual(groups, {
            self.users["collector"].display_name: (2, [0, 4000, 0, 0, 0, 5000], 9000),
            "(none)": (1, [0, 0, 0, 4000, 0, 0], 4000),
        })
        self.assertEqual(list(totals[1:]), [3, 0, 4000, 0, 4000, 0, 5000, 13000])

        # another user cannot read the manager's file (nor its attachment)
        collector = self.users["collector"]
        with self.assertRaises(AccessError):
            _wizard.with_user(collector).read(["xlsx_file"])
        self.assertFalse(self.env["ir.attachment"].with_user(collector).search([
            ("res_model", "=", _wizard._name), ("res_id", "=", _wizard.id),
            ("res_field", "=", "xlsx_file")]))
        # the collector exports the same wizard: their debtor A only
        _action, _wizard, sheet = self.export_xlsx(collector, date(2026, 10, 15))
        _title, _header, _columns, groups, totals = self.table(sheet)
        self.assertEqual(list(groups), [self.debtor_a.display_name])
        self.assertEqual(totals[-1], 9000)
        # every role that opens the wizard sees the button
        for role in ("collector", "client_manager", "manager", "operations"):
            arch = self.env["factoring.aging.wizard"].with_user(self.users[role]).get_views(
                [(False, "form")])["views"]["form"]["arch"]
            self.assertIn('name="action_export_xlsx"', arch, role)

    def test_list_view_exports_the_buckets(self):
        """Odoo's Export of the aging list offers the bucket columns: the list
        shows them with the bucket labels of the company."""
        arch = self.env["factoring.aging.report"].with_user(self.manager).get_views(
            [(False, "list")])["views"]["list"]["arch"]
        for name in ("amount_b0", "amount_b1", "amount_b2", "amount_b3", "amount_b4",
                     "amount_b5", "residual", "debtor_id", "due_date", "days_past_due"):
            self.assertIn(f'name="{name}"', arch)
        # Odoo's export needs its own right (Access to export feature)
        self.manager.group_ids += self.env.ref("base.group_allow_export")
        exported = self.env["factoring.aging.report"].with_user(self.manager).with_context(
            factoring_aging_date="2026-10-15").search([]).export_data(
                ["debtor_id", "amount_b1", "amount_b2", "residual"])["datas"]
        self.assertEqual(sorted(exported), sorted([
            [self.debtor_a.display_name, 4000.0, 0.0, 4000.0],
            [self.debtor_a.display_name, 0.0, 5000.0, 5000.0],
            [self.debtor_b.display_name, 4000.0, 0.0, 4000.0]]))

    def test_report_is_read_only(self):
        row = self.aging("2026-09-30").search([], limit=1)
        # the access rights refuse every role; the guards also stop the superuser
        for user in (self.manager, self.env.user):
            report = self.env["factoring.aging.report"].with_user(user)
            with self.assertRaises(UserError):
                report.create({"name": "X"})
            with self.assertRaises(UserError):
                row.with_user(user).write({"name": "X"})
            with self.assertRaises(UserError):
                row.with_user(user).unlink()


@tagged("post_install", "-at_install")
class TestAgingFactoredItems(ReportsCommon):
    """Factored items of a schedule funded on 1 Oct 2026 (client Tissages du Nord):
    INV-0001 debtor A 1,000 due 14 Nov, INV-0002 debtor B 2,500 due 14 Nov,
    INV-0003 debtor A 1,500 due 20 Oct; INV-0001 paid on 5 Dec."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.schedule = cls.fund([
            {"invoice_number": "INV-0001", "amount": 1000.0},
            {"invoice_number": "INV-0002", "debtor_id": cls.debtor_b.id, "amount": 2500.0},
            {"invoice_number": "INV-0003", "amount": 1500.0, "due_date": date(2026, 10, 20)},
        ], schedule_date=date(2026, 10, 1))
        cls.items = {
            line.invoice_number: line.move_line_id for line in cls.schedule.line_ids}
        cls.pay(cls.items["INV-0001"], 1000, date(2026, 12, 5))

    def aging(self, as_of, user=None):
        return self.env["factoring.aging.report"].with_user(user or self.manager).with_context(
            factoring_aging_date=as_of)

    def test_factored_items_by_client_and_bucket(self):
        aging = self.aging("2026-11-30")
        rows = aging.search([])
        self.assertEqual(len(rows), 3)
        self.assertTrue(all(rows.mapped("is_factored")))
        self.assertEqual(rows.client_id, self.client)
        self.assertEqual(set(rows.mapped("name")), {"INV-0001", "INV-0002", "INV-0003"})
        inv3 = rows.filtered(lambda r: r.name == "INV-0003")
        self.assertEqual(inv3.invoice_date, date(2026, 9, 15))
        self.assertEqual(inv3.due_date, date(2026, 10, 20))
        groups = aging._read_group([], ["client_id", "bucket"], ["residual:sum"])
        # 14 Nov -> 16 days (1-30): 3,500; 20 Oct -> 41 days (31-60): 1,500
        self.assertEqual(sorted((c.id, b, s) for c, b, s in groups), [
            (self.client.id, "b1", 3500), (self.client.id, "b2", 1500)])
        # the client manager sees them: they are their client's
        self.assertEqual(len(self.aging("2026-11-30", self.users["client_manager"]).search([])), 3)

    def test_payment_counts_from_its_date(self):
        self.assertEqual(sum(self.aging("2026-12-04").search([]).mapped("residual")), 5000)
        self.assertEqual(sum(self.aging("2026-12-05").search([]).mapped("residual")), 4000)
        self.assertFalse(self.aging("2026-09-30").search([]), "funded on 1 Oct")

    def test_grouped_by_collector(self):
        # the collector collects debtor A: INV-0001 and INV-0003 as of 30 Nov
        groups = dict(self.aging("2026-11-30")._read_group(
            [], ["collector_id"], ["residual:sum"]))
        self.assertEqual(groups[self.users["collector"]], 2500)
        self.assertEqual(groups[self.env["res.users"]], 2500)
