// eslint (the "eslint" hook of .pre-commit-config.yaml) for the addons' JS:
// ES modules of Odoo 19's web client (tours under static/tests). eslint's
// recommended rules, with the globals of the browser and of Odoo's client.
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
    js.configs.recommended,
    {
        files: ["**/*.js"],
        languageOptions: {
            ecmaVersion: 2024,
            sourceType: "module",
            globals: {
                ...globals.browser,
                odoo: "readonly",
                owl: "readonly",
                luxon: "readonly",
                QUnit: "readonly",
            },
        },
    },
];
