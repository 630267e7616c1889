/**
 * Browser tours of the disputes, run by tests/test_tours.py (HttpCase,
 * Chromium headless). Selectors use field and button names, not labels.
 * The test posts an own invoice "TOUR-DSP-1" of a debtor collected by the
 * demo collector (collector1); the collector disputes it from the open items
 * and gives it to the collections supervisor, who resolves it with a credit
 * note.
 */
import { registry } from "@web/core/registry";

const NUMBER = "TOUR-DSP-1";
const SUBJECT = "Tour: unit price differs";
const OWNER = "Simon Collections-Supervisor";
const AMOUNT = "1,234.56";

registry.category("web_tour.tours").add("factoring_dispute_open_tour", {
    url: "/odoo/action-factoring_base.action_factoring_open_items",
    steps: () => [
        {
            content: "the open items are listed",
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "own invoices too: drop the Factored Items filter",
            trigger: ".o_searchview_facet .o_facet_remove",
            run: "click",
        },
        {
            content: "search the invoice number",
            trigger: ".o_searchview_input",
            run: `edit ${NUMBER}`,
        },
        {
            trigger: ".o_searchview_autocomplete .o-dropdown-item:contains(Invoice Number)",
            run: "click",
        },
        {
            content: "select the item once the list shows it alone (the search reloads it)",
            trigger: `.o_searchview_facet:contains(${NUMBER})`,
            run: async () => {
                for (let attempt = 0; attempt < 150; attempt++) {
                    const rows = document.querySelectorAll(".o_list_view .o_data_row");
                    if (rows.length === 1 && rows[0].textContent.includes(AMOUNT)) {
                        rows[0].querySelector(".o_list_record_selector input").click();
                        return;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                throw new Error(`${NUMBER} is not listed alone`);
            },
        },
        {
            content: "open a dispute on it",
            trigger: "button[name=action_factoring_open_dispute]",
            run: "click",
        },
        {
            content: "the new dispute carries the item",
            trigger: ".o_form_view .o_field_widget[name=line_ids] .o_data_row",
        },
        {
            content: "what the debtor claims",
            trigger: ".o_field_widget[name=subject] input",
            run: `edit ${SUBJECT}`,
        },
        {
            content: "the reason",
            trigger: ".o_field_widget[name=reason_id] input",
            run: "edit Pricing",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Pricing)",
            run: "click",
        },
        {
            content: "the owner: the collections supervisor",
            trigger: ".o_field_widget[name=user_id] input",
            run: `edit ${OWNER}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item:contains(${OWNER})`,
            run: "click",
        },
        {
            content: "save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved with its reference",
            trigger: ".o_form_saved .o_field_widget[name=name]:contains(DSP/)",
        },
    ],
});

registry.category("web_tour.tours").add("factoring_dispute_resolve_tour", {
    url: "/odoo/action-factoring_disputes.action_factoring_dispute",
    steps: () => [
        {
            content: "the dispute is on the board",
            trigger: `.o_kanban_record:contains(${SUBJECT})`,
            run: "click",
        },
        {
            content: "resolve it",
            trigger: "button[name=action_open_resolve_wizard]",
            run: "click",
        },
        {
            content: "credit note for the whole disputed amount",
            trigger: ".modal .o_field_widget[name=kind] input[data-value=credit_note]:checked",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "the dispute is resolved",
            trigger: ".o_form_view .ribbon:contains(Resolved)",
        },
    ],
});
