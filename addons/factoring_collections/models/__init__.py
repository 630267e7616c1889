from . import factoring_item_hold
from . import factoring_collection_call
from . import factoring_promise
from . import factoring_dunning_policy
from . import res_company
from . import res_partner
from . import res_users
