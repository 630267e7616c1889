from . import factoring_schedule_import
