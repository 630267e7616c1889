{
    "name": "Factoring Limits",
    "summary": "Client, debtor and client x debtor limits with an approval matrix and "
    "history, utilisation, headroom, concentration, availability, credit documents "
    "and credit insurance",
    "version": "19.0.1.0.0",
    "category": "Accounting/Factoring",
    "author": "Factoring CCM contributors",
    "website": "https://github.com/factoring-ccm/factoring-ccm",
    "license": "AGPL-3",
    "depends": ["factoring_base"],
    "data": [
        "security/factoring_limits_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/factoring_limit_rule_data.xml",
        "data/ir_cron_data.xml",
        "wizards/factoring_limit_reject_views.xml",
        "views/factoring_limit_views.xml",
        "views/factoring_limit_rule_views.xml",
        "views/factoring_credit_document_views.xml",
        "views/factoring_credit_insurance_views.xml",
        "views/factoring_agreement_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/factoring_limits_menus.xml",
    ],
    "demo": [
        "demo/factoring_limits_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "factoring_limits/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
