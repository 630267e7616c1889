from . import kpi_formulas
