import io
import math
from datetime import datetime, time, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tools.pdf import PdfReader

from .common import CollectionsCommon

RATING_POINTS = {"aaa": 0, "aa": 1, "a": 2, "bbb": 4, "bb": 6, "b": 8, "ccc": 10, "d": 12}


def expected_score(overdue, oldest_days, broken, due_today, rating, days_since_contact):
    """The documented formula (readme/DESCRIPTION.md), from the inputs."""
    score = min(40, 10 * math.log(1 + overdue / 1000.0)) + min(30, oldest_days / 3.0)
    score += min(30, 15 * broken) + (20 if due_today else 0)
    score += RATING_POINTS.get(rating, 5)
    if overdue > 0:
        score += 15 if days_since_contact is None else min(15, days_since_contact / 2.0)
    return round(score, 1)


class TestWorklist(CollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t = cls.today
        cls.debtor_a.factoring_rating = "bb"
        cls.make_invoice(cls.debtor_a, 10000.0, t - timedelta(days=47))
        cls.make_invoice(cls.debtor_a, 8400.0, t - timedelta(days=10))
        schedule = cls.make_schedule([{"amount": 1000.0, "due_date": t + timedelta(days=20),
                                       "invoice_date": t - timedelta(days=10)}],
                                     schedule_date=t - timedelta(days=5))
        schedule.action_verify()
        schedule.action_fund()
        cls.make_invoice(cls.debtor_b, 500.0, t - timedelta(days=3))
        cls.debtor_c = cls.env["res.partner"].create({
            "name": "Promise Today SRL", "is_company": True, "is_factoring_debtor": True,
            "factoring_collector_id": cls.collector.id})
        cls.make_invoice(cls.debtor_c, 2000.0, t - timedelta(days=5))
        Promise = cls.env["factoring.promise"]
        broken = Promise.create({"debtor_id": cls.debtor_a.id, "amount": 5000.0, "date": t})
        broken._check_state(today=t + timedelta(days=1))
        assert broken.state == "broken"
        Promise.create({"debtor_id": cls.debtor_c.id, "amount": 1000.0, "date": t})
        cls.env["factoring.collection.call"].create({
            "debtor_id": cls.debtor_a.id, "outcome": "no_answer",
            "date": datetime.combine(t - timedelta(days=9), time(10, 0))})
        cls.env.flush_all()

    def rows(self, user, domain=()):
        return self.env["factoring.worklist"].with_user(user).search(list(domain))

    def test_ranking_scores_and_reasons(self):
        rows = self.rows(self.supervisor, [("company_id", "=", self.company.id)])
        by_debtor = {row.partner_id: row for row in rows}
        a, b, c = by_debtor[self.debtor_a], by_debtor[self.debtor_b], by_debtor[self.debtor_c]
        self.assertEqual(a.overdue_amount, 18400.0)
        self.assertEqual(a.open_amount, 19400.0)
        self.assertEqual(a.oldest_days, 47)
        self.assertEqual(a.score, expected_score(18400.0, 47, 1, False, "bb", 9))
        self.assertEqual(b.score, expected_score(500.0, 3, 0, False, False, None))
        self.assertEqual(c.overdue_amount, 0.0)  # the pending promise holds its items
        self.assertEqual(c.held_amount, 2000.0)
        self.assertEqual(c.score, expected_score(0.0, 0, 0, True, False, None))
        self.assertEqual(list(rows.filtered(lambda r: r.partner_id in (
            self.debtor_a | self.debtor_b | self.debtor_c)).partner_id),
            sorted([self.debtor_a, self.debtor_b, self.debtor_c],
                   key=lambda d: -by_debtor[d].score))
        self.assertEqual(
            a.reason, "18,400 overdue, oldest 47 days; promise of 5,000 broken on %s; "
            "no contact for 9 days" % self.today.strftime("%-d %b"))
        self.assertIn("promise of 1,000 due today", c.reason)
        self.assertIn("never contacted", b.reason)

    def test_collector_sees_own_debtors_supervisor_filters(self):
        mine = self.rows(self.collector)
        self.assertEqual(set(mine.partner_id), {self.debtor_a, self.debtor_c})
        self.assertEqual(self.rows(self.collector_2).partner_id, self.debtor_b)
        by_collector = self.rows(self.supervisor, [("collector_id", "=", self.collector_2.id)])
        self.assertEqual(by_collector.partner_id, self.debtor_b)
        by_client = self.rows(self.supervisor, [("client_id", "=", self.client.id)])
        self.assertEqual(by_client.partner_id, self.debtor_a)
        self.sector.invalidate_recordset()
        self.debtor_b.factoring_sector_id = self.sector
        self.env.flush_all()
        by_sector = self.rows(self.supervisor, [("sector_id", "=", self.sector.id)])
        self.assertEqual(by_sector.partner_id, self.debtor_b)

    def test_row_buttons(self):
        row = self.rows(self.collector, [("partner_id", "=", self.debtor_a.id)])
        self.assertEqual(row.action_log_call()["context"]["default_debtor_id"], self.debtor_a.id)
        self.assertEqual(row.action_record_promise()["res_model"], "factoring.promise")
        self.assertEqual(row.action_open_items()["res_model"], "account.move.line")
        self.assertEqual(row.action_send_statement()["res_model"], "mail.compose.message")
        ops_row = row.with_user(self.users["operations"])
        for method in ("action_log_call", "action_record_promise", "action_send_statement"):
            with self.assertRaises(AccessError):
                getattr(ops_row, method)()

    def test_statement_buckets(self):
        data = self.debtor_a._factoring_statement_data()
        buckets = dict((name, amount) for name, amount, _text in data["buckets"])
        self.assertEqual(buckets["Not due"], 1000.0)
        self.assertEqual(buckets["1-30"], 8400.0)
        self.assertEqual(buckets["31-60"], 10000.0)
        self.assertEqual(data["total"], 19400.0)
        self.assertEqual(len(data["promises"]), 1)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "factoring_collections.report_debtor_statement", self.debtor_a.ids)
        self.assertIn(b"10,000.00", html)
        self.assertIn(b"Your promises to pay", html)

    def test_statement_prints_as_pdf(self):
        """The statement a collector prints or sends is a real PDF (wkhtmltopdf,
        which the set-up installs): Odoo renders HTML in tests unless forced.
        wkhtmltopdf fetches the page's style sheets from ``report.url``: pointed
        at a closed port it gets a refusal at once and prints without them.
        Left at the test server, the fetch would wait forever under odoo-bin,
        whose server threads wait for the registry lock the test's thread
        holds."""
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, kind = report._render_qweb_pdf("factoring_collections.report_debtor_statement",
                                            self.debtor_a.ids)
        self.assertEqual(kind, "pdf", "wkhtmltopdf is missing: apt-get install wkhtmltopdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        self.assertIn("Statement", pdf_text)
        self.assertIn("10,000.00", pdf_text)


class TestWorklistMultiCompany(CollectionsCommon):
    """The worklist covers the companies selected in the switcher
    (env.companies): one row per debtor and company, each company's own items,
    promises and calls."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t = cls.today
        cls.other = cls.env["res.company"].create({
            "name": "Other Factor SA", "currency_id": cls.eur.id})
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.other, install_demo=False)
        cls.other.currency_id = cls.eur
        for user in (cls.collector, cls.supervisor):
            user.company_ids = [Command.link(cls.other.id)]
        cls.make_invoice(cls.debtor_a, 1000.0, t - timedelta(days=10))
        env_other = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.other.ids))
        move = env_other["account.move"].create({
            "move_type": "out_invoice", "partner_id": cls.debtor_a.id,
            "invoice_date": t - timedelta(days=60), "invoice_date_due": t - timedelta(days=30),
            "currency_id": cls.eur.id,
            "invoice_line_ids": [Command.create({
                "name": "Goods", "quantity": 1, "price_unit": 2500.0,
                "tax_ids": [Command.clear()]})],
        })
        move.action_post()
        env_other["factoring.collection.call"].create({
            "debtor_id": cls.debtor_a.id, "company_id": cls.other.id, "outcome": "no_answer",
            "date": datetime.combine(t - timedelta(days=4), time(10, 0))})
        cls.env.flush_all()

    def rows(self, user, companies, domain=()):
        return self.env["factoring.worklist"].with_user(user).with_context(
            allowed_company_ids=companies.ids).search(
            [("partner_id", "=", self.debtor_a.id), *domain])

    def test_rows_per_selected_company(self):
        both = self.company | self.other
        for user in (self.collector, self.supervisor):
            with self.subTest(user=user.login):
                only_main = self.rows(user, self.company)
                self.assertEqual(only_main.company_id, self.company)
                self.assertEqual(only_main.overdue_amount, 1000.0)
                self.assertFalse(only_main.last_contact)
                rows = self.rows(user, both)
                self.assertEqual(len(rows), 2)
                self.assertEqual(len(set(rows.ids)), 2)
                by_company = {row.company_id: row for row in rows}
                self.assertEqual(set(by_company), set(both))
                main_row, other_row = by_company[self.company], by_company[self.other]
                self.assertEqual((main_row.overdue_amount, main_row.oldest_days), (1000.0, 10))
                self.assertEqual((other_row.overdue_amount, other_row.oldest_days), (2500.0, 30))
                # each company's calls: the other company's call is not the main one's
                self.assertEqual(other_row.days_since_contact, 4)
                self.assertIn("no contact for 4 days", other_row.reason)
                self.assertIn("never contacted", main_row.reason)
                self.assertEqual(self.rows(user, self.other).company_id, self.other)

    def test_group_by_company(self):
        Worklist = self.env["factoring.worklist"].with_user(self.supervisor).with_context(
            allowed_company_ids=(self.company | self.other).ids)
        groups = dict(Worklist._read_group(
            [("partner_id", "=", self.debtor_a.id)], ["company_id"], ["overdue_amount:sum"]))
        self.assertEqual(groups, {self.company: 1000.0, self.other: 2500.0})

    def test_company_not_allowed_is_refused(self):
        # a collector without access to the other company never sees its rows
        self.collector.company_ids = [Command.unlink(self.other.id)]
        rows = self.env["factoring.worklist"].with_user(self.collector).search(
            [("partner_id", "=", self.debtor_a.id)])
        self.assertEqual(rows.company_id, self.company)
