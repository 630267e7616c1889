import base64
import io
import re
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

# Column keys and the headers (normalised: lower case, letters and digits only)
# that name them in a client's file.
COLUMNS = {
    "debtor": ("debtor", "debtorvat", "vat", "debtorreference", "debtorref", "reference",
               "debtorvatorreference", "debtorid", "buyer", "buyervat", "customer",
               "customervat"),
    "invoice_number": ("invoicenumber", "invoiceno", "invoicenr", "invoice", "number",
                       "documentnumber"),
    "invoice_date": ("invoicedate", "date", "documentdate", "issuedate"),
    "due_date": ("duedate", "maturity", "maturitydate", "paymentdue"),
    "amount": ("amount", "invoiceamount", "total", "amountdue", "grossamount"),
    "currency": ("currency", "currencycode", "cur"),
}
REQUIRED = ("debtor", "invoice_number", "invoice_date", "due_date", "amount")
TEMPLATE_HEADERS = ["Debtor VAT or Reference", "Invoice Number", "Invoice Date", "Due Date",
                    "Amount", "Currency", "Note"]
# Rows whose invoice number starts with this word are the template's examples:
# the import skips them, so the template can be imported as it is downloaded.
EXAMPLE_PREFIX = "EXAMPLE"
# An amount above this is a typing or a format error (a date or an account
# number read as an amount), not an invoice.
MAX_INVOICE_AMOUNT = 1_000_000_000


def _normalise(header):
    return re.sub(r"[^a-z0-9]", "", str(header or "").lower())


def _key(value):
    """Normalised VAT or reference for matching: upper case, no spaces or dots."""
    return re.sub(r"[\s.\-]", "", str(value or "")).upper()


class FactoringScheduleImport(models.TransientModel):
    _name = "factoring.schedule.import"
    _inherit = ["factoring.spreadsheet.import"]
    _description = "Import Assignment Schedule Lines"

    schedule_id = fields.Many2one("factoring.schedule", required=True, ondelete="cascade")
    replace_lines = fields.Boolean(
        string="Replace Existing Lines",
        help="Delete the schedule's current lines before importing.")
    template_file = fields.Binary(attachment=False, readonly=True)
    skipped_example_count = fields.Integer(readonly=True)

    # ------------------------------------------------------------------
    # Template
    # ------------------------------------------------------------------
    @api.model
    def _build_template(self):
        """The template: the header row the import understands and two example
        rows. The examples name debtors approved on the schedule's agreement
        (when there are some) and invoice numbers starting with EXAMPLE, which
        the import skips: replace them with the client's invoices."""
        import xlsxwriter

        schedule = self.schedule_id
        currency = schedule.currency_id or self.env.company.currency_id
        debtors = schedule.agreement_id.approved_debtor_ids[:2]
        keys = [d.vat or d.ref for d in debtors if d.vat or d.ref] or ["BE0477472701"]
        today = schedule.company_id._factoring_today()
        examples = [
            (keys[0], f"{EXAMPLE_PREFIX}-0001", 0, 60, 12500.00),
            (keys[-1], f"{EXAMPLE_PREFIX}-0002", 2, 62, 8430.50),
        ]

        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Schedule"))
        bold = workbook.add_format({"bold": True})
        example_format = workbook.add_format({"italic": True, "font_color": "#808080"})
        example_date = workbook.add_format(
            {"italic": True, "font_color": "#808080", "num_format": "yyyy-mm-dd"})
        for col, header in enumerate(TEMPLATE_HEADERS):
            sheet.write(0, col, header, bold)
            sheet.set_column(col, col, 22)
        sheet.set_column(6, 6, 60)
        for row, (key, number, issued, due, amount) in enumerate(examples, start=1):
            sheet.write_string(row, 0, key, example_format)
            sheet.write_string(row, 1, number, example_format)
            sheet.write_datetime(row, 2, datetime.combine(
                today - timedelta(days=issued), datetime.min.time()), example_date)
            sheet.write_datetime(row, 3, datetime.combine(
                today - timedelta(days=issued) + timedelta(days=due), datetime.min.time()),
                example_date)
            sheet.write_number(row, 4, amount, example_format)
            sheet.write_string(row, 5, currency.name, example_format)
            sheet.write_string(row, 6, self.env._(
                "Example: the import skips rows whose invoice number starts with "
                "%s. Replace them with your invoices.", EXAMPLE_PREFIX), example_format)
        workbook.close()
        return buffer.getvalue()

    def _check_import_rights(self):
        self.schedule_id._check_schedule_rights(
            self.env._("import invoices into assignment schedules"))

    def action_download_template(self):
        self.ensure_one()
        self.check_access("write")
        self.schedule_id.check_access("read")
        self.template_file = base64.b64encode(self._build_template())
        return {
            "type": "ir.actions.act_url",
            "url": "/web/content/?model=%s&id=%s&field=template_file&download=true"
                   "&filename=assignment_schedule_template.xlsx" % (self._name, self.id),
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Reading (the spreadsheet itself: factoring.spreadsheet.import)
    # ------------------------------------------------------------------
    def _map_header(self, header_row):
        mapping = {}
        for index, header in enumerate(header_row):
            normalised = _normalise(header)
            for key, aliases in COLUMNS.items():
                if key not in mapping and normalised in aliases:
                    mapping[key] = index
                    break
        missing = [k for k in REQUIRED if k not in mapping]
        if missing:
            labels = {
                "debtor": self.env._("Debtor VAT or Reference"), "invoice_number": self.env._("Invoice Number"),
                "invoice_date": self.env._("Invoice Date"), "due_date": self.env._("Due Date"),
                "amount": self.env._("Amount"),
            }
            raise UserError(self.env._(
                "%(file)s: the first row must name the columns; missing: %(missing)s.",
                file=self.filename or self.env._("The file"),
                missing=", ".join(labels[k] for k in missing)))
        return mapping

    @classmethod
    def _is_example(cls, cells):
        """A row of the template's examples (skipped by the import)."""
        return cls._text(cells.get("invoice_number")).upper().startswith(EXAMPLE_PREFIX)

    def _debtor_index(self, keys):
        """Map normalised VAT and reference values to partners, in two queries."""
        Partner = self.env["res.partner"]
        candidates = Partner.search_fetch(
            ["|", ("vat", "!=", False), ("ref", "!=", False),
             ("parent_id", "=", False),
             ("company_id", "in", [False, self.schedule_id.company_id.id])],
            ["vat", "ref", "name", "active"])
        index = {}
        for partner in candidates:
            for value in {_key(partner.vat), _key(partner.ref)} - {""}:
                if value in keys:
                    index.setdefault(value, self.env["res.partner"])
                    index[value] |= partner
        return index

    def _parse(self, rows):  # noqa: C901 - one pass per row, a reason per bad field
        """Validate every row; return (line values, errors by row number)."""
        header_at = next((i for i, row in enumerate(rows)
                          if any(self._text(c) for c in row)), None)
        if header_at is None:
            raise UserError(self.env._("%s is empty.", self.filename or self.env._("The file")))
        mapping = self._map_header(rows[header_at])
        schedule = self.schedule_id
        data_rows = []
        for offset, row in enumerate(rows[header_at + 1:], start=header_at + 2):
            if not any(self._text(c) for c in row):
                continue
            cells = {k: (row[i] if i < len(row) else None) for k, i in mapping.items()}
            data_rows.append((offset, cells))
        if not data_rows:
            raise UserError(self.env._("%s has a header but no invoice rows.",
                              self.filename or self.env._("The file")))
        invoice_rows = [(r, c) for r, c in data_rows if not self._is_example(c)]
        if not invoice_rows:
            raise UserError(self.env._(
                "%(file)s holds only the template's example rows (invoice numbers starting "
                "with %(prefix)s), which the import skips: add the client's invoices.",
                file=self.filename or self.env._("The file"), prefix=EXAMPLE_PREFIX))
        self.skipped_example_count = len(data_rows) - len(invoice_rows)
        data_rows = invoice_rows

        keys = {_key(self._text(c["debtor"])) for _r, c in data_rows} - {""}
        debtors = self._debtor_index(keys)
        currencies = {
            c.name: c for c in self.env["res.currency"].with_context(active_test=False).search([])
        }
        default_currency = schedule.currency_id or schedule.company_id.currency_id

        values, errors = [], {}
        for row_number, cells in data_rows:
            problems = []
            debtor_text = self._text(cells["debtor"])
            debtor = debtors.get(_key(debtor_text))
            if not debtor_text:
                problems.append(self.env._("debtor VAT or reference is empty"))
            elif not debtor:
                problems.append(self.env._("unknown debtor '%s' (no partner has this VAT or "
                                  "reference)", debtor_text))
            elif len(debtor) > 1:
                problems.append(self.env._("debtor '%(key)s' matches several partners (%(names)s)",
                                  key=debtor_text,
                                  names=", ".join(debtor.mapped("name"))))
            number = self._text(cells["invoice_number"])
            if not number:
                problems.append(self.env._("invoice number is empty"))
            parsed = {}
            for key, label in (("invoice_date", self.env._("invoice date")),
                               ("due_date", self.env._("due date"))):
                try:
                    parsed[key] = self._parse_date(cells[key])
                except ValueError:
                    problems.append(self.env._("%(label)s '%(value)s' is not a date",
                                      label=label, value=self._text(cells[key])))
            try:
                amount = self._parse_amount(cells["amount"])
            except ValueError:
                amount = None
                problems.append(self.env._("amount '%s' is not a number", self._text(cells["amount"])))
            else:
                if amount <= 0:
                    problems.append(self.env._("amount %s is not positive", self._text(cells["amount"])))
                elif amount > MAX_INVOICE_AMOUNT:
                    problems.append(self.env._(
                        "amount %(amount)s is not a plausible invoice amount (over %(max)s): "
                        "check the cell", amount=self._text(cells["amount"]),
                        max=f"{MAX_INVOICE_AMOUNT:,}"))
            currency = default_currency
            if "currency" in cells and self._text(cells["currency"]):
                code = self._text(cells["currency"]).upper()
                currency = currencies.get(code)
                if not currency:
                    problems.append(self.env._("unknown currency '%s'", code))
            if problems:
                errors[row_number] = problems
                continue
            values.append({
                "schedule_id": schedule.id,
                "sequence": row_number,
                "file_row": row_number,
                "debtor_id": debtor.id,
                "invoice_number": number,
                "invoice_date": parsed["invoice_date"],
                "due_date": parsed["due_date"],
                "amount": amount,
                "currency_id": currency.id,
            })
        return values, errors

    def action_import(self):
        self.ensure_one()
        self._check_import_rights()
        schedule = self.schedule_id
        if schedule.state != "draft":
            raise UserError(self.env._("Schedule %s is not a draft: lines cannot be imported.",
                              schedule.name))
        if not self.file:
            raise UserError(self.env._("Choose the Excel file to import."))
        content = base64.b64decode(self.file)
        values, errors = self._parse(self._read_rows(content))
        if errors:
            self._raise_row_errors(errors)
        if self.replace_lines:
            schedule.line_ids.unlink()
        lines = self.env["factoring.schedule.line"].create(values)
        body = self.env._("%(count)s invoice(s) imported from %(file)s.",
                 count=len(lines), file=self.filename or self.env._("a file"))
        if self.skipped_example_count:
            body += " " + self.env._("%s example row(s) of the template skipped.",
                            self.skipped_example_count)
        schedule.message_post(body=body)
        return {"type": "ir.actions.act_window_close"}
