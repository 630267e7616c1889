from . import factoring_aging_wizard
from . import factoring_kpi_wizard
from . import factoring_kpi_line
