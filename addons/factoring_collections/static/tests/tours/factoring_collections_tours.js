/**
 * Browser tour of the collector's morning, run by tests/test_tours.py
 * (HttpCase, Chromium headless): the demo collector opens My Worklist, logs a
 * call from a debtor's row (outcome: promise to pay) and records the promise
 * from the same row. Selectors use menu xmlids and field/button `name`
 * attributes.
 */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const { DateTime } = luxon;

// The top-ranked debtor of the demo collector Colin Collector.
const ROW = ".o_list_view .o_data_row:first";

registry.category("web_tour.tours").add("factoring_collections_worklist_tour", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the Factoring app",
            trigger: ".o_app[data-menu-xmlid='factoring_base.menu_factoring_root']",
            run: "click",
        },
        {
            content: "open the Collections menu",
            trigger: ".o_main_navbar [data-menu-xmlid='factoring_collections.menu_factoring_collections']",
            run: "click",
        },
        {
            content: "open My Worklist",
            trigger: ".o-dropdown--menu [data-menu-xmlid='factoring_collections.menu_factoring_worklist']",
            run: "click",
        },
        {
            content: "the debtor's row states why it ranks there",
            trigger: `${ROW} .o_data_cell[name=reason]:contains(overdue)`,
        },
        {
            content: "log a call from the row",
            trigger: `${ROW} button[name=action_log_call]`,
            run: "click",
        },
        {
            content: "the call note is for the row's debtor",
            trigger: ".modal .o_field_widget[name=debtor_id] input:value(/./)",
        },
        {
            content: "open the outcomes",
            trigger: ".modal .o_field_widget[name=outcome] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "outcome: promise to pay",
            trigger: ".o_select_menu_menu .o_select_menu_item:contains(Promise to Pay)",
            run: "click",
        },
        {
            content: "what was said",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Tour: AP promises 100 this week",
        },
        {
            content: "save the call note",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "the dialog closes",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "record a promise from the row",
            trigger: `${ROW} button[name=action_record_promise]`,
            run: "click",
        },
        {
            content: "amount",
            trigger: ".modal .o_field_widget[name=amount] input",
            run: "edit 100",
        },
        {
            content: "promised date",
            trigger: ".modal .o_field_widget[name=date] input",
            run: `edit ${DateTime.now().plus({ days: 3 }).toFormat("MM/dd/yyyy")}`,
        },
        {
            content: "leave the date",
            trigger: ".modal .o_field_widget[name=amount] input",
            run: "click",
        },
        {
            content: "save the promise",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "back on the worklist",
            trigger: `body:not(:has(.modal)) ${ROW}`,
        },
    ],
});
