{
    "name": "Factoring Collections",
    "summary": "Collectors' worklist with reasons, call notes, promises to pay, idempotent "
    "dunning runs, escalation rules, portfolio handovers and debtor statements",
    "version": "19.0.1.0.0",
    "category": "Accounting/Factoring",
    "author": "Factoring CCM",
    "website": "https://github.com/factoring-ccm/factoring-ccm",
    "license": "AGPL-3",
    "depends": ["factoring_base", "mail", "account"],
    "data": [
        "security/ir.model.access.csv",
        "security/factoring_collections_security.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/factoring_collection_call_views.xml",
        "views/factoring_promise_views.xml",
        "views/res_partner_views.xml",
        "views/factoring_collections_menus.xml",
    ],
    "installable": True,
}
