from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FactoringSector(models.Model):
    _name = "factoring.sector"
    _description = "Economic Sector"
    _inherit = ["mail.thread"]
    _order = "code"
    _rec_names_search = ["code", "name"]

    code = fields.Char(required=True, tracking=True)
    name = fields.Char(required=True, translate=True, tracking=True)
    risk_score = fields.Integer(
        tracking=True,
        help="0 (no risk) to 100 (highest risk). Written by credit risk only.",
    )
    active = fields.Boolean(default=True)
    partner_count = fields.Integer(compute="_compute_partner_count")

    _code_uniq = models.Constraint("UNIQUE(code)", "A sector code must be unique.")
    _risk_score_range = models.Constraint(
        "CHECK(risk_score >= 0 AND risk_score <= 100)",
        "The sector risk score must be between 0 and 100.",
    )

    @api.constrains("risk_score")
    def _check_risk_score(self):
        for sector in self:
            if not 0 <= sector.risk_score <= 100:
                raise ValidationError(self.env._(
                    "Sector %(sector)s: the risk score must be between 0 and 100, not %(score)s.",
                    sector=sector.display_name, score=sector.risk_score,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        # The CHECK constraint fires at INSERT, before @api.constrains runs:
        # validate first so that the user gets the message naming the sector.
        for vals in vals_list:
            self.new(vals)._check_risk_score()
        self._check_code_free([vals.get("code") for vals in vals_list])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("code"):
            if len(self) > 1:
                raise ValidationError(self.env._("Sectors cannot share the code %s.", vals["code"]))
            self._check_code_free([vals["code"]])
        return super().write(vals)

    def _check_code_free(self, codes):
        """Name the clashing sector before the UNIQUE constraint would fail."""
        codes = [c for c in codes if c]
        if len(codes) != len(set(codes)):
            raise ValidationError(self.env._("Two new sectors have the same code."))
        clash = self.sudo().with_context(active_test=False).search(
            [("code", "in", codes), ("id", "not in", self.ids)], limit=1)
        if clash:
            raise ValidationError(self.env._(
                "The sector code %(code)s is already used by %(sector)s.",
                code=clash.code, sector=clash.name))

    @api.depends("code", "name")
    def _compute_display_name(self):
        for sector in self:
            sector.display_name = f"[{sector.code}] {sector.name}" if sector.code else sector.name

    def _compute_partner_count(self):
        counts = dict(self.env["res.partner"]._read_group(
            [("factoring_sector_id", "in", self.ids)], ["factoring_sector_id"], ["__count"]))
        for sector in self:
            sector.partner_count = counts.get(sector, 0)
