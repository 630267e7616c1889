import email
import email.policy
from datetime import timedelta
from email.message import EmailMessage

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DisputesCommon


@tagged("post_install", "-at_install")
class TestDisputeMailAndCron(DisputesCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ap_contact = cls.env["res.partner"].create({
            "name": "Claire Payables", "parent_id": cls.debtor_a.id,
            "email": "claire.payables@grand-magasin.example.com"})
        # the alias answers on a domain of its own: e-mails reach it through the
        # gateway's routing (recipient address -> alias -> model), not a forced model
        cls.alias_domain = cls.env["mail.alias.domain"].create({"name": "factor.example.com"})
        cls.alias = cls.env.ref("factoring_disputes.mail_alias_dispute")
        cls.alias.alias_domain_id = cls.alias_domain

    def make_email(self, sender, subject, body, message_id, in_reply_to=None,
                   attachment=None):
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = "disputes@factor.example.com"
        msg["Subject"] = subject
        msg["Message-ID"] = message_id
        if in_reply_to:
            msg["In-Reply-To"] = in_reply_to
            msg["References"] = in_reply_to
        msg.set_content(body)
        if attachment:
            msg.add_attachment(attachment[1], maintype="application", subtype="pdf",
                               filename=attachment[0])
        return msg.as_string()

    def process(self, raw):
        """The mail gateway as the fetchmail server calls it: no model given,
        the route comes from the recipient (the alias) or the thread replied to."""
        return self.env["mail.thread"].with_context(
            allowed_company_ids=self.company.ids).message_process(False, raw)

    def test_alias_exists(self):
        alias = self.env.ref("factoring_disputes.mail_alias_dispute")
        self.assertEqual(alias.alias_model_id.model, "factoring.dispute")
        self.assertEqual(alias.alias_name, "disputes")
        self.assertEqual(alias.alias_full_name, "disputes@factor.example.com")

    def test_gateway_routes_by_the_alias_address(self):
        raw = self.make_email(
            "claire.payables@grand-magasin.example.com", "Short delivery",
            "Pieces missing.", "<claim-route@grand-magasin.example.com>")
        message = email.message_from_string(raw, policy=email.policy.SMTP)
        Thread = self.env["mail.thread"]
        routes = Thread.message_route(message, Thread.message_parse(message))
        self.assertEqual([(route[0], route[1]) for route in routes],
                         [("factoring.dispute", False)], "a new dispute through the alias")
        self.assertEqual(routes[0][4], self.alias)
        # an address no alias answers on finds no route
        stray = raw.replace("disputes@factor.example.com", "nobody@factor.example.com")
        count = self.env["factoring.dispute"].search_count([])
        with self.assertRaises(ValueError), mute_logger("odoo.addons.mail.models.mail_thread"):
            self.process(stray)
        self.assertEqual(self.env["factoring.dispute"].search_count([]), count)

    def test_email_becomes_dispute_of_the_debtor(self):
        raw = self.make_email(
            "Claire Payables <Claire.Payables@grand-magasin.example.com>",
            "Invoice DSP-1: 20 pieces missing", "We received 180 pieces, not 200.",
            "<claim-1@grand-magasin.example.com>",
            attachment=("delivery-note.pdf", b"%PDF-1.4 delivery note"))
        dispute_id = self.process(raw)
        dispute = self.env["factoring.dispute"].browse(dispute_id)
        self.assertEqual(dispute.debtor_id, self.debtor_a, "sender matched by its contact")
        self.assertEqual(dispute.subject, "Invoice DSP-1: 20 pieces missing")
        self.assertEqual(dispute.reason_id, self.env.ref("factoring_disputes.reason_other"))
        self.assertEqual(dispute.user_id, self.users["collector"], "the debtor's collector")
        self.assertEqual(dispute.company_id, self.company)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "factoring.dispute"), ("res_id", "=", dispute.id)])
        self.assertEqual(attachments.mapped("name"), ["delivery-note.pdf"])
        first = dispute.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(first), 1)
        # the debtor replies on the thread: same dispute, no new one
        count = self.env["factoring.dispute"].search_count([])
        reply = self.make_email(
            "claire.payables@grand-magasin.example.com", "Re: Invoice DSP-1",
            "Photos attached.", "<claim-2@grand-magasin.example.com>",
            in_reply_to=first.message_id)
        self.assertEqual(self.process(reply), dispute.id)
        self.assertEqual(self.env["factoring.dispute"].search_count([]), count)
        self.assertEqual(len(dispute.message_ids.filtered(
            lambda m: m.message_type == "email")), 2)

    def test_unknown_sender_still_recorded(self):
        raw = self.make_email("someone@unknown.example.com", "Wrong invoice", "?",
                              "<claim-3@unknown.example.com>")
        dispute = self.env["factoring.dispute"].browse(self.process(raw))
        self.assertFalse(dispute.debtor_id)
        self.assertFalse(dispute.user_id, "no owner yet (not OdooBot)")
        self.assertIn("matches no debtor", " ".join(dispute.message_ids.mapped("body")))

    def test_deadline_reminder_then_escalation_idempotent(self):
        today = self.company._factoring_today()
        self.company.factoring_dispute_escalation_days = 5
        sla = self.reason.sla_days
        late = self.open_dispute([(self.item1, 100.0)],
                                 date_open=today - timedelta(days=sla + 10))
        recent = self.open_dispute([(self.item2, 100.0)],
                                   date_open=today - timedelta(days=sla + 2))
        on_time = self.open_dispute([(self.own, 100.0)], date_open=today)
        Dispute = self.env["factoring.dispute"]
        Dispute._cron_deadlines()
        collector, supervisor = self.users["collector"], self.users["supervisor"]
        for dispute in (late, recent):
            self.assertEqual(dispute.overdue_notified_date, today)
            self.assertIn(collector, dispute.activity_ids.user_id)
        self.assertEqual(late.escalated_date, today)
        self.assertIn(supervisor, late.activity_ids.user_id)
        self.assertIn(self.users["manager"], late.activity_ids.user_id,
                      "managers are collections supervisors too")
        self.assertFalse(recent.escalated_date)
        self.assertNotIn(supervisor, recent.activity_ids.user_id)
        self.assertFalse(on_time.activity_ids)
        self.assertFalse(on_time.overdue_notified_date)
        bodies = " ".join(late.message_ids.mapped("body"))
        self.assertIn("passed", bodies)
        self.assertIn("Escalated", bodies)
        counts = {d: len(d.activity_ids) for d in (late, recent)}
        messages = {d: len(d.message_ids) for d in (late, recent)}
        Dispute._cron_deadlines()
        for dispute in (late, recent):
            self.assertEqual(len(dispute.activity_ids), counts[dispute], "idempotent")
            self.assertEqual(len(dispute.message_ids), messages[dispute])
        # closing the dispute closes its activities
        late.with_user(collector).action_reject()
        self.assertFalse(late.activity_ids)
