from odoo import fields, models
from odoo.tools import SQL

from .factoring_item_report import ITEM_FROM, ITEM_WHERE


class FactoringConcentrationReport(models.Model):
    """One row per company x client x debtor with open factored items: the
    debtor's share of the client's open items and of the whole portfolio.

    Concentration of debtor d in client c = c's open items on d / all c's open
    items. The Herfindahl index of a client is the sum of its debtors' squared
    shares: summing the ``herfindahl`` column over a client gives it (1 = a
    single debtor, close to 0 = many small ones). Only pairs whose open balance
    is positive count (a debtor in credit has no share)."""

    _name = "factoring.concentration.report"
    _inherit = ["factoring.read.only.report"]
    _description = "Factoring Debtor Concentration"
    _auto = False
    _order = "client_id, open_amount desc"

    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    client_id = fields.Many2one("res.partner", string="Client", readonly=True)
    debtor_id = fields.Many2one("res.partner", string="Debtor", readonly=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True)
    client_manager_id = fields.Many2one("res.users", string="Client Manager", readonly=True)
    sector_id = fields.Many2one("factoring.sector", string="Debtor Sector", readonly=True)
    item_count = fields.Integer(string="Open Items", readonly=True)
    open_amount = fields.Monetary(
        currency_field="company_currency_id", readonly=True,
        help="Open factored items of the client on the debtor, company currency.")
    client_open_amount = fields.Monetary(
        string="Client's Open Items", currency_field="company_currency_id",
        readonly=True, aggregator="max")
    share = fields.Float(
        string="Share of Client (%)", digits=(16, 2), readonly=True,
        help="The debtor's share of the client's open items.")
    portfolio_share = fields.Float(
        string="Share of Portfolio (%)", digits=(16, 2), readonly=True,
        help="The pair's share of the company's open factored items; grouped by "
        "debtor, the debtor's share of the portfolio.")
    herfindahl = fields.Float(
        digits=(16, 4), readonly=True,
        help="Squared share (0..1); summed per client it is the client's Herfindahl index.")

    _depends = {
        "account.move.line": [
            "company_id", "account_id", "partner_id", "factoring_client_id",
            "amount_residual", "reconciled", "parent_state",
        ],
        "res.partner": [
            "commercial_partner_id", "factoring_collector_id", "factoring_client_manager_id",
            "factoring_sector_id",
        ],
    }

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT p.*,
                   p.open_amount / p.client_open_amount * 100 AS share,
                   p.open_amount / SUM(p.open_amount) OVER (PARTITION BY p.company_id) * 100
                       AS portfolio_share,
                   (p.open_amount / p.client_open_amount) ^ 2 AS herfindahl
              FROM (
                SELECT q.*, SUM(q.open_amount) OVER (PARTITION BY q.company_id, q.client_id)
                           AS client_open_amount
                  FROM (
                    SELECT MIN(l.id) AS id,
                           l.company_id AS company_id,
                           MIN(l.company_currency_id) AS company_currency_id,
                           l.factoring_client_id AS client_id,
                           d.id AS debtor_id,
                           MIN(d.factoring_collector_id) AS collector_id,
                           MIN(c.factoring_client_manager_id) AS client_manager_id,
                           MIN(d.factoring_sector_id) AS sector_id,
                           COUNT(*) AS item_count,
                           SUM(l.amount_residual) AS open_amount
                      FROM %(from_)s
                     WHERE %(where)s
                       AND NOT l.reconciled
                       AND l.factoring_client_id IS NOT NULL
                     GROUP BY l.company_id, l.factoring_client_id, d.id
                    HAVING SUM(l.amount_residual) > 0
                  ) q
              ) p
            """,
            from_=ITEM_FROM, where=ITEM_WHERE,
        )
