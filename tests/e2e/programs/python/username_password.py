# adalint e2e "before" program: a command-line tool that signs a user in with ADAL's
# username/password flow (ROPC). Production-shaped: real authority, every value from the
# environment. The e2e test runs it as is, then runs `adalint --fix --unsafe-fixes` on a copy
# and runs that.
import os
import sys

import adal

AUTHORITY = "https://login.microsoftonline.com/" + os.environ["AZURE_TENANT_ID"]


def user_token(username, password):
    context = adal.AuthenticationContext(AUTHORITY)
    token = context.acquire_token_with_username_password(
        os.environ["AZURE_RESOURCE"], username, password, os.environ["AZURE_CLIENT_ID"]
    )
    return token["accessToken"]


if __name__ == "__main__":
    access_token = user_token(os.environ["AZURE_USERNAME"], os.environ["AZURE_PASSWORD"])
    print("signed in as %s" % os.environ["AZURE_USERNAME"], file=sys.stderr)
    print(access_token)
