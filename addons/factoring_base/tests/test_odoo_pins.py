"""Pins on the two Odoo internals factoring_base still leans on (besides
``_reconcile_post_hook``, pinned in test_fee_payment). Each test fails when
Odoo changes the behaviour our code relies on, so the next upgrade shows
where to look instead of silently slowing down or double-writing."""
import inspect

from odoo.tests import tagged

from odoo.addons.account.models.account_move_line import AccountMoveLine as CoreLine
from odoo.addons.analytic.models.analytic_distribution_model import (
    AccountAnalyticDistributionModel as CoreDistributionModel,
)

from ..models.factoring_schedule import FactoringSchedule
from .common import FactoringCommon


@tagged("post_install", "-at_install")
class TestOdooPins(FactoringCommon):
    def test_pin_analytic_create_domain_mutates_its_argument(self):
        """factoring_base overrides analytic's ``_create_domain`` only to hand it a
        copy of the partner category list, because Odoo 19 appends ``False`` to
        that list in place (and the list is part of a cache key). When Odoo
        stops mutating it, this fails: the override can then go."""
        self.assertEqual(list(inspect.signature(CoreDistributionModel._create_domain).parameters),
                         ["self", "fname", "value"])
        categories = [7]
        domain = CoreDistributionModel._create_domain(
            self.env["account.analytic.distribution.model"], "partner_category_id", categories)
        self.assertEqual(categories, [7, False], "Odoo no longer mutates the list: drop our override")
        self.assertEqual(domain, [("partner_category_id", "in", [7, False])])

    def test_our_create_domain_leaves_the_argument_alone(self):
        """Through the registry (our override first), the caller's list is
        untouched and the domain is the one Odoo builds."""
        categories = [7]
        domain = self.env["account.analytic.distribution.model"]._create_domain(
            "partner_category_id", categories)
        self.assertEqual(categories, [7])
        self.assertEqual(domain, [("partner_category_id", "in", [7, False])])

    def test_pin_skip_analytic_sync(self):
        """Funding creates its draft entry with the context key
        ``skip_analytic_sync``, which Odoo's analytic inverse on journal items
        reads to skip re-syncing (a write per invoice). Fails when Odoo renames
        the key or moves the check."""
        source = inspect.getsource(CoreLine._inverse_analytic_distribution)
        self.assertIn("self.env.context.get('skip_analytic_sync')", source)
        self.assertIn("skip_analytic_sync=True", inspect.getsource(FactoringSchedule.action_fund))
