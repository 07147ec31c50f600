"""Turns raw consumption rows into invoice lines. No I/O in here."""
from collections import OrderedDict, namedtuple
from decimal import ROUND_HALF_UP, Decimal

from billing import settings

InvoiceLine = namedtuple("InvoiceLine", "cost_center meter quantity amount currency")

CENT = Decimal("0.01")
UNTAGGED = "unallocated"


def cost_center_of(row):
    tags = row.get("tags") or {}
    return tags.get("cost-center") or tags.get("CostCenter") or UNTAGGED


def build_lines(rows, markup_percent=0, currency=settings.DEFAULT_CURRENCY):
    """Group usage rows by (cost center, meter) and apply the reseller markup."""
    totals = OrderedDict()
    for row in rows:
        props = row["properties"]
        key = (cost_center_of(row), props["meterName"])
        qty, cost = totals.get(key, (Decimal(0), Decimal(0)))
        totals[key] = (qty + Decimal(str(props["quantity"])),
                       cost + Decimal(str(props["cost"])))

    factor = Decimal(1) + Decimal(markup_percent) / Decimal(100)
    lines = []
    for (cost_center, meter), (qty, cost) in totals.items():
        amount = (cost * factor).quantize(CENT, rounding=ROUND_HALF_UP)
        lines.append(InvoiceLine(cost_center, meter, qty, amount, currency))
    return lines


def invoice_total(lines):
    return sum((line.amount for line in lines), Decimal(0))


def by_cost_center(lines):
    grouped = OrderedDict()
    for line in lines:
        grouped.setdefault(line.cost_center, []).append(line)
    return grouped
