"""Server-side guard of the factoring records' states and accounting links.

State fields and the links to posted entries change only through the models'
own methods. Those methods write through :func:`guarded`, which marks the
environment with a private token: a Python object that no RPC client can put in
a context (contexts arrive as JSON), unlike a plain flag. A ``write`` or
``create`` carrying a protected field without the token is refused, whoever the
caller is (``sudo()`` included): only the model's own code paths hold it.
"""
from odoo.exceptions import AccessError, UserError

GUARD_KEY = "factoring_guarded_write"
_GUARD_TOKEN = object()


def guarded(records):
    """``records`` in an environment allowed to write protected fields."""
    return records.with_context(**{GUARD_KEY: _GUARD_TOKEN})


def is_guarded(records):
    return records.env.context.get(GUARD_KEY) is _GUARD_TOKEN


def check_protected(records, vals_list, protected, label):
    """Refuse values of ``protected`` fields outside the models' own methods.

    :param records: the records written (empty recordset for a create)
    :param vals_list: the values written or created
    :param label: callable returning the record's name for the message
    """
    if is_guarded(records):
        return
    creating = not records
    if creating:
        # the field's own default, not one from the context (which an RPC
        # caller sets): a new record may carry it, or an empty value (the web
        # client sends the default state of a new form)
        defaults = {
            f: records._fields[f].default(records) if records._fields[f].default else False
            for f in protected
        }
        # a default_<field> in the context would be applied by create itself
        context_defaults = {
            f: records.env.context[f"default_{f}"]
            for f in protected if f"default_{f}" in records.env.context
        }
        vals_list = [{**context_defaults, **vals} for vals in vals_list]
    for vals in vals_list:
        fields = sorted(set(vals) & set(protected))
        if creating:
            fields = [f for f in fields if vals[f] and vals[f] != defaults[f]]
        if fields:
            model = records.env[records._name]
            names = ", ".join(model._fields[f].string for f in fields)
            raise UserError(records.env._(
                "%(record)s: %(fields)s can only be changed by the %(model)s's own "
                "actions, not written directly.",
                record=label(vals), fields=names, model=model._description))


def check_groups(env, groups, action):
    """The current user must belong to one of ``groups`` (xml ids) to do
    ``action``; the superuser (the models' own sudo paths) always may."""
    if env.su or any(env.user.has_group(group) for group in groups):
        return
    raise AccessError(env._("You are not allowed to %(action)s.", action=action))
