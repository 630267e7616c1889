from . import factoring_limit_reject
