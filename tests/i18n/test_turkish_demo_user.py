"""The demo speaks Turkish: its company's language is Turkish, and the demo
collector ``collector2`` (password ``collector2``) works in Turkish. This test
logs in as that user over HTTP, as the web client does, and reads the menus,
the fields of the factoring screens and the debtor statement: each text of ours
is the one of the addons' ``tr.po``, so a missing or unloaded translation fails.
"""
import json
import os

from po_files import ADDONS, check_translations

from odoo.fields import Domain
from odoo.tests import HttpCase, tagged

OUR_MODULES = tuple(check_translations.addons_of(ADDONS))
LOGIN = "collector2"
# the screens a collector works in, and the models the menus and fields come from
COLLECTOR_MODELS = ("factoring.promise", "factoring.collection.call", "factoring.worklist",
                    "factoring.dispute", "factoring.schedule")


def turkish_catalogue():
    """English source -> its Turkish translations (one per addon that has it), from
    every addon's tr.po."""
    catalogue = {}
    for addon in OUR_MODULES:
        _header, entries = check_translations.read_po(os.path.join(ADDONS, addon, "i18n", "tr.po"))
        for entry in entries:
            if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags:
                catalogue.setdefault(entry.msgid, set()).add(entry.msgstr)
    return catalogue


@tagged("post_install", "-at_install")
class TestTurkishDemoUser(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.catalogue = turkish_catalogue()
        cls.user = cls.env.ref("factoring_base.user_collector_2", raise_if_not_found=False)

    def setUp(self):
        super().setUp()
        if not self.user:
            self.fail(f"The demo user {LOGIN} is not installed in database {self.env.cr.dbname!r}: "
                      "install factoring_base with --with-demo, as `make test` does.")
        self.session = self.authenticate(LOGIN, LOGIN)

    def _tr(self, english):
        """The Turkish translations of an English text of ours."""
        self.assertTrue(english in self.catalogue,
                        f"{english!r} is not in any tr.po (make pot, then translate it: "
                        "scripts/check_translations.py --missing)")
        return self.catalogue[english]

    def test_demo_company_and_user_speak_turkish(self):
        self.assertEqual(self.user.login, LOGIN)
        self.assertEqual(self.user.lang, "tr_TR")
        self.assertEqual(self.env.ref("base.main_company").partner_id.lang, "tr_TR")
        self.assertIn("tr_TR", dict(self.env["res.lang"].get_installed()))
        # the web session of the logged-in user is in Turkish
        self.assertEqual(self.session.context.get("lang"), "tr_TR")

    def test_menus_in_turkish(self):
        response = self.url_open("/web/webclient/load_menus")
        self.assertEqual(response.status_code, 200)
        menus = {key: menu for key, menu in json.loads(response.text).items() if key != "root"}
        ours = {int(key): menu for key, menu in menus.items()
                if menu["xmlid"].split(".")[0] in OUR_MODULES}
        english = {m.id: m.name for m in self.env["ir.ui.menu"].with_context(lang="en_US").browse(ours)}
        # the collector sees the factoring app and its collections screens
        self.assertIn("factoring_base.menu_factoring_root", {m["xmlid"] for m in ours.values()})
        self.assertIn("factoring_collections.menu_factoring_worklist",
                      {m["xmlid"] for m in ours.values()})
        self.assertGreaterEqual(len(ours), 8, "the collector sees few factoring menus")
        wrong = {english[menu_id]: menu["name"] for menu_id, menu in ours.items()
                 if menu["name"] not in self._tr(english[menu_id])}
        self.assertFalse(wrong, f"menus not in Turkish (English: shown): {wrong}")
        self.assertEqual(ours[self.env.ref("factoring_base.menu_factoring_root").id]["name"],
                         "Faktoring")
        translated = [menu_id for menu_id, menu in ours.items() if menu["name"] != english[menu_id]]
        self.assertGreater(len(translated), len(ours) // 2)

    def _fields_get(self, model):
        """fields_get as the web client calls it: with the user's context of the session."""
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/fields_get", {
            "model": model, "method": "fields_get", "args": [],
            "kwargs": {"attributes": ["string", "selection"], "context": dict(self.session.context)}})

    def test_field_labels_in_turkish(self):
        # selection values of our addons (a mixin's, such as mail's activity state,
        # belong to that module and come with its own translation)
        data = self.env["ir.model.data"].search([
            ("model", "=", "ir.model.fields.selection"), ("module", "in", OUR_MODULES)])
        our_values = {(s.field_id.model, s.field_id.name, s.value)
                      for s in self.env["ir.model.fields.selection"].browse(data.mapped("res_id"))}
        checked = 0
        for model in COLLECTOR_MODELS:
            turkish = self._fields_get(model)
            english = self.env[model].with_user(self.user).with_context(lang="en_US").fields_get(
                attributes=["string", "selection"])
            self.assertEqual(set(turkish), set(english), model)
            for name, field in english.items():
                label = field["string"]
                self.assertIn(turkish[name]["string"], self._tr(label), f"{model}.{name}")
                checked += 1
                for (value, label_en), (value_tr, label_tr) in zip(
                        field.get("selection") or [], turkish[name].get("selection") or [], strict=True):
                    self.assertEqual(value, value_tr)
                    if (model, name, value) in our_values:
                        self.assertIn(label_tr, self._tr(label_en), f"{model}.{name}={value}")
                        checked += 1
        self.assertGreater(checked, 50)
        # the factoring fields on the debtor's form (res.partner, of our addons)
        turkish = self._fields_get("res.partner")
        ours = [name for name in turkish if name.startswith(("factoring_", "is_factoring_"))]
        self.assertGreater(len(ours), 10)
        english = self.env["res.partner"].with_context(lang="en_US").fields_get(ours, ["string"])
        for name in ours:
            self.assertIn(turkish[name]["string"], self._tr(english[name]["string"]), name)
        self.assertEqual(self._fields_get("factoring.promise")["debtor_id"]["string"], "Borçlu")

    def test_debtor_statement_in_turkish(self):
        Line = self.env["account.move.line"]
        debtor = Line.search(Line._factoring_open_items_domain() & Domain(
            "partner_id.factoring_collector_id", "=", self.user.id), limit=1).partner_id
        self.assertTrue(debtor, f"{LOGIN} collects no debtor with open items in the demo")
        response = self.url_open(
            f"/report/html/factoring_collections.report_debtor_statement/{debtor.id}")
        self.assertEqual(response.status_code, 200)
        html = response.text
        for english in ("Statement of account", "Invoice date", "Days past due", "Open amount",
                        "Aging", "Not due", "Over 120"):
            self.assertTrue(any(text in html for text in self._tr(english)), english)
            self.assertNotIn(english, html)
        self.assertIn(debtor.name, html)
