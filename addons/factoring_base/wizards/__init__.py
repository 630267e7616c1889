from . import factoring_spreadsheet_import
from . import factoring_schedule_import
from . import factoring_reserve_release
from . import account_move_reversal
from . import factoring_settings
from . import factoring_remittance_import
from . import factoring_item_hold_wizard
from . import factoring_funding_override
