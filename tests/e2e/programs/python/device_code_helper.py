# adalint e2e "before" program: a CLI whose helper runs ADAL's device-code flow and returns
# the token dict as it is made (`return context.acquire_token_with_device_code(...)`); the
# script reads its keys. The e2e test runs it as is, then runs `adalint --fix --unsafe-fixes`
# on a copy and runs that.
import os
import sys

import adal

RESOURCE = os.environ["AZURE_RESOURCE"]
CLIENT_ID = os.environ["AZURE_CLIENT_ID"]


def _device_token():
    context = adal.AuthenticationContext("https://login.microsoftonline.com/" + os.environ["AZURE_TENANT_ID"])
    code = context.acquire_user_code(RESOURCE, CLIENT_ID)
    print(code["message"], file=sys.stderr)
    return context.acquire_token_with_device_code(RESOURCE, code, CLIENT_ID)


if __name__ == "__main__":
    token = _device_token()
    print(token["accessToken"])
