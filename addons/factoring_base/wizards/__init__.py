from . import factoring_schedule_import
from . import factoring_settings
