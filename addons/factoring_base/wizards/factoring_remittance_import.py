import base64

from odoo import fields, models
from odoo.exceptions import UserError

# Column keys and the headers (normalised: lower case, letters and digits only)
# that name them in a debtor's remittance advice.
COLUMNS = {
    "invoice_number": ("invoicenumber", "invoiceno", "invoicenr", "invoice", "number",
                       "documentnumber", "document", "reference", "yourreference",
                       "yourref", "ref"),
    "amount": ("amountpaid", "paid", "payment", "paymentamount", "amount", "netamount",
               "total"),
}
REQUIRED = ("invoice_number", "amount")


class FactoringRemittanceImport(models.TransientModel):
    _name = "factoring.remittance.import"
    _inherit = ["factoring.spreadsheet.import"]
    _description = "Import Debtor Remittance Advice"

    remittance_id = fields.Many2one("factoring.remittance", required=True, ondelete="cascade")

    def _parse(self, rows):
        """Validate every row; return (line values, errors by row number)."""
        labels = {"invoice_number": self.env._("Invoice Number"), "amount": self.env._("Amount Paid")}
        values, errors = [], {}
        for row_number, cells in self._data_rows(rows, COLUMNS, REQUIRED, labels,
                                                 self.env._("invoice")):
            problems = []
            number = self._text(cells["invoice_number"])
            if not number:
                problems.append(self.env._("invoice number is empty"))
            try:
                amount = self._parse_amount(cells["amount"])
                if amount <= 0:
                    problems.append(self.env._("amount '%s' is not a positive amount",
                                      self._text(cells["amount"])))
            except ValueError:
                problems.append(self.env._("amount '%s' is not a number", self._text(cells["amount"])))
            if problems:
                errors[row_number] = problems
                continue
            values.append({"sequence": row_number, "invoice_ref": number, "amount": amount})
        return values, errors

    def action_import(self):
        self.ensure_one()
        remittance = self.remittance_id
        remittance._check_cash_rights()
        remittance._check_draft()
        if not self.file:
            raise UserError(self.env._("Choose the Excel file to import."))
        values, errors = self._parse(self._read_rows(base64.b64decode(self.file)))
        if errors:
            self._raise_row_errors(errors)
        lines = remittance._replace_lines(values)
        remittance.message_post(body=self.env._("%(count)s invoice(s) imported from %(file)s.",
                                       count=len(lines), file=self.filename or self.env._("a file")))
        return {"type": "ir.actions.act_window_close"}
