"""Helpers shared by the collections models."""
from odoo.exceptions import AccessError

COLLECTOR = "factoring_base.group_factoring_collector"
SUPERVISOR = "factoring_base.group_factoring_collections_supervisor"
MANAGER = "factoring_base.group_factoring_manager"


def is_supervisor(env):
    return env.su or env.user.has_group(SUPERVISOR)


def check_collector(env, action):
    """Collectors (and supervisors, managers, who imply the role) only."""
    if env.su or env.user.has_group(COLLECTOR):
        return
    raise AccessError(env._("Only collectors and collections supervisors may %s.", action))


def check_supervisor(env, action):
    if is_supervisor(env):
        return
    raise AccessError(env._("Only collections supervisors and factoring managers may %s.",
                            action))




def number_formatter(lang):
    """``fmt(value, digits)`` writing a number as ``lang.format("%.<digits>f",
    value, grouping=True)`` does. The usual grouping by thousands is done by
    Python itself: res.lang's format parses the grouping and looks the
    language up on every call, ten times the cost over a list of thousands."""
    if lang.grouping != "[3,0]":
        return lambda value, digits: lang.format(f"%.{digits}f", value, grouping=True)
    table = {ord(","): lang.thousands_sep or "", ord("."): lang.decimal_point}
    return lambda value, digits: f"{value:,.{digits}f}".translate(table)
