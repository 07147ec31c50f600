#!/usr/bin/env python
"""Export last month's usage of one subscription to CSV for the finance team.

    python scripts/export_usage.py --user jane@contoso.com --subscription <id> > usage.csv
"""
import argparse
import csv
import getpass
import sys
from datetime import date, timedelta

from adal import AuthenticationContext

from billing import settings
from billing.arm_client import ArmClient
from billing.invoices import build_lines

# Well-known client id of the Azure CLI, which finance accounts are allowed to use.
AZURE_CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"


def last_month(today=None):
    first_of_this_month = (today or date.today()).replace(day=1)
    end = first_of_this_month - timedelta(days=1)
    return end.replace(day=1), end


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", required=True)
    parser.add_argument("--subscription", required=True)
    parser.add_argument("--markup", type=int, default=0)
    args = parser.parse_args()

    password = getpass.getpass("Password for %s: " % args.user)
    context = AuthenticationContext(settings.AUTHORITY)
    token = context.acquire_token_with_username_password(
        "https://management.core.windows.net/", args.user, password, AZURE_CLI_CLIENT_ID)

    start, end = last_month()
    client = ArmClient(args.subscription, token_getter=lambda: token["accessToken"])
    lines = build_lines(client.usage_details(start, end), markup_percent=args.markup)

    writer = csv.writer(sys.stdout)
    writer.writerow(["cost_center", "meter", "quantity", "amount", "currency"])
    for line in lines:
        writer.writerow(list(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
