from odoo import fields, models


class FactoringKpiLine(models.TransientModel):
    """One group's figures, as returned by ``factoring.kpi.get_kpis``."""

    _name = "factoring.kpi.line"
    _description = "Factoring KPI Line"
    _order = "sequence"

    wizard_id = fields.Many2one("factoring.kpi.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    name = fields.Char(string="Group", required=True)
    res_id = fields.Integer(string="Group Record")
    days = fields.Integer(aggregator="max")
    beginning_ar = fields.Float(string="Beginning AR", digits=(16, 2))
    ending_ar = fields.Float(string="Ending AR", digits=(16, 2))
    ending_current_ar = fields.Float(string="Ending Current AR", digits=(16, 2))
    sales = fields.Float(string="Credit Sales", digits=(16, 2))
    paid_amount = fields.Float(string="Paid Items", digits=(16, 2))
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
