from . import factoring_spreadsheet_import
from . import factoring_schedule_import
from . import factoring_remittance_import
from . import factoring_item_hold_wizard
