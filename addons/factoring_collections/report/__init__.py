from . import factoring_worklist
