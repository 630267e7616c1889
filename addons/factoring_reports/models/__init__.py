from . import res_company
from . import res_config_settings
from . import factoring_kpi
from . import res_partner
