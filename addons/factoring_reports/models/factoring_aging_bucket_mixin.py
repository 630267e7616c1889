from odoo import api, models

# The bucket amount fields of the aging and of the trends; their strings are
# the default bounds' labels, fields_get gives the company's.
BUCKET_AMOUNT_FIELDS = ("amount_b0", "amount_b1", "amount_b2", "amount_b3", "amount_b4",
                        "amount_b5")


class FactoringAgingBucketMixin(models.AbstractModel):
    """Names the bucket amount fields (``amount_b0`` .. ``amount_b5``) after
    the current company's bucket bounds ("31-60 days") wherever the web client
    reads field labels (list columns, pivot and graph measures, export): a
    field's string is fixed in Python (it holds the default bounds), so
    ``fields_get`` replaces it with the label of the configured bounds."""

    _name = "factoring.aging.bucket.mixin"
    _description = "Factoring Aging Bucket Labels"

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        res = super().fields_get(allfields, attributes)
        if attributes and "string" not in attributes:
            return res
        labels = self.env.company._factoring_aging_field_labels()
        for name in BUCKET_AMOUNT_FIELDS:
            if name in res:
                res[name]["string"] = labels[name]
        return res
