"""Operator commands (re-send invoices, void a billing run). Runs on an operator's laptop."""
import argparse
import sys

import adal as adal_lib
import requests

from billing import settings

# Public client registration "billing-admin-cli" in the Contoso tenant.
ADMIN_CLIENT_ID = "7d3b9f7e-2c4e-4f8b-9a55-0f3c1c9d2a61"


def operator_token():
    context = adal_lib.AuthenticationContext(settings.AUTHORITY)
    code = context.acquire_user_code(settings.INVOICING_API_RESOURCE, ADMIN_CLIENT_ID)
    print(code["message"], file=sys.stderr)
    token = context.acquire_token_with_device_code(
        settings.INVOICING_API_RESOURCE, code, ADMIN_CLIENT_ID)
    print("signed in as %s" % token.get("userId"), file=sys.stderr)
    return token["accessToken"]


def _post(path, token, payload=None):
    resp = requests.post(settings.INVOICING_API_URL + path, json=payload or {},
                         headers={"Authorization": "Bearer " + token},
                         timeout=settings.REQUEST_TIMEOUT)
    resp.raise_for_status()
    return resp.json()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="billing-admin")
    sub = parser.add_subparsers(dest="command")
    resend = sub.add_parser("resend", help="send an invoice e-mail again")
    resend.add_argument("invoice_id")
    void = sub.add_parser("void-run", help="void every invoice of a billing run")
    void.add_argument("run_id")
    void.add_argument("--reason", required=True)
    args = parser.parse_args(argv)

    if args.command is None:
        parser.print_help()
        return 2
    token = operator_token()
    if args.command == "resend":
        result = _post("/invoices/%s/resend" % args.invoice_id, token)
    else:
        result = _post("/runs/%s/void" % args.run_id, token, {"reason": args.reason})
    print(result.get("status", "ok"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
