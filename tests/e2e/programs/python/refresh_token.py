# adalint e2e "before" program: a tool that keeps a user signed in with a refresh token. It
# redeems a refresh token persisted by an earlier run (AZURE_REFRESH_TOKEN) or, on first use,
# signs the user in with username/password to get one. Production-shaped: real authority, every
# value from the environment. The e2e test runs it as is, then runs
# `adalint --fix --unsafe-fixes` on a copy and runs that.
import os

import adal

AUTHORITY = "https://login.microsoftonline.com/" + os.environ["AZURE_TENANT_ID"]
CLIENT_ID = os.environ["AZURE_CLIENT_ID"]
RESOURCE = os.environ["AZURE_RESOURCE"]


def sign_in(username, password):
    context = adal.AuthenticationContext(AUTHORITY)
    token = context.acquire_token_with_username_password(RESOURCE, username, password, CLIENT_ID)
    return token["refreshToken"]


def refresh(refresh_token):
    context = adal.AuthenticationContext(AUTHORITY)
    token = context.acquire_token_with_refresh_token(refresh_token, CLIENT_ID, RESOURCE)
    return token["accessToken"]


if __name__ == "__main__":
    stored = os.environ.get("AZURE_REFRESH_TOKEN")
    if not stored:
        stored = sign_in(os.environ["AZURE_USERNAME"], os.environ["AZURE_PASSWORD"])
    print(refresh(stored))
