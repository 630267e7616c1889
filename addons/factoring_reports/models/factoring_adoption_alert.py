from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

MANAGER_GROUPS = (
    "factoring_base.group_factoring_manager",
    "factoring_base.group_factoring_collections_supervisor",
    "factoring_base.group_factoring_credit_manager",
)


class FactoringAdoptionAlert(models.Model):
    """A person whose logged work of one week fell below the company's share
    of their own baseline (the weekly average of their first weeks). One per
    person, company and week (unique index): the daily check is idempotent.
    Its activity tells the adoption manager."""

    _name = "factoring.adoption.alert"
    _description = "Factoring Adoption Drop"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "week desc, id desc"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", string="Person", required=True, readonly=True,
                              index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    week = fields.Date(required=True, readonly=True, help="Monday of the week checked.")
    first_week = fields.Date(readonly=True, help="Monday of the person's first week "
                             "with logged work.")
    baseline_weekly = fields.Float(
        string="Baseline per Week", readonly=True, digits=(16, 2),
        help="Entries logged in the baseline weeks divided by their number.")
    week_count = fields.Integer(string="Entries in the Week", readonly=True)
    ratio = fields.Float(string="Share of Baseline (%)", readonly=True, digits=(16, 1),
                         aggregator="avg")
    threshold = fields.Float(string="Alert Share (%)", readonly=True)

    _user_week_uniq = models.UniqueIndex(
        "(company_id, user_id, week)",
        "A person has one adoption alert per company and week.")

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Adoption alerts are created by the adoption check."))
        return super().create(vals_list)

    def write(self, vals):
        figures = {"user_id", "company_id", "week", "first_week", "baseline_weekly",
                   "week_count", "ratio", "threshold"}
        if not self.env.su and figures & set(vals):
            raise AccessError(self.env._(
                "The figures of the adoption alerts %s come from the logged work and "
                "cannot be changed.", ", ".join(self[:5].mapped("display_name"))))
        return super().write(vals)

    def _factoring_check_manager(self):
        if not self.env.su and not any(self.env.user.has_group(g) for g in MANAGER_GROUPS):
            raise AccessError(self.env._(
                "Only factoring managers and supervisors check the adoption."))

    def action_check_adoption(self):
        """Run the adoption check now (managers)."""
        self._factoring_check_manager()
        return self.sudo()._factoring_check_adoption()

    @api.model
    def _cron_check_adoption(self):
        self._factoring_check_adoption()

    @api.model
    def _factoring_adoption_figures(self, week, companies=None):
        """Per company and person with a full baseline before ``week`` (a
        Monday): first week, baseline weekly average, entries of ``week``.
        One query over the logged work."""
        self.env.flush_all()  # the settings and the logged work, read by SQL below
        events = self.env["factoring.adoption.report"]._factoring_events_sql()
        company_filter = SQL("TRUE") if companies is None \
            else SQL("w.company_id IN %s", tuple(companies.ids) or (0,))
        return self.env.execute_query_dict(SQL(
            """
            WITH weekly AS (
                SELECT ev.company_id, ev.user_id, ev.week, SUM(ev.entry_count) AS n
                  FROM (%(events)s) ev
                 WHERE ev.week <= %(week)s AND ev.company_id IS NOT NULL
                 GROUP BY 1, 2, 3
            ), firsts AS (
                SELECT w.company_id, w.user_id, MIN(w.week) AS first_week
                  FROM weekly w WHERE %(company_filter)s GROUP BY 1, 2
            )
            SELECT f.company_id, f.user_id, f.first_week,
                   co.factoring_adoption_share AS share,
                   COALESCE(SUM(w.n) FILTER (
                       WHERE w.week < f.first_week + 7 * co.factoring_adoption_baseline_weeks),
                       0)::float / co.factoring_adoption_baseline_weeks AS baseline,
                   COALESCE(SUM(w.n) FILTER (WHERE w.week = %(week)s), 0) AS week_count
              FROM firsts f
              JOIN res_company co ON co.id = f.company_id
              JOIN res_users u ON u.id = f.user_id AND u.active
              LEFT JOIN weekly w ON w.company_id = f.company_id AND w.user_id = f.user_id
             WHERE f.first_week + 7 * co.factoring_adoption_baseline_weeks <= %(week)s
             GROUP BY f.company_id, f.user_id, f.first_week, co.factoring_adoption_share,
                      co.factoring_adoption_baseline_weeks
            """,
            events=events, week=week, company_filter=company_filter))

    @api.model
    def _factoring_check_adoption(self, today=None, companies=None):
        """Check the last complete week (the Monday-to-Sunday week before
        ``today``'s) of every person with a full baseline; create the missing
        alerts and tell the adoption managers. Running it again the same week
        creates nothing."""
        today = today or self.env.company._factoring_today()
        week = today - timedelta(days=today.weekday() + 7)
        rows = [
            row for row in self._factoring_adoption_figures(week, companies)
            if row["baseline"] > 0
            and row["week_count"] < row["baseline"] * row["share"] / 100.0
        ]
        if not rows:
            return self.browse()
        existing = set(self.sudo().search_fetch(
            [("week", "=", week)], ["company_id", "user_id"]).mapped(
                lambda a: (a.company_id.id, a.user_id.id)))
        users = self.env["res.users"].sudo().browse({r["user_id"] for r in rows})
        # only people who work in factoring: an administrator's done to-dos are no rollout
        factoring = users.filtered(lambda u: u.has_group("factoring_base.group_factoring_user"))
        vals_list = [{
            "company_id": r["company_id"], "user_id": r["user_id"], "week": week,
            "first_week": r["first_week"], "baseline_weekly": r["baseline"],
            "week_count": r["week_count"], "threshold": r["share"],
            "ratio": 100.0 * r["week_count"] / r["baseline"],
        } for r in rows
            if (r["company_id"], r["user_id"]) not in existing and r["user_id"] in factoring.ids]
        alerts = self.sudo().create(vals_list)
        for alert in alerts:
            alert._factoring_notify_managers()
        return alerts

    def _factoring_notify_managers(self):
        self.ensure_one()
        summary = self.env._(
            "%(person)s logged %(count)s entries in the week of %(week)s: %(ratio).0f%% of "
            "their first weeks' average (%(baseline).1f per week)",
            person=self.user_id.name, count=self.week_count,
            week=fields.Date.to_string(self.week), ratio=self.ratio,
            baseline=self.baseline_weekly)
        managers = self.company_id._factoring_adoption_managers() - self.user_id
        for manager in managers:
            self.activity_schedule(
                "mail.mail_activity_data_todo", user_id=manager.id,
                summary=self.env._("Adoption drop: %s", self.user_id.name), note=summary)
        if not managers:
            self.message_post(body=summary)
