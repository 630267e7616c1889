import base64
import io
import zipfile
from datetime import date

import openpyxl
import xlwt

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FactoringCommon

HEADER = ["Debtor VAT", "Invoice Number", "Invoice Date", "Due Date", "Amount", "Currency"]


def xlsx_bytes(rows):
    """An .xlsx file whose first sheet holds *rows*; date objects become date cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls_bytes(rows):
    """An .xls (BIFF) file; date objects become date-formatted number cells."""
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Schedule")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestScheduleImport(FactoringCommon):
    """The Excel import of schedule lines: every row or nothing, with the bad
    rows named."""

    def run_import(self, schedule, content, filename="schedule.xlsx", **extra):
        wizard = self.env["factoring.schedule.import"].create({
            "schedule_id": schedule.id,
            "file": base64.b64encode(content),
            "filename": filename,
            **extra,
        })
        return wizard.action_import()

    def assertImportRefused(self, schedule, content, filename="schedule.xlsx", **extra):
        """The import raises a UserError and leaves the schedule's lines as they were."""
        before = schedule.line_ids
        with self.assertRaises(UserError) as caught:
            self.run_import(schedule, content, filename, **extra)
        schedule.invalidate_recordset(["line_ids"])
        self.assertEqual(schedule.line_ids, before, "a refused import must change no line")
        return str(caught.exception)

    def good_rows(self):
        return [
            HEADER,
            # VAT as stored, real date cells, numeric amount, explicit currency
            [self.debtor_a.vat, "F-1001", date(2026, 9, 1), date(2026, 10, 31), 1500.0, "EUR"],
            # reference, text dates DD/MM/YYYY, European text amount, no currency
            [self.debtor_b.ref, "F-1002", "15/09/2026", "14/11/2026", "1.234,56", None],
            # VAT written with spaces, dots and lower case; numeric invoice number
            ["be 0403.019.261", 1003, date(2026, 9, 20), "19/11/2026", 700, "eur"],
        ]

    def assertGoodRowsImported(self, schedule):
        lines = schedule.line_ids.sorted("sequence")
        self.assertEqual(len(lines), 3)
        expected = [
            (2, self.debtor_a, "F-1001", date(2026, 9, 1), date(2026, 10, 31), 1500.0),
            (3, self.debtor_b, "F-1002", date(2026, 9, 15), date(2026, 11, 14), 1234.56),
            (4, self.debtor_a, "1003", date(2026, 9, 20), date(2026, 11, 19), 700.0),
        ]
        for line, (seq, debtor, number, invoice_date, due_date, amount) in zip(lines, expected, strict=True):
            with self.subTest(row=seq):
                self.assertEqual(line.sequence, seq, "sequence is the row number in the file")
                self.assertEqual(line.debtor_id, debtor)
                self.assertEqual(line.invoice_number, number)
                self.assertEqual(line.invoice_date, invoice_date)
                self.assertEqual(line.due_date, due_date)
                self.assertAlmostEqual(line.amount, amount, places=2)
                self.assertEqual(line.currency_id, self.eur)

    # ------------------------------------------------------------------
    # Good files
    # ------------------------------------------------------------------
    def test_xlsx_imports_every_row(self):
        schedule = self.make_schedule([])
        self.run_import(schedule, xlsx_bytes(self.good_rows()))
        self.assertGoodRowsImported(schedule)
        self.assertTrue(schedule.message_ids.filtered(
            lambda m: "3 invoice(s) imported from schedule.xlsx" in (m.body or "")),
            "the import is logged on the schedule")

    def test_xls_imports_every_row(self):
        schedule = self.make_schedule([])
        self.run_import(schedule, xls_bytes(self.good_rows()), filename="schedule.xls")
        self.assertGoodRowsImported(schedule)

    def test_client_manager_and_operations_can_import(self):
        """The roles that enter schedules run the import with their own rights."""
        for role in ("client_manager", "operations"):
            with self.subTest(role):
                schedule = self.make_schedule([])
                user = self.users[role]
                wizard = self.env["factoring.schedule.import"].with_user(user).create({
                    "schedule_id": schedule.id,
                    "file": base64.b64encode(xlsx_bytes(self.good_rows())),
                    "filename": "schedule.xlsx",
                })
                wizard.action_import()
                self.assertGoodRowsImported(schedule)
                self.assertEqual(schedule.line_ids.create_uid, user)

    def test_imported_file_passes_verification(self):
        schedule = self.make_schedule([])
        self.run_import(schedule, xlsx_bytes(self.good_rows()))
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified", schedule.verification_note)
        self.assertEqual(schedule.amount_total, 1500.0 + 1234.56 + 700.0)

    def test_header_not_on_first_row_and_blank_rows(self):
        """Blank rows before the header and between rows are skipped; sequences
        still give the real row number in the file."""
        schedule = self.make_schedule([])
        rows = [[None], self.good_rows()[0], self.good_rows()[1], [None, None],
                self.good_rows()[2]]
        self.run_import(schedule, xlsx_bytes(rows))
        self.assertEqual(schedule.line_ids.sorted("sequence").mapped("sequence"), [3, 5])

    def test_import_adds_to_existing_lines(self):
        schedule = self.make_schedule([{"invoice_number": "KEEP-1"}])
        self.run_import(schedule, xlsx_bytes(self.good_rows()))
        self.assertEqual(len(schedule.line_ids), 4)
        self.assertIn("KEEP-1", schedule.line_ids.mapped("invoice_number"))

    def test_replace_lines(self):
        schedule = self.make_schedule([{"invoice_number": "OLD-1"}, {"invoice_number": "OLD-2"}])
        self.run_import(schedule, xlsx_bytes(self.good_rows()), replace_lines=True)
        self.assertEqual(sorted(schedule.line_ids.mapped("invoice_number")),
                         ["1003", "F-1001", "F-1002"])

    def test_replace_lines_keeps_old_lines_when_file_is_bad(self):
        schedule = self.make_schedule([{"invoice_number": "OLD-1"}])
        rows = self.good_rows()
        rows[1][0] = "NOBODY-1"
        self.assertImportRefused(schedule, xlsx_bytes(rows), replace_lines=True)
        self.assertEqual(schedule.line_ids.mapped("invoice_number"), ["OLD-1"])

    # ------------------------------------------------------------------
    # Bad rows: nothing is imported, every bad row is named with its reason
    # ------------------------------------------------------------------
    def test_one_bad_row_imports_nothing(self):
        cases = [
            ("unknown debtor", 0, "NOBODY-99", "unknown debtor 'NOBODY-99'"),
            ("bad invoice date", 2, "31/02/2026", "invoice date '31/02/2026' is not a date"),
            ("bad due date", 3, "soon", "due date 'soon' is not a date"),
            ("non-numeric amount", 4, "twelve", "amount 'twelve' is not a number"),
            ("not-a-number amount", 4, "NaN", "amount 'NaN' is not a number"),
            ("infinite amount", 4, "inf", "amount 'inf' is not a number"),
            ("empty debtor", 0, None, "debtor VAT or reference is empty"),
            ("empty invoice number", 1, None, "invoice number is empty"),
            ("unknown currency", 5, "XYZ", "unknown currency 'XYZ'"),
        ]
        schedule = self.make_schedule([{"invoice_number": "EXISTING"}])
        for label, column, value, reason in cases:
            with self.subTest(label):
                rows = self.good_rows()
                rows[2][column] = value  # row 3 of the file
                message = self.assertImportRefused(schedule, xlsx_bytes(rows))
                self.assertIn("Row 3: " + reason, message)
                self.assertIn("1 row(s) have errors", message)
                self.assertIn("schedule.xlsx", message)
                self.assertNotIn("Row 2", message)
                self.assertNotIn("Row 4", message)
        self.assertEqual(schedule.line_ids.mapped("invoice_number"), ["EXISTING"])

    def test_every_bad_row_is_listed(self):
        schedule = self.make_schedule([])
        rows = self.good_rows() + [
            [self.debtor_a.vat, "F-1005", "2026-13-01", date(2026, 12, 1), "abc", "EUR"],
        ]
        rows[1][0] = "UNKNOWN-VAT"
        message = self.assertImportRefused(schedule, xlsx_bytes(rows))
        self.assertIn("2 row(s) have errors", message)
        self.assertIn("Row 2: unknown debtor 'UNKNOWN-VAT'", message)
        self.assertIn("invoice date '2026-13-01' is not a date", message)
        self.assertIn("amount 'abc' is not a number", message)
        row5 = next(line for line in message.splitlines() if line.startswith("Row 5:"))
        self.assertIn("is not a date", row5, "all reasons of a row are on its line")
        self.assertIn("is not a number", row5)
        self.assertNotIn("Row 3", message)
        self.assertNotIn("Row 4", message)
        self.assertFalse(schedule.line_ids)

    def test_ambiguous_debtor_is_refused(self):
        twin = self.env["res.partner"].create({
            "name": "Twin Reference SA", "is_company": True, "is_factoring_debtor": True,
            "ref": self.debtor_b.ref})
        schedule = self.make_schedule([])
        message = self.assertImportRefused(schedule, xlsx_bytes(self.good_rows()))
        self.assertIn(f"Row 3: debtor '{self.debtor_b.ref}' matches several partners", message)
        self.assertIn(twin.name, message)
        self.assertIn(self.debtor_b.name, message)

    # ------------------------------------------------------------------
    # Bad files
    # ------------------------------------------------------------------
    def test_missing_required_column(self):
        schedule = self.make_schedule([])
        rows = [[cell for i, cell in enumerate(row) if i != 3] for row in self.good_rows()]
        message = self.assertImportRefused(schedule, xlsx_bytes(rows))
        self.assertIn("missing: Due Date", message)
        self.assertIn("schedule.xlsx", message)

    def test_several_missing_columns_are_named(self):
        schedule = self.make_schedule([])
        rows = [["Debtor", "Amount"], [self.debtor_a.vat, 100.0]]
        message = self.assertImportRefused(schedule, xlsx_bytes(rows))
        for label in ("Invoice Number", "Invoice Date", "Due Date"):
            self.assertIn(label, message)

    def test_header_only_is_refused(self):
        schedule = self.make_schedule([])
        message = self.assertImportRefused(schedule, xlsx_bytes([HEADER]))
        self.assertIn("no invoice rows", message)

    def test_not_a_spreadsheet(self):
        schedule = self.make_schedule([{"invoice_number": "EXISTING"}])
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("readme.txt", "not a workbook")
        broken_xlsx = io.BytesIO()
        with zipfile.ZipFile(broken_xlsx, "w") as zf:
            zf.writestr("xl/workbook.xml", "<garbage")
        cases = {
            "invoices.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
            "invoices.csv": b"Debtor VAT;Invoice Number\nBE0403019261;F-1\n",
            "invoices.zip": archive.getvalue(),
            "broken.xlsx": broken_xlsx.getvalue(),
            "truncated.xls": xls_bytes(self.good_rows())[:600],
        }
        for filename, content in cases.items():
            with self.subTest(filename):
                message = self.assertImportRefused(schedule, content, filename)
                self.assertIn(f"{filename} is not a readable Excel spreadsheet", message)

    def test_no_file(self):
        schedule = self.make_schedule([])
        wizard = self.env["factoring.schedule.import"].create({"schedule_id": schedule.id})
        with self.assertRaisesRegex(UserError, "Choose the Excel file"):
            wizard.action_import()

    def test_non_draft_schedule_is_refused(self):
        schedule = self.make_schedule([{"invoice_number": "V-1"}])
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified")
        message = self.assertImportRefused(schedule, xlsx_bytes(self.good_rows()))
        self.assertIn(f"Schedule {schedule.name} is not a draft", message)

    # ------------------------------------------------------------------
    # Template
    # ------------------------------------------------------------------
    def template_sheet(self, schedule):
        wizard = self.env["factoring.schedule.import"].create({"schedule_id": schedule.id})
        workbook = openpyxl.load_workbook(io.BytesIO(wizard._build_template()))
        return workbook, workbook.worksheets[0]

    def test_template_examples_are_marked_and_use_approved_debtors(self):
        schedule = self.make_schedule([])
        _workbook, sheet = self.template_sheet(schedule)
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        header = rows[0]
        self.assertEqual(header[:6], ["Debtor VAT or Reference", "Invoice Number", "Invoice Date",
                                      "Due Date", "Amount", "Currency"])
        examples = rows[1:]
        self.assertEqual(len(examples), 2)
        approved = {d.vat for d in self.agreement.approved_debtor_ids}
        for row in examples:
            self.assertIn(row[0], approved, "an example names a debtor of the agreement")
            self.assertTrue(row[1].startswith("EXAMPLE-"), row)
            self.assertGreater(row[3], row[2], "due after the invoice date")
            self.assertGreater(row[4], 0)
            self.assertEqual(row[5], "EUR")
            self.assertIn("skips", row[6])

    def test_template_imported_as_downloaded_is_explained(self):
        """The downloaded template imported unchanged: its examples are skipped,
        and the user is told to add invoices (no 'unknown debtor' errors)."""
        schedule = self.make_schedule([])
        workbook, _sheet = self.template_sheet(schedule)
        content = io.BytesIO()
        workbook.save(content)
        message = self.assertImportRefused(schedule, content.getvalue(),
                                           "assignment_schedule_template.xlsx")
        self.assertIn("only the template's example rows", message)
        self.assertNotIn("unknown debtor", message)

    def test_template_filled_in_imports_the_invoices_and_skips_the_examples(self):
        """The template's columns are understood by the import: invoices typed
        under the examples are imported, the examples are skipped."""
        schedule = self.make_schedule([])
        workbook, sheet = self.template_sheet(schedule)
        sheet.append([self.debtor_b.ref, "F-2001", date(2026, 9, 10), date(2026, 11, 9),
                      2500.0, "EUR"])
        content = io.BytesIO()
        workbook.save(content)
        self.run_import(schedule, content.getvalue(), "assignment_schedule_template.xlsx")
        line = schedule.line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(line.sequence, 4, "the Excel row of the invoice")
        self.assertEqual(line.debtor_id, self.debtor_b)
        self.assertEqual(line.invoice_number, "F-2001")
        self.assertEqual(line.invoice_date, date(2026, 9, 10))
        self.assertEqual(line.due_date, date(2026, 11, 9))
        self.assertEqual(line.amount, 2500.0)
        self.assertEqual(line.currency_id, self.eur)
        self.env.cr.flush()
        self.assertIn("2 example row(s) of the template skipped",
                      schedule.message_ids[:1].body)
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified", schedule.verification_note)

    def test_template_example_row_overwritten_is_imported(self):
        """An example row whose invoice number is replaced is a real invoice."""
        schedule = self.make_schedule([])
        workbook, sheet = self.template_sheet(schedule)
        example = [cell.value for cell in sheet[2]]
        sheet.cell(row=2, column=2, value="F-3001")
        content = io.BytesIO()
        workbook.save(content)
        self.run_import(schedule, content.getvalue(), "assignment_schedule_template.xlsx")
        line = schedule.line_ids
        self.assertEqual(len(line), 1, "the other example row is skipped")
        self.assertEqual(line.sequence, 2)
        self.assertEqual(line.invoice_number, "F-3001")
        self.assertEqual(line.debtor_id.vat, example[0])
        self.assertEqual(line.amount, example[4])
        schedule.action_verify()
        self.assertEqual(schedule.state, "verified", schedule.verification_note)

    def test_obviously_bad_amounts_are_flagged_with_their_row(self):
        cases = [
            ("negative number", -1500.0, "Row 3: amount -1500 is not positive"),
            ("negative text", "-1.234,56", "Row 3: amount -1.234,56 is not positive"),
            ("zero", 0, "Row 3: amount 0 is not positive"),
            ("absurdly large", 125000000000.0,
             "Row 3: amount 125000000000 is not a plausible invoice amount"),
            ("text", "12 500 EUR", "Row 3: amount '12 500 EUR' is not a number"),
        ]
        schedule = self.make_schedule([{"invoice_number": "EXISTING"}])
        for label, value, reason in cases:
            with self.subTest(label):
                rows = self.good_rows()
                rows[2][4] = value
                message = self.assertImportRefused(schedule, xlsx_bytes(rows))
                self.assertIn(reason, message)
                self.assertIn("1 row(s) have errors", message)
        self.assertEqual(schedule.line_ids.mapped("invoice_number"), ["EXISTING"])

    def test_template_download(self):
        schedule = self.make_schedule([])
        wizard = self.env["factoring.schedule.import"].create({"schedule_id": schedule.id})
        action = wizard.action_download_template()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"id={wizard.id}", action["url"])
        self.assertIn("field=template_file", action["url"])
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.template_file)))
        self.assertEqual(workbook.worksheets[0].cell(row=1, column=2).value, "Invoice Number")
