from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FactoringItemHold(models.Model):
    """A hold on a receivable item. Its effects depend on its source: a hold
    that *stops dunning* takes the item out of dunning and of the collectors'
    overdue to chase; a hold that *makes the item ineligible* takes it out of
    funding availability. A dispute does both, a promise to pay stops dunning
    only (a promise makes payment likelier, not the invoice worse), a manual
    hold does what the person who set it chose. Whoever set a hold lifts it
    (the source and origin say who). Lifting archives the hold, so an item's
    holds are its history.

    Holds are written only through ``account.move.line._factoring_set_hold`` and
    ``_factoring_lift_holds`` (and the manual-hold actions that check the
    caller's role): every factoring role reads them, nobody writes them directly.
    Addons add their source with ``selection_add`` on ``source``."""

    _name = "factoring.item.hold"
    _description = "Hold on a Receivable Item"
    _order = "date desc, id desc"

    move_line_id = fields.Many2one(
        "account.move.line", string="Receivable Item", required=True, index=True,
        ondelete="cascade", readonly=True)
    company_id = fields.Many2one(
        related="move_line_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="move_line_id.partner_id", store=True, string="Debtor", index=True)
    factoring_client_id = fields.Many2one(
        related="move_line_id.factoring_client_id", string="Client")
    reason = fields.Char(required=True, readonly=True)
    source = fields.Selection(
        [("manual", "Manual")], required=True, default="manual", readonly=True, index=True,
        help="What set the hold; only the same source lifts it.")
    res_model = fields.Char(string="Origin Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Origin Record", model_field="res_model", readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Set by", required=True, readonly=True,
        default=lambda self: self.env.user)
    date = fields.Datetime(
        string="Since", required=True, readonly=True, default=fields.Datetime.now)
    lifted_date = fields.Datetime(string="Lifted on", readonly=True)
    lifted_user_id = fields.Many2one("res.users", string="Lifted by", readonly=True)
    active = fields.Boolean(default=True, readonly=True, index=True)
    stops_dunning = fields.Boolean(
        default=True, readonly=True,
        help="While active, dunning and the collectors' overdue to chase skip the item.")
    makes_ineligible = fields.Boolean(
        default=True, readonly=True,
        help="While active, the item does not count as eligible for funding availability.")

    @api.model
    def _factoring_sources(self):
        """What each source of hold does and how the figures name the amounts
        it holds: ``{source: {"stops_dunning": bool, "makes_ineligible": bool,
        "held": label}}``. The effects are the defaults of
        ``account.move.line._factoring_set_hold``; the label reads in a sentence
        such as "13,983.50 disputed, 4,037.00 to chase". An
        addon that adds a source (``selection_add`` on ``source``) adds it here
        with ``super()``; a source missing here stops dunning and makes the item
        ineligible."""
        return {
            "manual": {"stops_dunning": True, "makes_ineligible": True,
                       "held": self.env._("held manually")},
        }

    @api.model
    def _factoring_source_effects(self, source):
        """(stops dunning, makes ineligible) of a source's holds by default."""
        spec = self._factoring_sources().get(source) or {}
        return spec.get("stops_dunning", True), spec.get("makes_ineligible", True)

    @api.model
    def _factoring_source_label(self, source):
        """How a figure names the amount held by this source ("disputed")."""
        spec = self._factoring_sources().get(source)
        if spec:
            return spec["held"]
        labels = dict(self._fields["source"]._description_selection(self.env))
        return self.env._("held (%s)", labels.get(source, source))

    @api.constrains("stops_dunning", "makes_ineligible")
    def _check_effects(self):
        for hold in self:
            if not (hold.stops_dunning or hold.makes_ineligible):
                raise ValidationError(self.env._(
                    "The hold on %(item)s must stop dunning, make the item ineligible for "
                    "funding, or both.", item=hold.move_line_id.display_name))

    @api.depends("reason", "move_line_id")
    def _compute_display_name(self):
        for hold in self:
            hold.display_name = f"{hold.move_line_id.name or ''}: {hold.reason or ''}"

    def action_open_origin(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
