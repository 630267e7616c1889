import threading

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from .common import ThreadedTestMixin


@tagged("post_install", "-at_install")
class TestReserveReleaseConcurrency(ThreadedTestMixin, BaseCase):
    """Two releases of one client's reserve at once, in two real transactions
    that commit: the reserve is paid once. Runs on the demo data's main company
    (a client whose paid invoices left releasable reserve) and removes the
    payments it made. Two journals, so that Odoo's entry numbering does not
    serialise the two; the loser fails on the client's row (written first by
    the release) or on the current-account lines both would match."""

    @mute_logger("odoo.sql_db", "odoo.service.model")  # the loser's refused query
    def test_two_releases_pay_once(self):
        registry = Registry(get_db_name())
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            env = env(context={"allowed_company_ids": company.ids})
            clients = env["res.partner"].search([("is_factoring_client", "=", True)])
            client = clients.filtered(lambda p: p.factoring_reserve_releasable > 0)[:1]
            self.assertTrue(client, "the demo leaves a client with releasable reserve")
            client_id, amount = client.id, client.factoring_reserve_releasable
            # one release from the bank, the other from the cash journal: two
            # journals, so Odoo's own entry numbering does not serialise them
            journals = env["account.journal"].search([
                ("type", "in", ("bank", "cash")), ("company_id", "=", company.id)], limit=2)
            created_journal_id = False
            if len(journals) < 2:
                created_journal_id = env["account.journal"].create({
                    "name": "Reserve release test bank", "code": "TRRB", "type": "bank",
                    "company_id": company.id}).id
                journals |= env["account.journal"].browse(created_journal_id)
            journal_ids = journals.ids
            cr.commit()  # pylint: disable=invalid-commit
        barrier = threading.Barrier(2)
        outcomes = []

        def release(journal_id):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": company.ids})
                partner = env["res.partner"].browse(client_id)
                partner.read(["name"])  # the snapshot is taken before the other commits
                barrier.wait()
                try:
                    payment = partner._factoring_release_reserve(
                        env["account.journal"].browse(journal_id), fields.Date.today())
                    cr.commit()  # pylint: disable=invalid-commit
                    outcomes.append(("paid", payment.id))
                except Exception as exc:  # noqa: BLE001 - the loser's error is the point
                    cr.rollback()
                    outcomes.append(("refused", type(exc).__name__))

        threads = [threading.Thread(target=release, args=(journal_id,))
                   for journal_id in journal_ids]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            paid = [o for o in outcomes if o[0] == "paid"]
            self.assertEqual(len(outcomes), 2, outcomes)
            self.assertEqual(len(paid), 1, outcomes)
            self.assertIn(outcomes[1 - outcomes.index(paid[0])][1],
                          ("SerializationFailure", "UserError"), outcomes)
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": company.ids})
                payment = env["account.payment"].browse(paid[0][1])
                self.assertAlmostEqual(payment.amount, amount)
                client = env["res.partner"].browse(client_id)
                self.assertEqual(client.factoring_reserve_releasable, 0.0)
        finally:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": company.ids})
                payments = env["account.payment"].browse([o[1] for o in outcomes if o[0] == "paid"])
                for payment in payments.exists():
                    payment.action_draft()
                    payment.move_id.line_ids.remove_move_reconcile()
                    payment.unlink()
                if created_journal_id:
                    env["account.journal"].browse(created_journal_id).unlink()
                cr.commit()  # pylint: disable=invalid-commit
