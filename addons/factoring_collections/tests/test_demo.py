from odoo.tests import TransactionCase


class TestCollectionsDemo(TransactionCase):
    """The demo story: each demo collector has a worklist with reasons,
    promises in every state, a run history and an escalation."""

    def test_demo_collectors(self):
        if not self.env.ref("factoring_base.user_collector_1", raise_if_not_found=False):
            self.skipTest("no demo data")
        runs = self.env["factoring.dunning.run"].search([])
        self.assertGreaterEqual(len(runs), 2)
        self.assertTrue(sum(runs.mapped("communication_count")))
        for xmlid in ("factoring_base.user_collector_1", "factoring_base.user_collector_2"):
            user = self.env.ref(xmlid)
            with self.subTest(collector=user.login):
                rows = self.env["factoring.worklist"].with_user(user).search(
                    [("overdue_amount", ">", 0)])
                self.assertTrue(rows)
                self.assertTrue(all(row.reason and "overdue" in row.reason for row in rows))
                states = set(self.env["factoring.promise"].with_user(user).search(
                    []).mapped("state"))
                self.assertEqual(states, {"pending", "kept", "partial", "broken"})
                self.assertTrue(self.env["factoring.escalation.log"].with_user(user).search(
                    [("from_user_id", "=", user.id)]))
                self.assertTrue(self.env["factoring.dunning.communication"].with_user(
                    user).search([]))
