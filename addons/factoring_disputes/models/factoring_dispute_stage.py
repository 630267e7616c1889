from odoo import fields, models


class FactoringDisputeStage(models.Model):
    """Kanban column of a dispute. Open stages are worked freely (drag and
    drop); the closed ones (resolved, rejected) are reached only through a
    resolution, never by a plain write."""

    _name = "factoring.dispute.stage"
    _description = "Dispute Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(string="Folded in Kanban",
                          help="Closed stages are folded so that the board shows the work.")
    stage_type = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved"), ("rejected", "Rejected")],
        string="Kind", required=True, default="open",
        help="Resolved and rejected stages close the dispute: only a resolution moves "
        "a dispute there.")
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
