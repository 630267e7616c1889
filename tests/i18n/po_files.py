"""scripts/check_translations.py as a module for the tests of tests/i18n, and
the addons folder it checks."""
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADDONS = os.path.join(ROOT, "addons")
_spec = importlib.util.spec_from_file_location(
    "check_translations", os.path.join(ROOT, "scripts", "check_translations.py"))
check_translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_translations)
