from . import test_dispute
from . import test_resolution
from . import test_security
