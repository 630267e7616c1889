from . import test_dispute
from . import test_resolution
