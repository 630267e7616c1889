// prettier (the "prettier" hook of .pre-commit-config.yaml): the options of
// OCA's repository template for Odoo 18.0 and later, XML included through
// @prettier/plugin-xml.
/** @type {import('prettier').Config} */
module.exports = {
    // resolved from the hook's own node environment
    plugins: [require.resolve("@prettier/plugin-xml")],
    printWidth: 88,
    proseWrap: "always",
    bracketSpacing: false,
    semi: true,
    trailingComma: "es5",
    // keep the text of XML nodes as written (Odoo's views and QWeb reports)
    xmlWhitespaceSensitivity: "preserve",
};
