# adalint e2e "before" program: a daemon that gets an app-only token with ADAL's client
# credentials flow and turns a failed sign-in into an exit with the error's text, in an
# `except adal.AdalError` handler. The rewrite must keep the handler reachable.
import os
import sys

import adal


def get_token():
    authority = "https://login.microsoftonline.com/" + os.environ["AZURE_TENANT_ID"]
    context = adal.AuthenticationContext(authority)
    try:
        token = context.acquire_token_with_client_credentials(
            os.environ["AZURE_RESOURCE"], os.environ["AZURE_CLIENT_ID"], os.environ["AZURE_CLIENT_SECRET"]
        )
    except adal.AdalError as e:
        sys.exit("sign-in failed: %s" % e)
    return token["accessToken"]


if __name__ == "__main__":
    print(get_token())
