# adalint e2e "before" program: a tool that signs a user in once with username/password and
# then asks for the token again silently (`acquire_token`), as code that calls an API
# repeatedly does; the second call must be answered from the context's cache. Production-shaped:
# real authority, every value from the environment. The e2e test runs it as is, then runs
# `adalint --fix --unsafe-fixes` on a copy and runs that.
import os
import sys

import adal


def tokens(username, password):
    authority = "https://login.microsoftonline.com/" + os.environ["AZURE_TENANT_ID"]
    resource = os.environ["AZURE_RESOURCE"]
    client_id = os.environ["AZURE_CLIENT_ID"]
    context = adal.AuthenticationContext(authority)
    first = context.acquire_token_with_username_password(resource, username, password, client_id)
    cached = context.acquire_token(resource, username, client_id)
    if not cached:
        raise SystemExit("no cached token for %s" % username)
    return first["accessToken"], cached["accessToken"]


if __name__ == "__main__":
    first, cached = tokens(os.environ["AZURE_USERNAME"], os.environ["AZURE_PASSWORD"])
    print("the cached token is %s the first one" % ("the same as" if cached == first else "not"),
          file=sys.stderr)
    print(cached)
