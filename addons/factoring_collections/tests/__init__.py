from . import test_promise
from . import test_security
from . import test_dunning
from . import test_worklist
from . import test_escalation_handover
from . import test_demo
from . import test_dunning_concurrency
from . import test_tours
