from . import factoring_spreadsheet_import
from . import factoring_schedule_import
