# adalint e2e "before" program: a CLI that signs the user in with ADAL's device-code flow,
# showing the message and polling on one context in one function. Production-shaped: real
# authority, every value from the environment. The e2e test runs it as is, then runs
# `adalint --fix --unsafe-fixes` on a copy and runs that.
import os
import sys

import adal


def device_sign_in():
    authority = "https://login.microsoftonline.com/" + os.environ["AZURE_TENANT_ID"]
    resource = os.environ["AZURE_RESOURCE"]
    client_id = os.environ["AZURE_CLIENT_ID"]
    context = adal.AuthenticationContext(authority)
    code = context.acquire_user_code(resource, client_id)
    print(code["message"], file=sys.stderr)
    token = context.acquire_token_with_device_code(resource, code, client_id)
    return token["accessToken"]


if __name__ == "__main__":
    print(device_sign_in())
