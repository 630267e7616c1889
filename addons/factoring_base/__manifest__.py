{
    "name": "Factoring Base",
    "summary": "Factoring clients, debtors, agreements and assignment schedules "
    "posted natively in accounting",
    "version": "19.0.1.0.0",
    "category": "Accounting/Factoring",
    "author": "Factoring CCM contributors",
    "website": "https://github.com/factoring-ccm/factoring-ccm",
    "license": "AGPL-3",
    "depends": ["account", "crm", "contacts"],
    "external_dependencies": {"python": ["xlrd", "openpyxl"]},
    "data": [
        "security/factoring_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/factoring_sector_data.xml",
        "views/factoring_menus.xml",
        "views/factoring_sector_views.xml",
        "views/factoring_agreement_views.xml",
        "views/factoring_schedule_views.xml",
        "views/factoring_interaction_views.xml",
        "views/res_partner_views.xml",
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/factoring_schedule_import_views.xml",
    ],
    "demo": [
        "demo/factoring_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "factoring_base/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "application": True,
    "installable": True,
}
