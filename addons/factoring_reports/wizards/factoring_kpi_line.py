from odoo import api, fields, models


class FactoringKpiLine(models.TransientModel):
    """One group's figures, as returned by ``factoring.kpi.get_kpis``, each
    with its formula (the column's tooltip) and the inputs it is computed from
    (the ``*_detail`` texts and the CEI's months, on the line's form)."""

    _name = "factoring.kpi.line"
    _description = "Factoring KPI Line"
    _order = "sequence"

    wizard_id = fields.Many2one("factoring.kpi.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    name = fields.Char(string="Group", required=True)
    res_id = fields.Integer(string="Group Record")
    date_from = fields.Date(string="From", related="wizard_id.date_from")
    date_to = fields.Date(string="To", related="wizard_id.date_to")
    days = fields.Integer(aggregator="max", help="Days of the period, both ends included.")
    beginning_ar = fields.Float(
        string="Beginning AR", digits=(16, 2),
        help="Open at the end of the day before the period.")
    ending_ar = fields.Float(string="Ending AR", digits=(16, 2),
                             help="Open at the end of the period.")
    ending_current_ar = fields.Float(
        string="Ending Current AR", digits=(16, 2),
        help="Open at the end of the period and not yet due (due date on or after it).")
    sales = fields.Float(string="Credit Sales", digits=(16, 2),
                         help="Receivable items posted in the period (positive amounts).")
    paid_amount = fields.Float(string="Paid Items", digits=(16, 2),
                               help="Amount of the items paid in full in the period.")
    paid_count = fields.Integer(string="Paid Item Count")
    dso = fields.Float(string="DSO", digits=(16, 1), aggregator="avg")
    dso_countback = fields.Float(string="DSO Count-back", digits=(16, 1), aggregator="avg")
    bpdso = fields.Float(string="BPDSO", digits=(16, 1), aggregator="avg")
    add_days = fields.Float(string="ADD", digits=(16, 1), aggregator="avg")
    dbt = fields.Float(string="DBT", digits=(16, 2), aggregator="avg")
    adp = fields.Float(string="ADP", digits=(16, 2), aggregator="avg")
    cei = fields.Float(string="CEI (%)", digits=(16, 1), aggregator="avg")
    dso_defined = fields.Boolean()
    dso_countback_defined = fields.Boolean()
    bpdso_defined = fields.Boolean()
    add_days_defined = fields.Boolean()
    dbt_defined = fields.Boolean()
    adp_defined = fields.Boolean()
    cei_defined = fields.Boolean()
    dso_detail = fields.Text(string="DSO, Computed From")
    dso_countback_detail = fields.Text(string="DSO Count-back, Computed From")
    bpdso_detail = fields.Text(string="BPDSO, Computed From")
    add_days_detail = fields.Text(string="ADD, Computed From")
    dbt_detail = fields.Text(string="DBT, Computed From")
    adp_detail = fields.Text(string="ADP, Computed From")
    cei_detail = fields.Text(string="CEI, Computed From")
    cei_month_ids = fields.One2many(
        "factoring.kpi.line.month", "line_id", string="CEI per Month", readonly=True)

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """The figures' tooltips are their formulas, in the words of
        ``factoring.kpi._kpi_formulas`` (one definition for the screens and the
        explanations)."""
        res = super().fields_get(allfields, attributes)
        if attributes and "help" not in attributes:
            return res
        formulas = self.env["factoring.kpi"]._kpi_formulas()
        for key, formula in formulas.items():
            name = {"add": "add_days"}.get(key, key)
            if name in res:
                res[name]["help"] = formula
        return res


class FactoringKpiLineMonth(models.TransientModel):
    """One month of a KPI line's CEI: what it is computed from."""

    _name = "factoring.kpi.line.month"
    _description = "Factoring KPI Line: CEI of a Month"
    _order = "date_from"

    line_id = fields.Many2one("factoring.kpi.line", required=True, ondelete="cascade")
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    beginning_ar = fields.Float(string="AR at Start", digits=(16, 2),
                                help="Open at the end of the day before the month.")
    sales = fields.Float(string="Credit Sales", digits=(16, 2),
                         help="Receivable items posted in the month (positive amounts).")
    ending_ar = fields.Float(string="AR at End", digits=(16, 2),
                             help="Open at the end of the month.")
    ending_current_ar = fields.Float(
        string="Current AR at End", digits=(16, 2),
        help="Open at the end of the month and not yet due.")
    collected = fields.Float(digits=(16, 2), help="AR at start + credit sales − AR at end.")
    collectible = fields.Float(
        digits=(16, 2), help="AR at start + credit sales − current AR at end.")
    cei = fields.Float(string="CEI (%)", digits=(16, 1), aggregator=None,
                       help="Collected ÷ collectible × 100.")
    cei_defined = fields.Boolean()
