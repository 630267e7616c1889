from . import factoring_schedule_import
from . import factoring_reserve_release
from . import account_move_reversal
