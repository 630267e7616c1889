import base64
import io

import xlsxwriter

from odoo import fields, models
from odoo.exceptions import AccessError

from odoo.addons.factoring_base.models.res_company_day import factoring_today

BUCKET_FIELDS = ["amount_b0", "amount_b1", "amount_b2", "amount_b3", "amount_b4", "amount_b5"]


class FactoringAgingWizard(models.TransientModel):
    _name = "factoring.aging.wizard"
    _description = "Factoring Aging As Of"

    date = fields.Date(string="As of", required=True, default=factoring_today)
    group_by = fields.Selection([
        ("debtor_id", "Debtor"),
        ("client_id", "Client"),
        ("collector_id", "Collector"),
        ("client_manager_id", "Client Manager"),
        ("sector_id", "Debtor Sector"),
        ("company_id", "Company"),
        ("currency_id", "Currency"),
    ], required=True, default="debtor_id")
    xlsx_file = fields.Binary(string="Spreadsheet", readonly=True, attachment=True)
    xlsx_filename = fields.Char(readonly=True)

    def _factoring_check_reader(self):
        if not self.env.user.has_group("factoring_base.group_factoring_user"):
            raise AccessError(self.env._("Only factoring users may read the aging."))

    def action_print(self):
        """The aging as of the wizard's date as a PDF, grouped by debtor."""
        self.ensure_one()
        self._factoring_check_reader()
        return self.env.ref("factoring_reports.action_report_factoring_aging").report_action(self)

    def _factoring_aging_groups(self, group_by):
        """Per value of ``group_by`` (the rows the user may read): the bucket sums
        as of the date, the total and the items count; one grouped query of the
        aging report. Returns (bucket labels, lines, bucket totals, total, count)."""
        self.ensure_one()
        self._factoring_check_reader()
        aging = self.env["factoring.aging.report"].with_context(
            factoring_aging_date=fields.Date.to_string(self.date))
        groups = aging._read_group(
            [], [group_by], [f"{b}:sum" for b in BUCKET_FIELDS] + ["residual:sum", "__count"],
            order=group_by)
        lines = [{
            "key": key,
            "name": key.display_name if key else self.env._("(none)"),
            "buckets": list(values[:6]), "total": values[6], "count": values[7],
        } for key, *values in groups]
        totals = [sum(line["buckets"][i] for line in lines) for i in range(6)]
        return ([label for _key, label in aging._selection_bucket()], lines, totals,
                sum(line["total"] for line in lines), sum(line["count"] for line in lines))

    def _factoring_report_data(self):
        """The PDF's data: per debtor, the bucket sums as of the date, the totals
        and the bucket labels."""
        labels, lines, totals, total, _count = self._factoring_aging_groups("debtor_id")
        for line in lines:
            line["debtor"] = line["name"] if line["key"] else self.env._("(no partner)")
        return {
            "labels": labels,
            "lines": lines,
            "totals": totals,
            "total": total,
            "currency": self.env.company.currency_id,
        }

    def _factoring_aging_xlsx(self):
        """The aging as of the date, one row per group of ``group_by``, as the
        bytes of an .xlsx workbook: a header (title, companies, as-of date,
        grouping, currency), one column per bucket of the company, the total per
        group and a totals row. Amounts are numbers with the currency's decimals."""
        self.ensure_one()
        labels, lines, totals, total, count = self._factoring_aging_groups(self.group_by)
        group_label = dict(self._fields["group_by"]._description_selection(self.env))[
            self.group_by]
        currency = self.env.company.currency_id
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Aging"))
        bold = workbook.add_format({"bold": True})
        title = workbook.add_format({"bold": True, "font_size": 14})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
        amount_format = ("#,##0.%s" % ("0" * currency.decimal_places)
                         if currency.decimal_places else "#,##0")
        money = workbook.add_format({"num_format": amount_format})
        money_bold = workbook.add_format({"bold": True, "top": 1, "num_format": amount_format})
        head = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True})
        head_right = workbook.add_format({"bold": True, "bottom": 1, "align": "right"})
        count_bold = workbook.add_format({"bold": True, "top": 1})

        sheet.write(0, 0, self.env._("Aging as of %s", fields.Date.to_string(self.date)), title)
        header = [
            (self.env._("Company"), ", ".join(self.env.companies.mapped("name")), None),
            (self.env._("As of"), self.date, date_format),
            (self.env._("Grouped by"), group_label, None),
            # amounts are in each company's currency (as in the aging report)
            (self.env._("Currency"), ", ".join(
                self.env.companies.currency_id.sorted("name").mapped("name")), None),
        ]
        for row, (name, value, style) in enumerate(header, start=1):
            sheet.write(row, 0, name, bold)
            if style:
                sheet.write_datetime(row, 1, value, style)
            else:
                sheet.write(row, 1, value)

        first = len(header) + 2
        columns = [group_label, self.env._("Items"), *labels, self.env._("Total")]
        for col, name in enumerate(columns):
            sheet.write(first, col, name, head if col == 0 else head_right)
        for row, line in enumerate(lines, start=first + 1):
            sheet.write(row, 0, line["name"])
            sheet.write_number(row, 1, line["count"])
            sheet.write_row(row, 2, [*line["buckets"], line["total"]], money)
        last = first + 1 + len(lines)
        sheet.write(last, 0, self.env._("Total"), count_bold)
        sheet.write_number(last, 1, count, count_bold)
        sheet.write_row(last, 2, [*totals, total], money_bold)

        sheet.set_column(0, 0, 40)
        sheet.set_column(1, 1, 8)
        sheet.set_column(2, len(columns) - 1, 15)
        sheet.freeze_panes(first + 1, 1)
        if lines:
            sheet.autofilter(first, 0, last - 1, len(columns) - 1)
        workbook.close()
        return output.getvalue()

    def action_export_xlsx(self):
        """The aging as of the wizard's date, grouped as chosen, as an .xlsx file
        made on the server and downloaded by the browser."""
        self.ensure_one()
        self._factoring_check_reader()
        content = self._factoring_aging_xlsx()
        self.write({
            "xlsx_file": base64.b64encode(content),
            "xlsx_filename": "aging_%s_%s.xlsx" % (
                fields.Date.to_string(self.date), self.group_by.removesuffix("_id")),
        })
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": "/web/content/?model=%s&id=%s&field=xlsx_file"
                   "&filename_field=xlsx_filename&download=true" % (self._name, self.id),
        }

    def action_open(self):
        """Open the aging report as of the chosen date (pivot, graph, list)."""
        self.ensure_one()
        self._factoring_check_reader()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "factoring_reports.action_factoring_aging_report")
        action["name"] = self.env._("Aging as of %s", fields.Date.to_string(self.date))
        action["context"] = {
            "factoring_aging_date": fields.Date.to_string(self.date),
            "pivot_row_groupby": [self.group_by],
            "pivot_column_groupby": ["bucket"],
            "pivot_measures": ["residual"],
            "graph_groupbys": [self.group_by, "bucket"],
        }
        return action
