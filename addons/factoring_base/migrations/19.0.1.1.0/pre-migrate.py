"""19.0.1.1.0: holds have effects by source. Existing holds get theirs (a
promise to pay stops dunning only; a dispute or a manual hold, as before, both
stop dunning and make the item ineligible) and the journal items get their
"held from dunning" and "held from funding" flags, in SQL rather than by
computing every journal item."""

from odoo.tools import SQL, sql

from odoo.addons.factoring_base.hooks import create_hold_columns


def migrate(cr, version):
    if not version:
        return
    if sql.column_exists(cr, "factoring_item_hold", "stops_dunning"):
        return
    for column in ("stops_dunning", "makes_ineligible"):
        sql.create_column(cr, "factoring_item_hold", column, "boolean")
    cr.execute(SQL(
        """
        UPDATE factoring_item_hold
           SET stops_dunning = TRUE,
               makes_ineligible = source != 'promise'
        """))
    create_hold_columns(cr)
    cr.execute(SQL(
        """
        UPDATE account_move_line aml
           SET factoring_dunning_hold = h.dunning,
               factoring_ineligible_hold = h.ineligible
          FROM (SELECT move_line_id, BOOL_OR(stops_dunning) AS dunning,
                       BOOL_OR(makes_ineligible) AS ineligible
                  FROM factoring_item_hold
                 WHERE active
              GROUP BY move_line_id) h
         WHERE aml.id = h.move_line_id
        """))
