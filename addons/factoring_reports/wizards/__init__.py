from . import factoring_aging_wizard
from . import factoring_kpi_wizard
from . import factoring_kpi_line
from . import factoring_snapshot_wizard
