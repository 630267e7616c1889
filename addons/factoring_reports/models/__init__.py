from . import account_move_line
from . import res_company
from . import res_config_settings
from . import factoring_kpi
from . import res_partner
from . import factoring_adoption_alert
from . import factoring_report_snapshot
from . import factoring_reports_demo
