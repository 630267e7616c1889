"""Bring the dunning reminder's new body to databases that kept the shipped
one: the template is ``noupdate`` (the company words its letters), so an
update of the module alone leaves an older body in place, and the bodies
shipped before 19.0.1.1.0 call methods per e-mail (``_format_amount``,
``_email_items_html`` or a QWeb loop over the items), which Odoo renders by
compiling QWeb for every e-mail. Called by ``migrations/19.0.1.1.0``."""

import logging

from lxml import etree, html

from odoo.tools.misc import file_path

_logger = logging.getLogger(__name__)

TEMPLATE_XMLID = "factoring_collections.mail_template_dunning"
DATA_FILE = "factoring_collections/data/mail_template_data.xml"

# The bodies shipped before 19.0.1.1.0 (git history of the data file).
OLD_BODIES = (
    """<div>
    <p>Dear <t t-out="object.partner_id.name or ''"/>,</p>
    <p>According to our records the following invoices are overdue
       (<t t-out="object._format_amount(object.amount)"/> in all):</p>
    <table border="1" style="border-collapse: collapse;">
        <tr><th>Invoice</th><th>Due date</th><th>Open amount</th></tr>
        <t t-foreach="object._sorted_items()" t-as="item">
            <tr>
                <td><t t-out="item.factoring_invoice_number or item.move_name"/></td>
                <td><t t-out="item.date_maturity"/></td>
                <td><t t-out="object._format_amount(item.amount_residual)"/></td>
            </tr>
        </t>
    </table>
    <p>Please settle them without delay, or tell us if anything prevents payment.</p>
    <p><t t-out="object.company_id.name or ''"/></p>
</div>""",
    """<div>
    <p>Dear <t t-out="object.partner_id.name or ''"/>,</p>
    <p>According to our records the following invoices are overdue
       (<t t-out="object._format_amount(object.amount)"/> in all):</p>
    <t t-out="object._email_items_html()"/>
    <p>Please settle them without delay, or tell us if anything prevents payment.</p>
    <p><t t-out="object.company_id.name or ''"/></p>
</div>""",
)


def canonical(body):
    """The body as a tuple of (tag, attributes, text, tail), whitespace
    collapsed: equal for the same markup however it was serialised (``<t/>``
    or ``<t></t>``, indentation, sanitiser's output)."""
    if not body:
        return ()
    root = html.fragment_fromstring(str(body), create_parent="div")

    def norm(text):
        return " ".join((text or "").split())

    return tuple((el.tag, tuple(sorted(el.attrib.items())), norm(el.text), norm(el.tail))
                 for el in root.iter() if isinstance(el.tag, str))


def shipped_body():
    """The dunning reminder's body in the module's data file, as Odoo's XML
    import reads a ``type="html"`` field."""
    doc = etree.parse(file_path(DATA_FILE))
    [field] = doc.xpath("//record[@id='mail_template_dunning']/field[@name='body_html']")
    return "".join(etree.tostring(node, method="html", encoding="unicode") for node in field)


def upgrade_dunning_template(env):
    """Write the shipped body on the dunning reminder if it still has one of
    the bodies shipped before (in every language that has a value); leave a
    customised template alone. Return True when the body was rewritten."""
    template = env.ref(TEMPLATE_XMLID, raise_if_not_found=False)
    if not template:
        return False
    template = template.sudo()

    def forms(body):
        # as written in the file, and as the field stores it (sanitised)
        return {canonical(body),
                canonical(template._fields["body_html"].convert_to_cache(body, template))}

    old = set().union(*(forms(body) for body in OLD_BODIES))
    env.cr.execute("SELECT body_html FROM mail_template WHERE id = %s", [template.id])
    values = env.cr.fetchone()[0] or {}
    new = shipped_body()
    if all(canonical(value) in forms(new) for value in values.values()):
        return False  # already the current body
    if not values or any(canonical(value) not in old for value in values.values()):
        _logger.info("Dunning reminder template customised: its body is kept.")
        return False
    others = {lang: False for lang in values if lang != "en_US"}
    template.with_context(lang="en_US").body_html = new
    if others:
        template.update_field_translations("body_html", others)
    _logger.info("Dunning reminder template: the body shipped with 19.0.1.1.0 is written.")
    return True
