from decimal import Decimal

from billing.http_logging import mask_authorization, redact_headers
from billing.invoices import UNTAGGED, build_lines, by_cost_center, invoice_total


def _row(meter, qty, cost, cost_center=None):
    tags = {"cost-center": cost_center} if cost_center else None
    return {"tags": tags, "properties": {"meterName": meter, "quantity": qty, "cost": cost}}


def test_rows_are_grouped_by_cost_center_and_meter():
    rows = [
        _row("D2s v3", 24, 2.30, "cc-100"),
        _row("D2s v3", 24, 2.30, "cc-100"),
        _row("Hot LRS Data Stored", 512, 9.73),
    ]
    lines = build_lines(rows, currency="EUR")
    assert [(l.cost_center, l.meter) for l in lines] == [
        ("cc-100", "D2s v3"), (UNTAGGED, "Hot LRS Data Stored")]
    assert lines[0].quantity == Decimal("48")
    assert lines[0].amount == Decimal("4.60")


def test_markup_is_rounded_half_up_to_cents():
    lines = build_lines([_row("P10 Disk", 1, 1.005, "cc-7")], markup_percent=10)
    assert lines[0].amount == Decimal("1.11")
    assert invoice_total(lines) == Decimal("1.11")
    assert list(by_cost_center(lines)) == ["cc-7"]


def test_authorization_header_is_masked():
    masked = mask_authorization("Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi")
    assert masked == "Bearer eyJ0eXAiOi...(26 chars)"
    assert redact_headers({"Authorization": "Basic", "Accept": "json"}) == {
        "Authorization": "***", "Accept": "json"}
