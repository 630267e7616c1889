#!/usr/bin/env python3
"""Check that every addon's translation is complete: each entry of
addons/<addon>/i18n/<addon>.pot has a translation in addons/<addon>/i18n/<lang>.po.

    python3 scripts/check_translations.py [--lang tr] [--addons-dir addons] [ADDON ...]
    python3 scripts/check_translations.py --missing [ADDON ...]

Without --missing it prints one line per problem and exits 1 when there is any:

- the addon has no <addon>.pot or no <lang>.po, or the .po header does not
  name the language (``Language: tr``) or its plural forms;
- a .pot entry is missing from the .po, or its msgstr is empty ("untranslated");
- a .po entry is fuzzy, obsolete (``#~``) or no longer in the .pot ("stale");
- a translation does not keep the source's placeholders: Python's ``%s``,
  ``%(name)s``, ``%%``, format fields ``{name}``/``{{ expr }}``, and the
  markup's elements and QWeb attributes (``<t t-out="..."/>``, ``<span
  class="...">``): the same ones, as many times (order may change).

With --missing it prints, for each addon, the .pot entries that lack a
translation as a ready-to-fill .po fragment (the .pot's comments, msgid and an
empty msgstr) under a ``# ===== addons/<addon>/i18n/<lang>.po`` line: fill the
msgstr and append the entries to that file. Exit status 0.

With --sync it rewrites each <lang>.po from the current .pot, as msgmerge would:
the .pot's entries in its order with their comments, the existing translations
(and fuzzy flags) kept, new entries with an empty msgstr (to fill; the check
fails until then), entries gone from the .pot dropped. Then fill the empty
msgstr (--missing lists them). --sync needs polib (in Odoo's virtualenv:
``.venv/bin/python scripts/check_translations.py --sync``).

The check itself needs only Python 3 (its own small .po reader; no polib, no Odoo).
"""

import argparse
import os
import re
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------- .po reader


class Entry:
    """One .po entry: msgctxt, msgid, msgstr, comment lines, flags, obsolete."""

    def __init__(self):
        self.msgctxt = None
        self.msgid = ""
        self.msgid_plural = None
        self.msgstr = ""
        self.msgstr_plural = {}
        self.comments = []  # the "#..." lines before the entry, as read
        self.flags = set()
        self.obsolete = False
        self.line = 0

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    @property
    def translated(self):
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    @property
    def translations(self):
        if self.msgid_plural is not None:
            return list(self.msgstr_plural.values())
        return [self.msgstr]


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text, path, lineno):
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{path}:{lineno}: expected a quoted string, got {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text[1:-1])


class _PoReader:
    """Reads a .po/.pot file line by line into Entry objects."""

    KEYWORD = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*)$')

    def __init__(self, path):
        self.path = path
        self.entries = []
        self.cur = Entry()
        self.field = None  # ("msgid",), ("msgstr",), ("msgstr_plural", n)...
        self.seen_keyword = False

    def flush(self):
        if self.seen_keyword:
            self.entries.append(self.cur)
        self.cur, self.field, self.seen_keyword = Entry(), None, False

    def comment(self, line):
        if self.seen_keyword:
            self.flush()
        self.cur.comments.append(line)
        if line.startswith("#,"):
            self.cur.flags.update(f.strip() for f in line[2:].split(",") if f.strip())

    def keyword(self, match, lineno, obsolete):
        keyword, index, rest = match.groups()
        in_msgstr = self.field and self.field[0].startswith("msgstr")
        if keyword in ("msgctxt", "msgid") and self.seen_keyword and in_msgstr:
            self.flush()
        self.cur.obsolete = self.cur.obsolete or obsolete
        if not self.seen_keyword:
            self.cur.line = lineno
        self.seen_keyword = True
        value = _unquote(rest, self.path, lineno)
        if keyword == "msgstr" and index is not None:
            self.field = ("msgstr_plural", int(index))
            self.cur.msgstr_plural[int(index)] = value
        else:
            self.field = (keyword,)
            setattr(self.cur, keyword, value)

    def continuation(self, line, lineno):
        value = _unquote(line, self.path, lineno)
        if self.field[0] == "msgstr_plural":
            self.cur.msgstr_plural[self.field[1]] += value
        else:
            setattr(self.cur, self.field[0], (getattr(self.cur, self.field[0]) or "") + value)

    def feed(self, raw, lineno):
        line = raw.rstrip("\n")
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].lstrip()
        if not line.strip():
            self.flush()
        elif line.startswith("#") and not obsolete:
            self.comment(line)
        elif match := self.KEYWORD.match(line):
            self.keyword(match, lineno, obsolete)
        elif line.lstrip().startswith('"') and self.field:
            self.continuation(line, lineno)
        else:
            raise ValueError(f"{self.path}:{lineno}: cannot read {raw!r}")


def read_po(path):
    """Return (header Entry or None, [Entry]) of a .po/.pot file."""
    reader = _PoReader(path)
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            reader.feed(raw, lineno)
    reader.flush()
    entries = reader.entries
    header = None
    if entries and entries[0].msgid == "" and entries[0].msgctxt is None:
        header = entries.pop(0)
    return header, entries


def quote_po(text, prefix):
    """A keyword and its string as .po lines (wrapped at newlines)."""
    def esc(s):
        return s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    parts = text.split("\n")
    chunks = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    if len(chunks) <= 1 and len(text) < 70:
        return [f'{prefix} "{esc(text).replace(chr(10), chr(92) + "n")}"']
    lines = [f'{prefix} ""']
    lines += [f'"{esc(c).replace(chr(10), chr(92) + "n")}"' for c in chunks]
    return lines


# ---------------------------------------------------------------- checks

_PY_FORMAT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
_BRACES = re.compile(r"\{\{.*?\}\}|\{[A-Za-z_][\w.]*\}|\{\d*\}")
_TAG = re.compile(r"<(/?)([A-Za-z][\w:.-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'))?)*)\s*(/?)>")
_ATTR = re.compile(r"([^\s=/>]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'))?")
# attributes whose value is text for the reader, which a translation changes
_TEXT_ATTRS = {"title", "alt", "placeholder", "aria-label", "string", "help", "confirm", "label"}


def placeholders(text):
    """The placeholders a translation must keep, as a Counter."""
    found = Counter()
    found.update("py:" + p for p in _PY_FORMAT.findall(text))
    found.update("fmt:" + p for p in _BRACES.findall(text))
    for closing, name, attrs, selfclosing in _TAG.findall(text):
        kept = sorted(f"{a}={v}" for a, v in _ATTR.findall(attrs) if a.lower() not in _TEXT_ATTRS)
        found["tag:<" + closing + name + (" " + " ".join(kept) if kept else "") + selfclosing + ">"] += 1
    return found


def _describe(counter):
    return ", ".join(f"{k.split(':', 1)[1]}" + (f" x{n}" if n > 1 else "") for k, n in sorted(counter.items()))


def addons_of(addons_dir, names=None):
    found = sorted(d for d in os.listdir(addons_dir)
                   if os.path.isfile(os.path.join(addons_dir, d, "__manifest__.py")))
    if names:
        unknown = sorted(set(names) - set(found))
        if unknown:
            raise SystemExit(f"check_translations: no addon {', '.join(unknown)} in {addons_dir}")
        found = [d for d in found if d in names]
    return found


def check_addon(addons_dir, addon, lang):
    """Return (problems, missing): problem lines, and the .pot entries lacking a translation."""
    rel = os.path.relpath(os.path.join(addons_dir, addon, "i18n"), ROOT)
    pot_path = os.path.join(addons_dir, addon, "i18n", f"{addon}.pot")
    po_path = os.path.join(addons_dir, addon, "i18n", f"{lang}.po")
    if not os.path.isfile(pot_path):
        return [f"{rel}/{addon}.pot: missing (run `make pot`)"], []
    _pot_header, pot_entries = read_po(pot_path)
    pot_entries = [e for e in pot_entries if not e.obsolete]
    if not os.path.isfile(po_path):
        return [f"{rel}/{lang}.po: missing ({len(pot_entries)} entries to translate)"], pot_entries
    po_header, po_entries = read_po(po_path)
    problems, missing = [], []
    where = f"{rel}/{lang}.po"
    header = po_header.msgstr if po_header else ""
    if not re.search(rf"^Language: {re.escape(lang)}\s*$", header, re.M):
        problems.append(f"{where}: header has no 'Language: {lang}'")
    if not re.search(r"^Plural-Forms: nplurals=\d+; plural=.+;\s*$", header, re.M):
        problems.append(f"{where}: header has no 'Plural-Forms: nplurals=...; plural=...;'")
    translations = {}
    for e in po_entries:
        if e.obsolete:
            problems.append(f"{where}:{e.line}: obsolete entry (#~) {e.msgid[:60]!r}: delete it")
            continue
        if e.key in translations:
            problems.append(f"{where}:{e.line}: duplicate entry {e.msgid[:60]!r}")
        translations[e.key] = e
    pot_keys = set()
    for p in pot_entries:
        pot_keys.add(p.key)
        label = repr(p.msgid if len(p.msgid) <= 70 else p.msgid[:67] + "...")
        t = translations.get(p.key)
        if t is None or not t.translated:
            missing.append(p)
            problems.append(f"{where}: untranslated {label}" + ("" if t else " (no entry)"))
            continue
        if "fuzzy" in t.flags:
            missing.append(p)
            problems.append(f"{where}:{t.line}: fuzzy {label}: review it and remove the fuzzy flag")
            continue
        want = placeholders(p.msgid)
        for text in t.translations:
            got = placeholders(text)
            if got != want:
                lost, extra = want - got, got - want
                detail = "; ".join(filter(None, [lost and f"lost {_describe(lost)}",
                                                 extra and f"added {_describe(extra)}"]))
                problems.append(f"{where}:{t.line}: placeholders differ in {label}: {detail}")
    for key, t in translations.items():
        if key not in pot_keys:
            problems.append(f"{where}:{t.line}: stale entry (not in {addon}.pot) "
                            f"{t.msgid[:60]!r}: delete it")
    return problems, missing


def fragment(entries):
    out = []
    for e in entries:
        out += [c for c in e.comments if not c.startswith("#,")]
        flags = sorted(e.flags - {"fuzzy"})
        if flags:
            out.append("#, " + ", ".join(flags))
        if e.msgctxt is not None:
            out += quote_po(e.msgctxt, "msgctxt")
        out += quote_po(e.msgid, "msgid")
        if e.msgid_plural is not None:
            out += quote_po(e.msgid_plural, "msgid_plural")
            out += ['msgstr[0] ""', 'msgstr[1] ""']
        else:
            out.append('msgstr ""')
        out.append("")
    return "\n".join(out)


def sync_addon(addons_dir, addon, lang):
    """Rewrite <lang>.po from the .pot, keeping its translations; return
    (kept, added, dropped) entry counts."""
    import polib  # noqa: PLC0415 (only --sync needs it)

    i18n = os.path.join(addons_dir, addon, "i18n")
    pot = polib.pofile(os.path.join(i18n, f"{addon}.pot"), wrapwidth=78)
    po_path = os.path.join(i18n, f"{lang}.po")
    old = polib.pofile(po_path, wrapwidth=78) if os.path.isfile(po_path) else polib.POFile()
    existing = {(e.msgctxt, e.msgid): e for e in old if not e.obsolete}
    new = polib.POFile(wrapwidth=78)
    new.header = pot.header
    metadata = dict(pot.metadata)
    metadata.update({k: v for k, v in old.metadata.items()
                     if k in ("Last-Translator", "Language-Team", "Language", "Plural-Forms")})
    metadata.setdefault("Language", lang)
    if not re.match(r"nplurals=\d+", metadata.get("Plural-Forms") or ""):
        metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
    new.metadata = metadata
    kept = added = 0
    for entry in pot:
        if entry.obsolete:
            continue
        before = existing.pop((entry.msgctxt, entry.msgid), None)
        copy = polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt, comment=entry.comment,
                             tcomment=entry.tcomment, occurrences=entry.occurrences,
                             flags=[f for f in entry.flags if f != "fuzzy"],
                             msgid_plural=entry.msgid_plural)
        if before is not None and (before.msgstr or before.msgstr_plural):
            copy.msgstr = before.msgstr
            copy.msgstr_plural = dict(before.msgstr_plural)
            if "fuzzy" in before.flags:
                copy.flags.append("fuzzy")
            kept += 1
        else:
            added += 1
        new.append(copy)
    new.save(po_path)
    return kept, added, len(existing)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("addons", nargs="*", help="addons to check (default: every addon)")
    parser.add_argument("--lang", default="tr", help="language of the .po files (default: tr)")
    parser.add_argument("--addons-dir", default=os.path.join(ROOT, "addons"))
    parser.add_argument("--missing", action="store_true",
                        help="print the untranslated .pot entries as a .po fragment to fill")
    parser.add_argument("--sync", action="store_true",
                        help="rewrite each .po from its .pot, keeping the translations (needs polib)")
    args = parser.parse_args(argv)
    total_problems = 0
    if args.sync:
        for addon in addons_of(args.addons_dir, args.addons):
            kept, added, dropped = sync_addon(args.addons_dir, addon, args.lang)
            print(f"addons/{addon}/i18n/{args.lang}.po: {kept} translations kept, "
                  f"{added} new entries to translate, {dropped} entries no longer in the .pot dropped")
        return 0
    for addon in addons_of(args.addons_dir, args.addons):
        problems, missing = check_addon(args.addons_dir, addon, args.lang)
        if args.missing:
            if missing:
                print(f"# ===== addons/{addon}/i18n/{args.lang}.po: {len(missing)} entries to translate\n")
                print(fragment(missing))
            continue
        for line in problems:
            print(line)
        total_problems += len(problems)
    if args.missing:
        return 0
    if total_problems:
        print(f"check_translations: {total_problems} problem(s) in the '{args.lang}' translations "
              f"(list the untranslated entries as a .po fragment: "
              f"scripts/check_translations.py --missing)", file=sys.stderr)
        return 1
    print(f"check_translations: every .pot entry has a '{args.lang}' translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
