/**
 * Browser tour of a limit's life cycle, run by tests/test_tours.py (HttpCase,
 * Chromium headless): the client manager requests a debtor limit from the
 * debtor's Credit tab, the credit analyst proposes it from Requests to
 * Propose, the credit manager approves it from Limits to Approve.
 * Selectors use menu xmlids and field/button `name` attributes.
 */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// A debtor of the demo data without any limit.
const DEBTOR = "Urban Thread";

function openLimitsMenu(menuXmlid) {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the Factoring app",
            trigger: ".o_app[data-menu-xmlid='factoring_base.menu_factoring_root']",
            run: "click",
        },
        {
            content: "open the Limits menu",
            trigger: ".o_main_navbar [data-menu-xmlid='factoring_limits.menu_factoring_limits']",
            run: "click",
        },
        {
            content: "open the list",
            trigger: `.o-dropdown--menu [data-menu-xmlid='${menuXmlid}']`,
            run: "click",
        },
        {
            content: "the limit requested by the tour is listed",
            trigger: `.o_list_view .o_data_row:contains(${DEBTOR})`,
        },
        {
            content: "open it",
            trigger: `.o_list_view .o_data_row:contains(${DEBTOR}) .o_data_cell[name=name]`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("factoring_limit_request_tour", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the Factoring app",
            trigger: ".o_app[data-menu-xmlid='factoring_base.menu_factoring_root']",
            run: "click",
        },
        {
            content: "open the Clients menu",
            trigger: ".o_main_navbar [data-menu-xmlid='factoring_base.menu_factoring_clients']",
            run: "click",
        },
        {
            content: "open Debtors",
            trigger: ".o-dropdown--menu [data-menu-xmlid='factoring_base.menu_factoring_debtor_list']",
            run: "click",
        },
        {
            content: "open the debtor",
            trigger: `.o_list_view .o_data_row:contains(${DEBTOR}) .o_data_cell[name=name]`,
            run: "click",
        },
        {
            content: "open the Credit tab",
            trigger: ".o_notebook .nav-link[name=factoring_credit]",
            run: "click",
        },
        {
            content: "request a limit",
            trigger: "button[name=action_factoring_request_limit]",
            run: "click",
        },
        {
            content: "the new limit names the debtor",
            trigger: `.o_field_widget[name=debtor_id] input:value(/${DEBTOR}/)`,
        },
        {
            content: "the amount",
            trigger: ".o_field_widget[name=amount] input",
            run: "edit 45000",
        },
        {
            content: "the reason",
            trigger: ".o_field_widget[name=reason] textarea",
            run: "edit New debtor of Valmont, orders every month.",
        },
        {
            content: "request it",
            trigger: "button[name=action_request]",
            run: "click",
        },
        {
            content: "the limit is requested",
            trigger: ".o_statusbar_status .o_arrow_button_current[data-value=requested]",
        },
    ],
});

registry.category("web_tour.tours").add("factoring_limit_propose_tour", {
    steps: () => [
        ...openLimitsMenu("factoring_limits.menu_factoring_limit_pending"),
        {
            content: "propose it",
            trigger: "button[name=action_propose]",
            run: "click",
        },
        {
            content: "the limit is proposed",
            trigger: ".o_statusbar_status .o_arrow_button_current[data-value=proposed]",
        },
    ],
});

registry.category("web_tour.tours").add("factoring_limit_approve_tour", {
    steps: () => [
        ...openLimitsMenu("factoring_limits.menu_factoring_limit_to_approve"),
        {
            content: "approve it",
            trigger: "button[name=action_approve]",
            run: "click",
        },
        {
            content: "the limit is active",
            trigger: ".o_statusbar_status .o_arrow_button_current[data-value=active]",
        },
    ],
});
