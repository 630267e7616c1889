from . import factoring_dunning_preview
from . import factoring_handover_wizard
