# adalint e2e "before" program: a service helper that signs the user in with ADAL's
# device-code flow and wraps the token in msrestazure's AADTokenCredentials for the SDK
# clients. `bearer_token` plays the client the credential is handed to; it takes either
# generation of credential (a track-1 client signs a session, a track-2 client asks for a
# token for its scope). The e2e test runs it as is, then runs
# `adalint --fix --unsafe-fixes` on a copy and runs that.
import os

import adal
import requests
from msrestazure.azure_active_directory import AADTokenCredentials

MANAGEMENT_SCOPE = "https://management.core.windows.net//.default"


def authenticate_device_code():
    """Authenticate the end user with a device code."""
    authority_host_uri = "https://login.microsoftonline.com"
    tenant = os.environ["AZURE_TENANT_ID"]
    authority_uri = authority_host_uri + "/" + tenant
    resource_uri = os.environ["AZURE_RESOURCE"]
    client_id = os.environ["AZURE_CLIENT_ID"]

    context = adal.AuthenticationContext(authority_uri, api_version=None)
    code = context.acquire_user_code(resource_uri, client_id)
    mgmt_token = context.acquire_token_with_device_code(resource_uri, code, client_id)
    credentials = AADTokenCredentials(mgmt_token, client_id)

    return credentials


def bearer_token(credential):
    sign = getattr(credential, "signed_session", None)
    if sign is not None:
        # A track-1 client prepares its requests on the signed session.
        request = sign().prepare_request(requests.Request("GET", "https://management.azure.com/"))
        return request.headers["Authorization"].split(" ", 1)[1]
    return credential.get_token(MANAGEMENT_SCOPE).token


if __name__ == "__main__":
    print(bearer_token(authenticate_device_code()))
