from . import factoring_read_only_report
from . import factoring_item_report
from . import factoring_aging_report
from . import factoring_concentration_report
from . import factoring_adoption_report
