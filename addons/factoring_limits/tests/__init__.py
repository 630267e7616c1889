from . import test_limit_lifecycle
from . import test_utilisation
from . import test_verification
from . import test_limit_concurrency
from . import test_security
from . import test_daily
from . import test_demo
from . import test_tours
