{
    "name": "Factoring Disputes",
    "summary": "Debtors' disputes and deductions on factored items and own invoices, from "
    "the claim to a native accounting resolution",
    "version": "19.0.1.0.0",
    "category": "Accounting/Factoring",
    "author": "Factoring CCM contributors",
    "website": "https://github.com/factoring-ccm/factoring-ccm",
    "license": "AGPL-3",
    "depends": ["factoring_base"],
    "data": [
        "security/factoring_disputes_security.xml",
        "security/ir.model.access.csv",
        "data/factoring_dispute_data.xml",
        "views/factoring_dispute_views.xml",
        "views/factoring_dispute_config_views.xml",
        "wizards/factoring_dispute_resolve_views.xml",
        "report/factoring_dispute_report_views.xml",
        "views/account_move_line_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/factoring_disputes_menus.xml",
    ],
    "demo": [
        "demo/factoring_disputes_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "factoring_disputes/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
