from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Upper bounds (days past due) of the four first past-due buckets; beyond the
# last one is "over". Defaults: 1-30, 31-60, 61-90, 91-120, over 120.
AGING_BOUND_FIELDS = [
    ("factoring_aging_bound_1", 30),
    ("factoring_aging_bound_2", 60),
    ("factoring_aging_bound_3", 90),
    ("factoring_aging_bound_4", 120),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    factoring_aging_bound_1 = fields.Integer(
        string="Aging Bucket 1 Up To", default=30,
        help="Last day past due of the first past-due aging bucket.")
    factoring_aging_bound_2 = fields.Integer(string="Aging Bucket 2 Up To", default=60)
    factoring_aging_bound_3 = fields.Integer(string="Aging Bucket 3 Up To", default=90)
    factoring_aging_bound_4 = fields.Integer(
        string="Aging Bucket 4 Up To", default=120,
        help="Items further past due fall into the last bucket (over).")

    @api.constrains(*[name for name, _default in AGING_BOUND_FIELDS])
    def _check_factoring_aging_bounds(self):
        for company in self:
            bounds = company._factoring_aging_bounds()
            if bounds[0] < 1 or any(b <= a for a, b in zip(bounds, bounds[1:], strict=False)):
                raise ValidationError(self.env._(
                    "Company %(company)s: the aging bucket bounds must be positive and "
                    "strictly increasing (got %(bounds)s).",
                    company=company.display_name, bounds=", ".join(map(str, bounds))))

    def _factoring_aging_bounds(self):
        self.ensure_one()
        return [self[name] for name, _default in AGING_BOUND_FIELDS]

    def _factoring_aging_labels(self):
        """Bucket key -> label for this company's bounds: b0 not due, b1..b5."""
        self.ensure_one()
        b1, b2, b3, b4 = self._factoring_aging_bounds()
        return [
            ("b0", self.env._("Not due")),
            ("b1", f"1-{b1}"),
            ("b2", f"{b1 + 1}-{b2}"),
            ("b3", f"{b2 + 1}-{b3}"),
            ("b4", f"{b3 + 1}-{b4}"),
            ("b5", self.env._("Over %s", b4)),
        ]

    def _factoring_aging_field_labels(self):
        """Bucket amount field -> its label for this company's bounds, in days
        past due ("Not due", "1-30 days", ..., "Over 120 days"): the names of
        the aging's bucket columns and of the trends' bucket measures."""
        self.ensure_one()
        b1, b2, b3, b4 = self._factoring_aging_bounds()
        return {
            "amount_b0": self.env._("Not due"),
            "amount_b1": self.env._("%(first)s-%(last)s days", first=1, last=b1),
            "amount_b2": self.env._("%(first)s-%(last)s days", first=b1 + 1, last=b2),
            "amount_b3": self.env._("%(first)s-%(last)s days", first=b2 + 1, last=b3),
            "amount_b4": self.env._("%(first)s-%(last)s days", first=b3 + 1, last=b4),
            "amount_b5": self.env._("Over %s days", b4),
        }

    factoring_adoption_baseline_weeks = fields.Integer(
        string="Adoption Baseline Weeks", default=4,
        help="A person's first weeks with logged work: their weekly average over these "
        "weeks is the baseline each later week is compared with.")
    factoring_adoption_share = fields.Float(
        string="Adoption Alert Share (%)", default=50.0,
        help="A week with less logged work than this share of the person's baseline "
        "weekly average notifies the adoption manager.")
    factoring_adoption_manager_id = fields.Many2one(
        "res.users", string="Adoption Manager",
        help="Who is told when a person's logged work drops; empty: the factoring "
        "managers of the company.")
    factoring_no_contact_days = fields.Integer(
        string="No Contact Alert After (Days)", default=30,
        help="Clients and debtors with no note, call, meeting or done activity for "
        "this many days are listed as without contact.")

    @api.constrains("factoring_adoption_baseline_weeks", "factoring_adoption_share",
                    "factoring_no_contact_days")
    def _check_factoring_adoption_settings(self):
        for company in self:
            if company.factoring_adoption_baseline_weeks < 1 \
                    or company.factoring_no_contact_days < 1 \
                    or not 0 < company.factoring_adoption_share <= 100:
                raise ValidationError(self.env._(
                    "Company %s: the adoption baseline weeks and the days without "
                    "contact must be at least 1, the alert share between 0 and 100 %%.",
                    company.display_name))

    def _factoring_adoption_managers(self):
        """Who hears of a drop: the configured adoption manager, else the
        company's factoring managers."""
        self.ensure_one()
        if self.factoring_adoption_manager_id:
            return self.factoring_adoption_manager_id
        group = self.env.ref("factoring_base.group_factoring_manager")
        return group.sudo().all_user_ids.filtered(
            lambda u: self in u.company_ids and not u.share and u.active)
