"""Every entry of each addon's .pot has a Turkish translation in its tr.po
(scripts/check_translations.py, also run by `make lint`), and the check itself
catches what it must catch."""
import os
import shutil
import tempfile

from po_files import ADDONS, check_translations


def test_every_pot_entry_has_a_turkish_translation():
    addons = check_translations.addons_of(ADDONS)
    assert addons, "no addon found"
    problems = []
    for addon in addons:
        found, _missing = check_translations.check_addon(ADDONS, addon, "tr")
        problems += found
    assert not problems, (
        "Turkish translations incomplete (fill them: python3 scripts/check_translations.py "
        "--missing):\n" + "\n".join(problems))


def _copy_addon(tmp, addon="factoring_limits"):
    """A copy of one addon's i18n folder (and manifest) to break."""
    src = os.path.join(ADDONS, addon)
    dst = os.path.join(tmp, addon)
    os.makedirs(os.path.join(dst, "i18n"))
    shutil.copy(os.path.join(src, "__manifest__.py"), dst)
    for name in (f"{addon}.pot", "tr.po"):
        shutil.copy(os.path.join(src, "i18n", name), os.path.join(dst, "i18n", name))
    return os.path.join(dst, "i18n", "tr.po")


def _edit(path, old, new):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert old in text, old
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))


def _entry(po_path, predicate):
    _header, entries = check_translations.read_po(po_path)
    return next(e for e in entries if predicate(e))


def test_check_reports_untranslated_fuzzy_and_placeholder_mismatch():
    with tempfile.TemporaryDirectory() as tmp:
        po = _copy_addon(tmp)
        problems, missing = check_translations.check_addon(tmp, "factoring_limits", "tr")
        assert problems == [] and missing == []

        # a translation with a placeholder, one without, one more to flag fuzzy
        with_ph = _entry(po, lambda e: "%(limit)s" in e.msgid and "\n" not in e.msgstr)
        plain = _entry(po, lambda e: e.msgid == "Headroom")
        _edit(po, 'msgstr "%s"' % plain.msgstr, 'msgstr ""')
        _edit(po, with_ph.msgstr.split("%(limit)s")[0] + "%(limit)s",
              with_ph.msgstr.split("%(limit)s")[0] + "%(limt)s")
        fuzzy = _entry(po, lambda e: e.msgid == "Utilisation")
        _edit(po, 'msgid "Utilisation"', '#, fuzzy\nmsgid "Utilisation"')
        problems, missing = check_translations.check_addon(tmp, "factoring_limits", "tr")
        text = "\n".join(problems)
        assert "untranslated 'Headroom'" in text
        assert "fuzzy 'Utilisation'" in text
        assert "placeholders differ" in text and "%(limit)s" in text and "%(limt)s" in text
        assert {e.msgid for e in missing} == {"Headroom", fuzzy.msgid}
        assert check_translations.main(["--addons-dir", tmp]) == 1


def test_missing_prints_a_po_fragment_to_fill():
    with tempfile.TemporaryDirectory() as tmp:
        po = _copy_addon(tmp)
        # a new string in the .pot that tr.po does not have yet
        with open(os.path.join(tmp, "factoring_limits", "i18n", "factoring_limits.pot"),
                  "a", encoding="utf-8") as f:
            f.write('\n#. module: factoring_limits\n#: code:addons/factoring_limits/models/x.py:0\n'
                    'msgid "A brand new \\"quoted\\" string"\nmsgstr ""\n')
        problems, missing = check_translations.check_addon(tmp, "factoring_limits", "tr")
        assert [e.msgid for e in missing] == ['A brand new "quoted" string']
        assert any("(no entry)" in p for p in problems)
        fragment = check_translations.fragment(missing)
        assert fragment.splitlines() == [
            "#. module: factoring_limits",
            "#: code:addons/factoring_limits/models/x.py:0",
            'msgid "A brand new \\"quoted\\" string"',
            'msgstr ""',
        ]
        # filled and appended, the fragment completes the translation
        with open(po, "a", encoding="utf-8") as f:
            f.write("\n" + fragment.replace('msgstr ""', 'msgstr "Yepyeni \\"tırnaklı\\" bir metin"'))
        assert check_translations.check_addon(tmp, "factoring_limits", "tr") == ([], [])


def test_stale_and_obsolete_entries_are_reported():
    with tempfile.TemporaryDirectory() as tmp:
        po = _copy_addon(tmp)
        with open(po, "a", encoding="utf-8") as f:
            f.write('\nmsgid "Gone from the pot"\nmsgstr "Artık yok"\n'
                    '\n#~ msgid "Long gone"\n#~ msgstr "Çoktan gitti"\n')
        problems, _missing = check_translations.check_addon(tmp, "factoring_limits", "tr")
        text = "\n".join(problems)
        assert "stale entry" in text and "Gone from the pot" in text
        assert "obsolete entry" in text and "Long gone" in text


def test_sync_keeps_translations_adds_new_entries_and_drops_stale_ones():
    with tempfile.TemporaryDirectory() as tmp:
        po = _copy_addon(tmp)
        pot = os.path.join(tmp, "factoring_limits", "i18n", "factoring_limits.pot")
        _header, before = check_translations.read_po(po)
        # a string gone from the code, and a new one
        _edit(pot, 'msgid "Headroom"\nmsgstr ""', 'msgid "Spare room"\nmsgstr ""')
        kept, added, dropped = check_translations.sync_addon(tmp, "factoring_limits", "tr")
        assert (kept, added, dropped) == (len(before) - 1, 1, 1)
        problems, missing = check_translations.check_addon(tmp, "factoring_limits", "tr")
        assert [e.msgid for e in missing] == ["Spare room"]
        assert len(problems) == 1 and "untranslated 'Spare room'" in problems[0]
        header, after = check_translations.read_po(po)
        assert "Language: tr" in header.msgstr and "Plural-Forms: nplurals=2" in header.msgstr
        old = {e.msgid: e.msgstr for e in before}
        assert all(e.msgstr == old[e.msgid] for e in after if e.msgid != "Spare room")
