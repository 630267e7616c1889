from . import factoring_dispute_resolve
