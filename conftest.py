"""Repository-wide pytest configuration (tests run with `make test`, i.e.
pytest-odoo against the factoring_test database; see scripts/test.sh)."""
import inspect

import pytest


def pytest_pycollect_makeitem(collector, name, obj):
    """Let Odoo test cases live outside an addon (e.g. tests/benchmarks/test_*.py).

    Odoo 19's BaseCase gives its default ``test_tags``/``test_module`` only to
    classes defined in ``odoo.addons.*`` modules; any other TestCase subclass
    crashes at collection ("object has no attribute 'test_tags'"). Give such
    classes the same defaults. Classes inside addons are left untouched.
    """
    if not inspect.isclass(obj) or getattr(obj, "test_tags", None) is not None:
        return None
    try:
        from odoo.tests.common import BaseCase
    except ImportError:
        return None
    if issubclass(obj, BaseCase):
        obj.test_tags = {"standard", "at_install"}
        obj.test_module = obj.__module__.split(".")[0]
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """pytest-odoo skips HttpCase tests (the browser tours) unless --odoo-http is
    given; a tour that does not run must fail, not skip. `make test` passes it."""
    instance = getattr(item, "instance", None)
    if instance is None or item.config.getoption("--odoo-http", default=True):
        return
    from odoo.tests.common import HttpCase

    if isinstance(instance, HttpCase):
        pytest.fail(f"{item.nodeid} is an HttpCase (browser tour): run pytest with "
                    "--odoo-http, as `make test` does, so that it runs instead of being skipped.",
                    pytrace=False)
