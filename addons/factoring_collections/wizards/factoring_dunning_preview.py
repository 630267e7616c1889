from odoo import api, fields, models

from odoo.addons.factoring_base.models.res_company_day import factoring_today

from ..models.common import check_supervisor


class FactoringDunningPreview(models.TransientModel):
    """What a dunning run would send today, computed with the run's own
    selection and written nowhere; Run Now then runs it."""

    _name = "factoring.dunning.preview"
    _description = "Dunning Run Preview"

    date = fields.Date(readonly=True, default=factoring_today)
    company_id = fields.Many2one("res.company", readonly=True,
                                 default=lambda self: self.env.company)
    line_ids = fields.One2many("factoring.dunning.preview.line", "preview_id", readonly=True)
    communication_count = fields.Integer(readonly=True)
    item_count = fields.Integer(readonly=True)
    skipped_text = fields.Text(string="Skipped", readonly=True)

    @api.model
    def default_get(self, fields_list):
        check_supervisor(self.env, self.env._("preview dunning runs"))
        res = super().default_get(fields_list)
        res.update(self._preview_values(self.env.company, self.env.company._factoring_today()))
        return res

    @api.model
    def _preview_values(self, company, date):
        Run = self.env["factoring.dunning.run"].sudo()
        groups, skipped = Run._select(company, date)
        levels = self.env["factoring.dunning.level"].sudo().browse(
            {g["level_id"] for g in groups})
        emails = levels.filtered("channel_email")
        recipients = Run._recipients({g["debtor_id"] for g in groups
                                      if g["level_id"] in emails.ids}) if emails else {}
        lines = []
        for group in groups:
            level = levels.browse(group["level_id"])
            address, reason = recipients.get(group["debtor_id"], (False, False))
            lines.append(fields.Command.create({
                "partner_id": group["debtor_id"], "level_id": level.id,
                "item_count": len(group["item_ids"]), "amount": group["amount"],
                "email_to": address or False,
                "note": (reason or self.env._("no accounts-payable e-mail address"))
                if level.channel_email and not address else False,
            }))
        labels = {
            "hold": self.env._("held from dunning"), "no_followup": self.env._("no follow-up"),
            "excluded": self.env._("debtor excluded"), "no_policy": self.env._("no policy"),
            "min_amount": self.env._("below the level's minimum"),
            "already": self.env._("already at their level"),
        }
        return {
            "line_ids": lines,
            "communication_count": len(groups),
            "item_count": sum(len(g["item_ids"]) for g in groups),
            "skipped_text": "\n".join(
                f"{labels.get(key, key)}: {count}" for key, count in skipped.items() if count),
        }

    def action_run(self):
        check_supervisor(self.env, self.env._("start dunning runs"))
        return self.env["factoring.dunning.run"].with_company(self.company_id).action_run_now()


class FactoringDunningPreviewLine(models.TransientModel):
    _name = "factoring.dunning.preview.line"
    _description = "Dunning Run Preview Line"

    preview_id = fields.Many2one("factoring.dunning.preview", required=True,
                                 ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Debtor", readonly=True)
    level_id = fields.Many2one("factoring.dunning.level", readonly=True)
    channel_email = fields.Boolean(related="level_id.channel_email")
    channel_letter = fields.Boolean(related="level_id.channel_letter")
    channel_call = fields.Boolean(related="level_id.channel_call")
    channel_escalation = fields.Boolean(related="level_id.channel_escalation")
    item_count = fields.Integer(readonly=True)
    currency_id = fields.Many2one(related="preview_id.company_id.currency_id")
    amount = fields.Monetary(readonly=True)
    email_to = fields.Char(readonly=True)
    note = fields.Char(string="Instead of e-mail", readonly=True)
