from . import test_kpi_formulas
from . import test_kpi_api
from . import test_aging
from . import test_concentration
from . import test_security
from . import test_client_figures
from . import test_adoption
from . import test_snapshot
