import io
import math
import re
import zipfile
from datetime import date, datetime

from odoo import fields, models
from odoo.exceptions import UserError

try:
    import xlrd
except ImportError:  # pragma: no cover - a manifest dependency
    xlrd = None
try:
    import openpyxl
except ImportError:  # pragma: no cover - a manifest dependency
    openpyxl = None

MAX_LISTED_ROWS = 50
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d")


def normalise_header(header):
    """Header as matched against column aliases: lower case, letters and digits."""
    return re.sub(r"[^a-z0-9]", "", str(header or "").lower())


class FactoringSpreadsheetImport(models.AbstractModel):
    """What every factoring Excel import shares: the uploaded file, reading
    .xlsx/.xls into rows, tolerant dates and amounts, and the all-or-nothing
    report of bad rows (the schedule import and the debtor remittance import)."""

    _name = "factoring.spreadsheet.import"
    _description = "Factoring Spreadsheet Import"

    file = fields.Binary(string="Excel File", attachment=False)
    filename = fields.Char()

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    def _read_rows(self, content):
        """Return the sheet as a list of rows (lists of cell values) with dates as
        date objects; raise a clear error when the file is not a spreadsheet."""
        name = self.filename or self.env._("the file")
        not_a_sheet = UserError(self.env._(
            "%s is not a readable Excel spreadsheet: upload an .xlsx or .xls file "
            "(you can start from the template).", name))
        if content[:4] == b"PK\x03\x04":
            try:
                with zipfile.ZipFile(io.BytesIO(content)) as archive:
                    if "xl/workbook.xml" not in archive.namelist():
                        raise not_a_sheet
                workbook = openpyxl.load_workbook(
                    io.BytesIO(content), read_only=True, data_only=True)
            except UserError:
                raise
            except Exception as exc:
                raise not_a_sheet from exc
            sheet = workbook.worksheets[0]
            rows = [
                [c.date() if isinstance(c, datetime) else c for c in row]
                for row in sheet.iter_rows(values_only=True)
            ]
            workbook.close()
            return rows
        if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            try:
                book = xlrd.open_workbook(file_contents=content)
            except Exception as exc:
                raise not_a_sheet from exc
            sheet = book.sheet_by_index(0)
            rows = []
            for r in range(sheet.nrows):
                row = []
                for c in range(sheet.ncols):
                    cell = sheet.cell(r, c)
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        row.append(xlrd.xldate_as_datetime(cell.value, book.datemode).date())
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        row.append(None)
                    else:
                        row.append(cell.value)
                rows.append(row)
            return rows
        raise not_a_sheet

    @staticmethod
    def _parse_date(value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str) and value.strip():
            for fmt in DATE_FORMATS:
                try:
                    return datetime.strptime(value.strip(), fmt).date()
                except ValueError:
                    continue
        raise ValueError

    @staticmethod
    def _parse_amount(value):
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, (int, float)):
            return float(value)
        text = str(value or "").strip().replace(" ", "").replace("\u00a0", "")
        if not text:
            raise ValueError
        if "," in text and "." in text:
            # the last separator is the decimal one: 1.234,56 or 1,234.56
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
        amount = float(text)
        if not math.isfinite(amount):  # float() also reads "nan" and "inf"
            raise ValueError
        return amount

    @staticmethod
    def _text(value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip() if value is not None else ""

    def _map_columns(self, header_row, columns, required, labels):
        """Column index per key, from the header row and the keys' aliases
        (normalised); a clear error names the missing required columns."""
        mapping = {}
        for index, header in enumerate(header_row):
            normalised = normalise_header(header)
            for key, aliases in columns.items():
                if key not in mapping and normalised in aliases:
                    mapping[key] = index
                    break
        missing = [k for k in required if k not in mapping]
        if missing:
            raise UserError(self.env._(
                "%(file)s: the first row must name the columns; missing: %(missing)s.",
                file=self.filename or self.env._("The file"),
                missing=", ".join(labels[k] for k in missing)))
        return mapping

    def _data_rows(self, rows, columns, required, labels, what):
        """Rows below the header as (sheet row number, {key: cell}); empty rows
        are skipped. Raises when the sheet is empty or has no data row."""
        header_at = next((i for i, row in enumerate(rows)
                          if any(self._text(c) for c in row)), None)
        if header_at is None:
            raise UserError(self.env._("%s is empty.", self.filename or self.env._("The file")))
        mapping = self._map_columns(rows[header_at], columns, required, labels)
        data_rows = []
        for offset, row in enumerate(rows[header_at + 1:], start=header_at + 2):
            if not any(self._text(c) for c in row):
                continue
            data_rows.append(
                (offset, {k: (row[i] if i < len(row) else None) for k, i in mapping.items()}))
        if not data_rows:
            raise UserError(self.env._("%(file)s has a header but no %(what)s rows.",
                              file=self.filename or self.env._("The file"), what=what))
        return data_rows

    def _raise_row_errors(self, errors, label=None):
        """All or nothing: one error listing every bad row with its reasons."""
        rows = sorted(errors)
        label = label or self.env._("Row")
        listed = [self.env._("%(label)s %(row)s: %(reasons)s", label=label, row=r,
                    reasons="; ".join(errors[r]))
                  for r in rows[:MAX_LISTED_ROWS]]
        if len(rows) > MAX_LISTED_ROWS:
            listed.append(self.env._("... and %s more rows with errors.", len(rows) - MAX_LISTED_ROWS))
        raise UserError(self.env._(
            "%(file)s was not imported: %(count)s row(s) have errors. Nothing was "
            "imported; correct the file and import it again.\n%(rows)s",
            file=self.filename or self.env._("The file"), count=len(rows), rows="\n".join(listed)))
