from . import factoring_dispute_report
