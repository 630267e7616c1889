from datetime import timedelta

from lxml import etree

from odoo import Command

from odoo.addons.factoring_collections.models.dunning_template_upgrade import (
    OLD_BODIES,
    canonical,
    shipped_body,
    upgrade_dunning_template,
)

from .common import CollectionsCommon


def as_xml_import(body):
    """The body as Odoo's XML import stores a ``type="html"`` field."""
    field = etree.fromstring('<field name="body_html" type="html">%s</field>' % body)
    return "".join(etree.tostring(node, method="html", encoding="unicode") for node in field)


class TestDunningTemplateUpgrade(CollectionsCommon):
    """migrations/19.0.1.1.0: the noupdate dunning template gets the new body
    when it still has a body shipped before, and keeps a customised one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref("factoring_collections.mail_template_dunning")

    def body(self):
        self.template.invalidate_recordset(["body_html"])
        return self.template.with_context(lang="en_US").body_html

    def test_current_body_is_the_shipped_one(self):
        self.assertEqual(canonical(self.body()), canonical(shipped_body()))
        self.assertIn("object.email_items_html", self.body())
        self.assertFalse(upgrade_dunning_template(self.env))

    def test_old_bodies_are_replaced(self):
        for old in OLD_BODIES:
            for stored in (old, as_xml_import(old)):
                with self.subTest(body=old[120:170], stored=stored is old):
                    self.template.body_html = stored
                    # the old bodies had no translation (a Turkish database showed the
                    # English body): drop the translations of the current one
                    self.template.update_field_translations("body_html", {
                        lang: False for lang, _name in self.env["res.lang"].get_installed()
                        if lang != "en_US"})
                    self.assertNotIn("object.email_items_html", self.body())
                    self.assertTrue(upgrade_dunning_template(self.env))
                    self.assertEqual(canonical(self.body()), canonical(shipped_body()))

    def test_customised_body_is_kept(self):
        custom = OLD_BODIES[1].replace("without delay", "within eight days")
        self.template.body_html = custom
        before = self.body()
        self.assertFalse(upgrade_dunning_template(self.env))
        self.assertEqual(self.body(), before)

    def test_old_body_still_renders(self):
        """A database that kept a customised old body still sends its e-mails."""
        self.template.body_html = OLD_BODIES[0].replace("Dear", "Hello")
        policy = self.env["factoring.dunning.policy"].create({
            "name": "Old body", "company_id": self.company.id,
            "level_ids": [Command.create({"name": "Reminder", "days": 1, "channel_email": True,
                                          "mail_template_id": self.template.id})]})
        self.company.factoring_dunning_policy_id = policy
        item = self.make_invoice(self.debtor_a, 1234.0, self.today - timedelta(days=3))
        run = self.env["factoring.dunning.run"]._run(self.company, self.today)
        mail = self.env["mail.mail"].search([("model", "=", "factoring.dunning.communication"),
                                             ("res_id", "in", run.communication_ids.ids)])
        self.assertEqual(len(mail), 1)
        self.assertIn("Hello", mail.body_html)
        self.assertIn(item.move_id.name, mail.body_html)
        self.assertIn("1,234.00", mail.body_html)
