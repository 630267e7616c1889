from odoo import api, fields, models
from odoo.tools import SQL

KINDS = [
    ("note", "Note"),
    ("call", "Call"),
    ("meeting", "Meeting"),
    ("activity", "Activity Done"),
]
SOURCES = [
    ("interaction", "Interaction Log"),
    ("activity", "Done Activity"),
    ("call_note", "Call Note"),
]


class FactoringAdoptionReport(models.Model):
    """One row per piece of logged work: a note of the interaction log
    (meeting, call, visit, e-mail, other), an activity marked done (archived
    mail.activity; the meeting activities whose notes became an interaction are
    counted once, as the interaction), and the rows of a call-note model when
    one is installed (found by name, see _factoring_call_note_arms). Pivot and
    graph group them per person and per week."""

    _name = "factoring.adoption.report"
    _inherit = ["factoring.read.only.report"]
    _description = "Factoring Adoption"
    _auto = False
    _order = "date desc, id desc"

    user_id = fields.Many2one("res.users", string="Person", readonly=True)
    date = fields.Date(readonly=True)
    week = fields.Date(readonly=True, help="Monday of the week.")
    kind = fields.Selection(KINDS, readonly=True)
    source = fields.Selection(SOURCES, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client / Debtor", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    entry_count = fields.Integer(string="Entries", readonly=True, aggregator="sum")

    _depends = {
        "factoring.interaction": ["user_id", "date", "interaction_type", "partner_id",
                                  "company_id", "activity_id"],
        "mail.activity": ["user_id", "date_done", "active", "activity_type_id",
                          "res_model", "res_id"],
    }

    @property
    def _table_query(self):
        return self._factoring_events_sql()

    @api.model
    def _factoring_events_sql(self):
        """Every piece of logged work: id, user_id, date, week, kind, source,
        partner_id (commercial partner), company_id, entry_count (1)."""
        arms = [
            SQL("""
                SELECT i.id::bigint * 4 + 1 AS id, i.user_id, i.date::date AS date,
                       CASE WHEN i.interaction_type IN ('meeting', 'visit') THEN 'meeting'
                            WHEN i.interaction_type = 'call' THEN 'call'
                            ELSE 'note' END AS kind,
                       'interaction' AS source,
                       COALESCE(p.commercial_partner_id, p.id) AS partner_id,
                       i.company_id
                  FROM factoring_interaction i
                  LEFT JOIN res_partner p ON p.id = i.partner_id
            """),
            # done activities are archived with their done date; the partner is
            # the record's (a partner or an opportunity's customer)
            SQL("""
                SELECT a.id::bigint * 4 + 2, a.user_id, a.date_done,
                       CASE WHEN t.category = 'phonecall' THEN 'call'
                            WHEN t.category = 'meeting' THEN 'meeting'
                            ELSE 'activity' END,
                       'activity',
                       COALESCE(p.commercial_partner_id, p.id),
                       COALESCE(p.company_id, u.company_id)
                  FROM mail_activity a
                  JOIN res_users u ON u.id = a.user_id
                  LEFT JOIN mail_activity_type t ON t.id = a.activity_type_id
                  LEFT JOIN crm_lead lead ON a.res_model = 'crm.lead' AND lead.id = a.res_id
                  LEFT JOIN res_partner p ON p.id = CASE
                        WHEN a.res_model = 'res.partner' THEN a.res_id
                        WHEN a.res_model = 'crm.lead' THEN lead.partner_id END
                 WHERE a.active IS NOT TRUE AND a.date_done IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM factoring_interaction fi
                                    WHERE fi.activity_id = a.id)
            """),
            *self._factoring_call_note_arms(),
        ]
        return SQL(
            """SELECT ev.*, date_trunc('week', ev.date)::date AS week, 1 AS entry_count
                 FROM (%s) ev WHERE ev.user_id IS NOT NULL AND ev.date IS NOT NULL""",
            SQL(" UNION ALL ").join(arms))

    @api.model
    def _factoring_call_note_arms(self):
        """Call notes of a collections addon, without depending on it: any
        stored model named factoring.*call* with a user, a date and a partner
        field contributes its rows as calls."""
        arms = []
        for name in sorted(self.env.registry.models):
            if not name.startswith("factoring.") or "call" not in name:
                continue
            model = self.env[name]
            if model._abstract or not model._auto or model._transient:
                continue
            fields_ = model._fields
            user = next((f for f in ("user_id", "collector_id") if f in fields_), None)
            day = next((f for f in ("date", "call_date", "create_date") if f in fields_), None)
            partner = next((f for f in ("debtor_id", "partner_id") if f in fields_), None)
            if not (user and day and partner):
                continue
            company = SQL.identifier("c", "company_id") if "company_id" in fields_ \
                else SQL("COALESCE(p.company_id, u.company_id)")
            arms.append(SQL(
                """SELECT c.id::bigint * 4 + 3, c.%(user)s, c.%(day)s::date, 'call',
                          'call_note', COALESCE(p.commercial_partner_id, p.id), %(company)s
                     FROM %(table)s c
                     JOIN res_users u ON u.id = c.%(user)s
                     LEFT JOIN res_partner p ON p.id = c.%(partner)s""",
                user=SQL.identifier(user), day=SQL.identifier(day),
                partner=SQL.identifier(partner), company=company,
                table=SQL.identifier(model._table)))
            break  # one call-note model: ids must stay unique
        return arms


class FactoringContactGapReport(models.Model):
    """Factoring clients and debtors with their last logged contact and the
    days since; 'without contact' when there is none for the company's number
    of days (context key factoring_no_contact_days overrides it)."""

    _name = "factoring.contact.gap.report"
    _inherit = ["factoring.read.only.report"]
    _description = "Factoring Clients and Debtors without Contact"
    _auto = False
    _order = "days_without_contact desc nulls first, id"

    partner_id = fields.Many2one("res.partner", string="Client / Debtor", readonly=True)
    is_factoring_client = fields.Boolean(string="Client", readonly=True)
    is_factoring_debtor = fields.Boolean(string="Debtor", readonly=True)
    client_manager_id = fields.Many2one("res.users", string="Client Manager", readonly=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    last_contact_date = fields.Date(readonly=True)
    last_contact_user_id = fields.Many2one("res.users", string="Last Contact By", readonly=True)
    days_without_contact = fields.Integer(
        readonly=True, aggregator="max", help="Empty: never contacted.")
    no_contact = fields.Boolean(string="Without Contact", readonly=True)

    _depends = {
        **FactoringAdoptionReport._depends,
        "res.partner": ["active", "parent_id", "is_factoring_client", "is_factoring_debtor",
                        "factoring_client_manager_id", "factoring_collector_id",
                        "company_id", "commercial_partner_id"],
    }

    @property
    def _table_query(self):
        days = self.env.context.get("factoring_no_contact_days") \
            or self.env.company.factoring_no_contact_days or 30
        today = self.env.company._factoring_today()
        events = self.env["factoring.adoption.report"]._factoring_events_sql()
        return SQL(
            """
            SELECT p.id, p.id AS partner_id, p.is_factoring_client, p.is_factoring_debtor,
                   p.factoring_client_manager_id AS client_manager_id,
                   p.factoring_collector_id AS collector_id, p.company_id,
                   last.date AS last_contact_date, last.user_id AS last_contact_user_id,
                   %(today)s::date - last.date AS days_without_contact,
                   (last.date IS NULL OR %(today)s::date - last.date >= %(days)s)
                       AS no_contact
              FROM res_partner p
              -- one pass over the logged work, the latest entry per partner
              LEFT JOIN (
                    SELECT DISTINCT ON (ev.partner_id) ev.partner_id, ev.date, ev.user_id
                      FROM (%(events)s) ev
                     WHERE ev.partner_id IS NOT NULL AND ev.date <= %(today)s
                     ORDER BY ev.partner_id, ev.date DESC, ev.id DESC) last
                ON last.partner_id = p.id
             WHERE p.active AND p.parent_id IS NULL
               AND (p.is_factoring_client OR p.is_factoring_debtor)
            """,
            today=today, days=days, events=events)
