from odoo.tools import SQL

from odoo.addons.factoring_reports.hooks import OLD_MAX_DATE_INDEX
from odoo.addons.factoring_reports.models.account_move_line import fill_reconcile_dates


def migrate(cr, version):
    """19.0.1.1.0: the aging and the KPIs read the lines' stored first and last
    reconciliation dates instead of the reconciliations' date index."""
    if not version:
        return
    fill_reconcile_dates(cr)
    cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(OLD_MAX_DATE_INDEX)))
