"""Receivable KPIs as pure functions (no database), as docs/domain.md defines them.

Every function returns ``None`` when the figure is undefined (no sales, nothing
paid, a zero denominator) rather than a misleading 0. Amounts are plain numbers
in one currency; days are calendar days.
"""

import calendar
from datetime import date, timedelta


def dso_standard(ending_ar, sales, days):
    """DSO = ending AR / credit sales of the period x days in the period."""
    if not sales:
        return None
    return ending_ar / sales * days


def dso_countback(ending_ar, monthly_sales):
    """Count-back DSO.

    ``monthly_sales`` is a list of ``(sales, days)`` per month, newest first.
    Each month's sales are subtracted from the ending AR; a month fully consumed
    counts all its days, the month where the AR runs out counts
    remainder / its sales x its days. When the AR outlasts every month given,
    the days of all those months are returned (a lower bound).
    """
    return sum(counted for _sales, _days, _consumed, counted in
               dso_countback_steps(ending_ar, monthly_sales))


def dso_countback_steps(ending_ar, monthly_sales):
    """The months the count-back DSO consumes, newest first, as ``(sales,
    days, amount consumed, days counted)``: the inputs a reader checks the
    figure with (their days counted add up to it)."""
    remaining = ending_ar
    steps = []
    if remaining <= 0:
        return steps
    for sales, days in monthly_sales:
        if sales <= 0:
            steps.append((sales, days, 0.0, days))
            continue
        if remaining > sales:
            remaining -= sales
            steps.append((sales, days, sales, days))
        else:
            steps.append((sales, days, remaining, remaining / sales * days))
            break
    return steps


def best_possible_dso(current_ar, sales, days):
    """BPDSO: the standard DSO formula with only current (not yet due) AR."""
    return dso_standard(current_ar, sales, days)


def average_days_delinquent(dso, bpdso):
    """ADD = DSO - BPDSO."""
    if dso is None or bpdso is None:
        return None
    return dso - bpdso


def weighted_days(items):
    """Amount-weighted average of days: sum(amount x days) / sum(amount).

    ``items`` is an iterable of ``(amount, days)``. With days = payment date -
    due date this is DBT (early payment counts negative); with days = payment
    date - invoice date it is ADP.
    """
    total = weighted = 0.0
    for amount, days in items:
        total += amount
        weighted += amount * days
    return weighted_ratio(weighted, total)


def weighted_ratio(weighted, total):
    """The same average from sums already computed (sum(amount x days), sum(amount))."""
    if not total:
        return None
    return weighted / total


def cei_month(beginning_ar, sales, ending_total_ar, ending_current_ar):
    """The two terms of one month's CEI, ``(collected, collectible)``:
    collected = AR at the month's start + the month's credit sales - AR at its
    end; collectible = the same with only the current (not yet due) AR at its
    end. The month's CEI is collected / collectible x 100."""
    base = beginning_ar + sales
    return base - ending_total_ar, base - ending_current_ar


def collection_effectiveness_index(months):
    """CEI (collection effectiveness index), in percent, of one or several
    months: the monthly CEIs weighted by what each month had to collect, i.e.
    sum of the months' collected / sum of their collectible x 100.

    ``months`` is an iterable of ``(beginning AR, sales, ending total AR,
    ending current AR)``, one per month, each month beginning with the AR the
    previous one ended with. Between 0 and 100 whenever nothing is collected
    twice (AR rises only by sales, and no open item is negative)."""
    collected = collectible = 0.0
    for month in months:
        month_collected, month_collectible = cei_month(*month)
        collected += month_collected
        collectible += month_collectible
    if not collectible:
        return None
    return collected / collectible * 100.0


def concentration_shares(amounts):
    """Each amount's share of the total (0..1); empty when the total is not positive."""
    total = sum(amounts)
    if total <= 0:
        return []
    return [amount / total for amount in amounts]


def herfindahl(amounts):
    """Herfindahl index: the sum of the squared shares (0..1; 1 = one debtor)."""
    shares = concentration_shares(amounts)
    if not shares:
        return None
    return sum(share * share for share in shares)


def period_days(date_from, date_to):
    """Days in a period, both ends included (1 to 30 September = 30)."""
    return (date_to - date_from).days + 1


def period_months(date_from, date_to):
    """Calendar months touched by a period (January to March = 3)."""
    return (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1


def period_month_slices(date_from, date_to):
    """The period cut at month ends, oldest first, as ``(first_day, last_day)``:
    the first slice starts on ``date_from``, the last ends on ``date_to``, the
    others are whole calendar months (15 January to 10 March: 15-31 January,
    February, 1-10 March). The monthly CEIs are those of these slices."""
    slices = []
    start = date_from
    while start <= date_to:
        end = min(month_end(start), date_to)
        slices.append((start, end))
        start = end + timedelta(days=1)
    return slices


def countback_months(date_to, count):
    """The ``count`` month slices that end at ``date_to``, newest first, as
    ``(first_day, last_day, days)``. The newest slice runs from the first of
    ``date_to``'s month to ``date_to``; older ones are whole calendar months."""
    slices = []
    end = date_to
    for _index in range(count):
        start = end.replace(day=1)
        slices.append((start, end, (end - start).days + 1))
        end = start - timedelta(days=1)
    return slices


def month_end(day):
    """Last day of ``day``'s month."""
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
