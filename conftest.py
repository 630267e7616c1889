"""Repository-wide pytest configuration (tests run with `make test`, i.e.
pytest-odoo against the factoring_test database; see scripts/test.sh)."""
import inspect


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
