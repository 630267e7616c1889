from . import test_agreement
from . import test_crm_interaction
from . import test_demo
from . import test_import
from . import test_partner
from . import test_schedule_funding
from . import test_schedule_verification
from . import test_security
