from . import test_dispute
from . import test_resolution
from . import test_security
from . import test_mail_cron
from . import test_analysis
from . import test_dispute_concurrency
from . import test_tours
from . import test_currency
