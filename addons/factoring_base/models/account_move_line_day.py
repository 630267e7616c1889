from odoo import fields, models

# "days past due OPERATOR n" is "due date FLIPPED (the day - n days)"
FLIPPED = {">": "<", ">=": "<=", "<": ">", "<=": ">="}


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    factoring_days_past_due = fields.Integer(search="_search_factoring_days_past_due")

    def _search_factoring_days_past_due(self, operator, value):
        """Days past due compared with ``value`` on each item's company's
        factoring day, as the column computes them (the lists' Overdue and
        Not Yet Due filters)."""
        if operator not in FLIPPED or not isinstance(value, int):
            return NotImplemented
        return self.env["res.company"]._factoring_day_domain(
            "date_maturity", FLIPPED[operator], days=value)
