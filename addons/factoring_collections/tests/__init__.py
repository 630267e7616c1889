from . import test_promise
from . import test_security
