{
    "name": "Factoring Reports",
    "summary": "Aging as of any date, DSO, BPDSO, ADD, DBT, ADP, CEI and debtor "
    "concentration of the factoring portfolio, in Odoo's pivot and graph views",
    "version": "19.0.1.0.0",
    "category": "Accounting/Factoring",
    "author": "Factoring CCM contributors",
    "website": "https://github.com/factoring-ccm/factoring-ccm",
    "license": "AGPL-3",
    "depends": ["factoring_base"],
    "data": [
        "security/ir.model.access.csv",
        "security/factoring_reports_security.xml",
        "report/factoring_aging_report_views.xml",
        "report/factoring_item_report_views.xml",
        "report/factoring_concentration_report_views.xml",
        "wizards/factoring_aging_wizard_views.xml",
        "wizards/factoring_kpi_wizard_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/factoring_reports_menus.xml",
    ],
    "installable": True,
}
