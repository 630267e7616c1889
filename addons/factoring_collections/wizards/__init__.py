from . import factoring_dunning_preview
