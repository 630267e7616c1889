#!/usr/bin/env python3
"""Generate each addon's README.rst and static/description/index.html from its
readme/*.md fragments, as OCA's oca-gen-addon-readme does.

    .venv/bin/python scripts/gen_addon_readme.py             every addon of addons/
    .venv/bin/python scripts/gen_addon_readme.py ADDON_DIR   only these addons
    .venv/bin/python scripts/gen_addon_readme.py --check     write nothing; exit 1 when a
                                                             generated file is out of date

Edit the fragments (readme/DESCRIPTION.md, CONFIGURE.md, USAGE.md, ROADMAP.md,
CONTRIBUTORS.md; INSTALL.md and HISTORY.md if present), never the two
generated files. The title is the manifest's name, the sections are
Description, Installation, Configuration, Usage, Known issues / Roadmap,
Changelog and Credits (authors from the manifest, contributors from the
fragment), after a table of contents; a missing or empty fragment leaves its
section out. The fragments' Markdown is the simple kind: headings, paragraphs,
lists (nested), pipe tables, fenced or indented code, `code`, *emphasis*,
**strong** and [links](url). Needs only docutils (installed with Odoo;
`make lint` runs --check: its pre-commit hook, with docutils pinned there).
"""

import argparse
import ast
import hashlib
import re
import sys
from pathlib import Path

from docutils.core import publish_string
from docutils.utils import SystemMessage
from docutils.writers import html5_polyglot

ROOT = Path(__file__).resolve().parent.parent

# (fragment, section title); DESCRIPTION first, CONTRIBUTORS inside Credits.
SECTIONS = [
    ("DESCRIPTION.md", "Description"),
    ("INSTALL.md", "Installation"),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("ROADMAP.md", "Known issues / Roadmap"),
    ("HISTORY.md", "Changelog"),
]
# underline characters: the title (over and under), sections, then fragment levels
TITLE_CHAR, SECTION_CHAR, SUB_CHARS = "=", "=", "-~^\""
BADGE_LICENSES = {"AGPL-3": "AGPL--3", "LGPL-3": "LGPL--3", "GPL-3": "GPL--3"}

FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([\w+-]*)\s*$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
MARKER = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])(\s+|$)")
LIST_START = re.compile(r"^([-*+]|\d+[.)]|#\.)(\s|$)")
TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")

# characters that may precede / follow an inline markup in reStructuredText
START_OK = set(" \t\n'\"([{<-/:‘“’«¡¿‐‑‒–— ")
END_OK = set(" \t\n'\")]}>-/:.,;!?\\‘’”»‐‑‒–— ")


# ----------------------------------------------------------------------
# Markdown blocks
# ----------------------------------------------------------------------
def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def parse_blocks(lines):
    """Markdown lines -> [("heading", level, text) | ("para", text) |
    ("code", lines) | ("table", rows) | ("list", ordered, start, [items])],
    each list item being a list of blocks."""
    blocks, i = [], 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        fence = FENCE.match(line)
        if fence:
            j, body = i + 1, []
            while j < len(lines) and not lines[j].strip().startswith(fence.group(2)):
                body.append(lines[j][len(fence.group(1)):] if lines[j].startswith(fence.group(1)) else lines[j])
                j += 1
            blocks.append(("code", body))
            i = j + 1
            continue
        heading = HEADING.match(line)
        if heading and indent_of(line) < 4:
            blocks.append(("heading", len(heading.group(1)), heading.group(2)))
            i += 1
            continue
        if line.lstrip().startswith("|") and i + 1 < len(lines) and TABLE_SEP.match(lines[i + 1]):
            rows = [split_row(line)]
            i += 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(split_row(lines[i]))
                i += 1
            blocks.append(("table", rows))
            continue
        if MARKER.match(line) and indent_of(line) < 4:
            i = parse_list(lines, i, blocks)
            continue
        if indent_of(line) >= 4:
            j, body = i, []
            while j < len(lines) and (not lines[j].strip() or indent_of(lines[j]) >= 4):
                body.append(lines[j][4:])
                j += 1
            while body and not body[-1].strip():
                body.pop()
            blocks.append(("code", body))
            i = j
            continue
        j, para = i, []
        while j < len(lines) and lines[j].strip() and not starts_block(lines, j, para):
            para.append(lines[j].strip())
            j += 1
        blocks.append(("para", "\n".join(para)))
        i = j
    return blocks


def starts_block(lines, j, para):
    """Whether line j interrupts a paragraph (a heading, a fence, a list, a table)."""
    line = lines[j]
    if not para:
        return False
    if FENCE.match(line) or HEADING.match(line):
        return True
    if line.lstrip().startswith("|") and j + 1 < len(lines) and TABLE_SEP.match(lines[j + 1]):
        return True
    marker = MARKER.match(line)
    # an ordered list interrupts a paragraph only when it starts at 1 (CommonMark)
    return bool(marker and marker.group(3) and (not marker.group(2)[0].isdigit()
                                                or marker.group(2)[:-1] == "1"))


def parse_list(lines, i, blocks):
    first = MARKER.match(lines[i])
    base = indent_of(lines[i])
    ordered = first.group(2)[0].isdigit()
    start = int(first.group(2)[:-1]) if ordered else 1
    items = []
    while i < len(lines):
        marker = MARKER.match(lines[i])
        if not marker or indent_of(lines[i]) != base or marker.group(2)[0].isdigit() != ordered:
            break
        content = len(marker.group(0)) if marker.group(3) else len(marker.group(0)) + 1
        body = [lines[i][content:]]
        i += 1
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                # a blank line continues the item only when an indented line follows
                k = i
                while k < len(lines) and not lines[k].strip():
                    k += 1
                if k < len(lines) and indent_of(lines[k]) >= content:
                    body.extend([""] * (k - i))
                    i = k
                    continue
                break
            if indent_of(line) >= content:
                body.append(line[content:])
            elif MARKER.match(line) and indent_of(line) <= base:
                break
            elif FENCE.match(line) or HEADING.match(line) or line.lstrip().startswith("|"):
                break
            else:  # a lazy continuation line of the item's last paragraph
                body.append(line.strip())
            i += 1
        items.append(parse_blocks(body))
        while i < len(lines) and not lines[i].strip():
            k = i
            while k < len(lines) and not lines[k].strip():
                k += 1
            if k < len(lines) and MARKER.match(lines[k]) and indent_of(lines[k]) == base:
                i = k
            break
    blocks.append(("list", ordered, start, items))
    return i


def split_row(line):
    """Cells of a pipe-table row; a | inside `code` or escaped as \\| stays."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells, cell, in_code, k = [], "", False, 0
    while k < len(text):
        char = text[k]
        if char == "\\" and k + 1 < len(text) and text[k + 1] == "|":
            cell += "|"
            k += 2
            continue
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append(cell.strip())
            cell = ""
        else:
            cell += char
        k += 1
    cells.append(cell.strip())
    return cells


# ----------------------------------------------------------------------
# Inline Markdown -> reStructuredText
# ----------------------------------------------------------------------
INLINE = re.compile(
    r"(?P<code>(?P<ticks>`+)(?P<code_text>.+?)(?P=ticks))"
    r"|(?P<link>\[(?P<link_text>[^\]\n]+)\]\((?P<url>[^)\s]+)\))"
    r"|(?P<strong>\*\*(?=\S)(?P<strong_text>.+?)(?<=\S)\*\*)"
    r"|(?P<em>(?<![\w*])\*(?=[^\s*])(?P<em_text>.+?)(?<=[^\s*])\*(?![\w*]))",
    re.S)


def escape(text):
    text = text.replace("\\", "\\\\")
    for char in "*`|":
        text = text.replace(char, "\\" + char)
    # a word ending in _ would be a hyperlink reference
    return re.sub(r"(?<=[\w])_(?=\W|$)", r"\\_", text)


def inline(text):
    pieces, pos = [], 0
    for match in INLINE.finditer(text):
        pieces.append(("text", text[pos:match.start()]))
        if match.group("code"):
            code = " ".join(match.group("code_text").strip().split("\n"))
            pieces.append(("markup", "``%s``" % code) if code else ("text", ""))
        elif match.group("link"):
            label = escape(match.group("link_text")).replace("<", "\\<")
            pieces.append(("markup", "`%s <%s>`__" % (label, match.group("url"))))
        elif match.group("strong"):
            pieces.append(strong_or_plain("**", match.group("strong_text")))
        else:
            pieces.append(strong_or_plain("*", match.group("em_text")))
        pos = match.end()
    pieces.append(("text", text[pos:]))
    out = ""
    for index, (kind, value) in enumerate(pieces):
        if kind == "text":
            out += escape(value)
            continue
        if out and out[-1] not in START_OK:
            out += "\\ "
        out += value
        following = next((v for k, v in pieces[index + 1:] if v), "")
        if following and following[0] not in END_OK:
            out += "\\ "
    return out


def strong_or_plain(mark, inner):
    """Emphasis cannot nest other markup in reStructuredText: keep the inner
    markup and drop the emphasis when there is any."""
    if INLINE.search(inner):
        return ("markup", inline(inner))
    return ("markup", mark + escape(inner) + mark)


# ----------------------------------------------------------------------
# Blocks -> reStructuredText
# ----------------------------------------------------------------------
def render_blocks(blocks, levels):
    out = []
    for block in blocks:
        kind = block[0]
        if kind == "heading":
            title = inline(block[2])
            char = SUB_CHARS[min(levels.index(block[1]), len(SUB_CHARS) - 1)]
            out.append([title, char * max(len(title), 4)])
        elif kind == "para":
            out.append(inline(block[1]).split("\n"))
        elif kind == "code":
            out.append(["::", ""] + [("    " + line).rstrip() for line in block[1]])
        elif kind == "table":
            out.append(render_table(block[1]))
        elif kind == "list":
            out.append(render_list(block, levels))
    lines = []
    for chunk in out:
        if lines:
            lines.append("")
        lines.extend(chunk)
    return lines


def render_table(rows):
    width = max(len(row) for row in rows)
    # Bootstrap's classes: Odoo's Apps screen draws the table with them
    lines = [".. list-table::", "   :header-rows: 1", "   :class: table table-sm table-bordered", ""]
    for row in rows:
        row = row + [""] * (width - len(row))
        for col, cell in enumerate(row):
            prefix = "   * - " if col == 0 else "     - "
            text = inline(cell)
            if LIST_START.match(text):  # a cell "-" is text, not a list
                text = "\\" + text
            lines.append((prefix + text).rstrip())
    return lines


def render_list(block, levels):
    _kind, ordered, start, items = block
    lines = []
    for number, item in enumerate(items, start):
        marker = "%d. " % number if ordered else "- "
        body = render_blocks(item, levels) or [""]
        if lines:
            lines.append("")
        lines.append((marker + body[0]).rstrip())
        lines.extend((" " * len(marker) + line) if line else "" for line in body[1:])
    return lines


def markdown_to_rst(markdown):
    blocks = parse_blocks(markdown.expandtabs(4).splitlines())
    levels = sorted({b[1] for b in walk(blocks) if b[0] == "heading"})
    return "\n".join(render_blocks(blocks, levels)).strip("\n")


def walk(blocks):
    for block in blocks:
        yield block
        if block[0] == "list":
            for item in block[3]:
                yield from walk(item)


# ----------------------------------------------------------------------
# The two files
# ----------------------------------------------------------------------
def heading(title, char, over=False):
    line = char * len(title)
    return ([line] if over else []) + [title, line]


def build_rst(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text(encoding="utf-8"))
    fragments = {}
    for name in [s[0] for s in SECTIONS] + ["CONTRIBUTORS.md"]:
        path = addon / "readme" / name
        if path.is_file() and path.read_text(encoding="utf-8").strip():
            fragments[name] = path.read_text(encoding="utf-8")
    digest = hashlib.sha256(repr((sorted(manifest.items(), key=str), sorted(fragments.items())))
                            .encode("utf-8")).hexdigest()
    lines = heading(manifest["name"], TITLE_CHAR, over=True) + [
        "",
        "..",
        "   !! This file is generated by scripts/gen_addon_readme.py from readme/*.md:",
        "   !! edit the fragments, then run .venv/bin/python scripts/gen_addon_readme.py",
        "   !! source digest: sha256:" + digest,
        "",
    ]
    license_name = manifest.get("license", "LGPL-3")
    badge = BADGE_LICENSES.get(license_name, license_name.replace("-", "--"))
    lines += [
        ".. |badge1| image:: https://img.shields.io/badge/licence-%s-blue.png" % badge,
        "    :target: https://www.gnu.org/licenses/%s-standalone.html" % license_name.lower().replace("-", ""),
        "    :alt: License: %s" % license_name,
        ".. |badge2| image:: https://img.shields.io/badge/odoo-%s-875A7B.png" % ".".join(
            manifest.get("version", "19.0").split(".")[:2]),
        "    :alt: Odoo version",
        "",
        "|badge1| |badge2|",
        "",
    ]
    if manifest.get("summary"):
        lines += [inline(" ".join(manifest["summary"].split())), ""]
    lines += ["**Table of contents**", "", ".. contents::", "   :local:", ""]
    for name, title in SECTIONS:
        if name in fragments:
            lines += heading(title, SECTION_CHAR) + ["", markdown_to_rst(fragments[name]), ""]
    lines += heading("Credits", SECTION_CHAR) + [""]
    authors = [a.strip() for a in manifest.get("author", "").split(",") if a.strip()]
    if authors:
        lines += heading("Authors", SUB_CHARS[0]) + [""] + ["- " + inline(a) for a in authors] + [""]
    if "CONTRIBUTORS.md" in fragments:
        lines += heading("Contributors", SUB_CHARS[0]) + ["", markdown_to_rst(fragments["CONTRIBUTORS.md"]), ""]
    if manifest.get("website"):
        lines += heading("Maintainers", SUB_CHARS[0]) + [
            "", "This module is part of `%s <%s>`__." % (
                manifest["website"].rstrip("/").rsplit("/", 1)[-1], manifest["website"]), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


class CodeTranslator(html5_polyglot.HTMLTranslator):
    """Inline literals as <code> (docutils writes <span class="docutils
    literal">, which only its own style sheet shows in a fixed font)."""

    def visit_literal(self, node):
        if "code" not in node["classes"]:
            node["classes"].append("code")
        super().visit_literal(node)


class CodeWriter(html5_polyglot.Writer):
    def __init__(self):
        super().__init__()
        self.translator_class = CodeTranslator


# for the file opened on its own: Odoo's Apps screen drops it and uses its own
STYLE = ("<style>body{font-family:sans-serif;max-width:60em;margin:auto;padding:0 1em;line-height:1.45}"
         "code,pre{background:#f4f4f4}pre{padding:.5em;overflow:auto}"
         "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.2em .4em;vertical-align:top}"
         "td p,li p{margin:.2em 0}</style>")


def build_html(addon, rst):
    overrides = {
        # no style sheet: Odoo's Apps screen drops <style> and uses its own
        "stylesheet_path": "",
        "stylesheet": "",
        "embed_stylesheet": False,
        "file_insertion_enabled": False,
        "raw_enabled": False,
        "halt_level": 2,          # a warning (bad markup) stops the generator
        "report_level": 2,
        "toc_backlinks": "none",
        "output_encoding": "utf-8",     # and <meta charset="utf-8"> in the head
        "xml_declaration": False,
        "_disable_config": True,
        "warning_stream": False,
    }
    try:
        html = publish_string(source=rst, source_path=str(addon / "README.rst"),
                              writer=CodeWriter(), settings_overrides=overrides).decode("utf-8")
    except SystemMessage as error:
        raise SystemExit("%s: the generated README.rst is not valid: %s" % (addon.name, error)) from None
    # no docutils version in the file: the same fragments give the same bytes
    html = re.sub(r'<meta name="generator"[^>]*>\n?', "", html)
    return html.replace("</head>", STYLE + "\n</head>", 1)


def addons_to_process(paths):
    if paths:
        dirs = [Path(p).resolve() for p in paths]
    else:
        dirs = sorted(p.parent for p in (ROOT / "addons").glob("*/__manifest__.py"))
    missing = [d for d in dirs if not (d / "__manifest__.py").is_file()]
    if missing:
        raise SystemExit("not an addon (no __manifest__.py): " + ", ".join(map(str, missing)))
    return [d for d in dirs if (d / "readme").is_dir()]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("addons", nargs="*", help="addon folders (default: every addon of addons/)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 naming the files that are out of date")
    args = parser.parse_args(argv)
    stale = []
    for addon in addons_to_process(args.addons):
        rst = build_rst(addon)
        html = build_html(addon, rst)
        for path, content in ((addon / "README.rst", rst),
                              (addon / "static" / "description" / "index.html", html)):
            current = path.read_text(encoding="utf-8") if path.is_file() else None
            if current == content:
                continue
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")
    for path in stale:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(("out of date: %s" if args.check else "written: %s") % shown)
    if args.check and stale:
        print("Regenerate them: .venv/bin/python scripts/gen_addon_readme.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
