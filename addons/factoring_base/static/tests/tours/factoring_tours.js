/**
 * Browser tours of the factoring flow, run by tests/test_tours.py (HttpCase,
 * Chromium headless, 1440x900). Each main screen logs
 * "factoring-screenshot:<name>": the Python test takes the screenshot then.
 * Selectors use menu xmlids and field/button `name` attributes, not labels.
 */
import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";
import { stepUtils } from "@web_tour/tour_utils";

// Name of the ir.attachment holding the .xlsx the tour uploads (made by the test).
const TOUR_FILE = "factoring_tour_schedule.xlsx";
// A client of the demo data, managed by the demo client manager, and one of
// the debtors approved on its agreement (two invoices of the tour's file).
const CLIENT = "Tissage Valmont";
const DEBTOR = "Textilgroßhandel Berger";

function screenshot(name) {
    return {
        content: `screenshot of ${name}`,
        trigger: "body",
        run: async () => {
            console.log(`factoring-screenshot:${name}`);
            // let the test's screenshot request reach the browser before moving on
            await new Promise((resolve) => setTimeout(resolve, 1000));
        },
    };
}

function openSchedules() {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the Factoring app",
            trigger: ".o_app[data-menu-xmlid='factoring_base.menu_factoring_root']",
            run: "click",
        },
        {
            content: "open the Operations menu",
            trigger: ".o_main_navbar [data-menu-xmlid='factoring_base.menu_factoring_operations']",
            run: "click",
        },
        {
            content: "open Assignment Schedules",
            trigger: ".o-dropdown--menu [data-menu-xmlid='factoring_base.menu_factoring_schedule']",
            run: "click",
        },
        {
            content: "the schedules are listed",
            trigger: ".o_list_view .o_data_row",
        },
    ];
}

registry.category("web_tour.tours").add("factoring_import_verify_tour", {
    steps: () => [
        ...openSchedules(),
        screenshot("schedules"),
        {
            content: "new schedule",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "choose the client",
            trigger: ".o_field_widget[name=client_id] input",
            run: `edit ${CLIENT}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item:contains(${CLIENT})`,
            run: "click",
        },
        {
            content: "the client's active agreement is proposed",
            trigger: ".o_field_widget[name=agreement_id] input:value(/./)",
        },
        {
            content: "save the schedule",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "open the Excel import",
            trigger: ".o_form_saved button[name=action_open_import]",
            run: "click",
        },
        {
            content: "upload the client's Excel file",
            trigger: ".modal .o_field_widget[name=file]",
            run: async () => {
                const [attachment] = await rpc("/web/dataset/call_kw/ir.attachment/search_read", {
                    model: "ir.attachment",
                    method: "search_read",
                    args: [[["name", "=", TOUR_FILE]], ["datas"]],
                    kwargs: { limit: 1 },
                });
                if (!attachment) {
                    throw new Error(`the test did not provide ${TOUR_FILE}`);
                }
                const bytes = Uint8Array.from(atob(attachment.datas), (c) => c.charCodeAt(0));
                const file = new File([bytes], TOUR_FILE, {
                    type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                });
                await inputFiles(".modal .o_field_widget[name=file] input[type=file]", [file]);
            },
        },
        {
            content: "the file is loaded",
            trigger: `.modal .o_field_widget[name=file] input.o_input:value(${TOUR_FILE})`,
        },
        screenshot("import_dialog"),
        {
            content: "import",
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            content: "the four invoices are in the schedule",
            trigger: "body:not(:has(.modal)) .o_field_widget[name=line_ids] .o_data_row:contains(TOUR-0004)",
        },
        {
            content: "verify",
            trigger: "button[name=action_verify]",
            run: "click",
        },
        {
            content: "the schedule is verified",
            trigger: ".o_statusbar_status .o_arrow_button_current[data-value=verified]",
        },
        screenshot("schedule_verified"),
    ],
});

registry.category("web_tour.tours").add("factoring_fund_tour", {
    steps: () => [
        ...openSchedules(),
        {
            content: "show the schedules to fund",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o_filter_menu .dropdown-item:contains(To Fund)",
            run: "click",
        },
        {
            content: "the list shows the schedules to fund",
            trigger: ".o_searchview .o_facet_values:contains(To Fund)",
        },
        {
            content: "the client's verified schedule is listed",
            trigger: `.o_data_row:contains(${CLIENT}):contains(Verified)`,
        },
        screenshot("schedules_to_fund"),
        {
            content: "open it",
            trigger: `.o_data_row:contains(${CLIENT}):contains(Verified) .o_data_cell[name=client_id]`,
            run: "click",
        },
        {
            content: "fund",
            trigger: "button[name=action_fund]",
            run: "click",
        },
        {
            content: "confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "the schedule is funded",
            trigger: ".o_statusbar_status .o_arrow_button_current[data-value=funded]",
        },
        {
            content: "its funding entry is one click away",
            trigger: "button[name=action_view_move]",
        },
        screenshot("schedule_funded"),
    ],
});

registry.category("web_tour.tours").add("factoring_remittance_tour", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the Factoring app",
            trigger: ".o_app[data-menu-xmlid='factoring_base.menu_factoring_root']",
            run: "click",
        },
        {
            trigger: ".o_main_navbar [data-menu-xmlid='factoring_base.menu_factoring_operations']",
            run: "click",
        },
        {
            content: "open Debtor Remittances",
            trigger: ".o-dropdown--menu [data-menu-xmlid='factoring_base.menu_factoring_remittance']",
            run: "click",
        },
        {
            content: "new remittance",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "the debtor who paid",
            trigger: ".o_field_widget[name=debtor_id] input",
            run: `edit ${DEBTOR}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item:contains(${DEBTOR})`,
            run: "click",
        },
        {
            content: "the bank journal the money came in",
            trigger: ".o_field_widget[name=journal_id] input",
            run: "edit Bank",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Bank)",
            run: "click",
        },
        {
            content: "the amount received",
            trigger: ".o_field_widget[name=amount] input",
            run: "edit 11000",
        },
        {
            content: "the debtor's remittance advice",
            trigger: ".o_notebook a[name=advice]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=advice_text] textarea",
            // a run string is one line: type the two advice lines with the helper
            run: (helpers) => helpers.edit("TOUR-0001 6000.00\nTOUR-0002 5000.00"),
        },
        {
            trigger: "button[name=action_read_advice]",
            run: "click",
        },
        {
            content: "both invoices are read and matched",
            trigger: ".o_notebook a[name=invoices]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains(TOUR-0002)",
        },
        {
            content: "check what posting will do",
            trigger: "button[name=action_check]",
            run: "click",
        },
        {
            trigger: ".o_form_saved .o_field_widget[name=line_ids] .o_data_row:contains(TOUR-0001)",
        },
        screenshot("remittance_checked"),
        {
            content: "post",
            trigger: "button[name=action_post]",
            run: "click",
        },
        {
            content: "the remittance is posted",
            trigger: ".o_statusbar_status .o_arrow_button_current[data-value=posted]",
        },
        {
            content: "its payment is one click away",
            trigger: "button[name=action_view_payment]",
        },
        screenshot("remittance_posted"),
    ],
});
