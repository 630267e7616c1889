from odoo.tests import tagged

from .common import FactoringCommon


@tagged("post_install", "-at_install")
class TestFeePayment(FactoringCommon):
    """What settles a factored item decides whether a discount fee is charged."""

    def test_cash_application_flag(self):
        """The contract field the cash-application wizard sets on its transfer
        entries: a Boolean on account.move, not copied with the entry."""
        field = self.env["account.move"]._fields["factoring_cash_application"]
        self.assertEqual(field.type, "boolean")
        self.assertFalse(field.copy)
        journal = self.company.factoring_journal_id
        move = self.env["account.move"].create({
            "move_type": "entry", "journal_id": journal.id,
            "factoring_cash_application": True,
        })
        self.assertTrue(move.factoring_cash_application)
        self.assertFalse(move.copy().factoring_cash_application)
