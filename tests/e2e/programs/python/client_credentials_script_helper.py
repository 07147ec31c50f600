# adalint e2e "before" program: a script with no `__main__` guard whose helper returns ADAL's
# token dict as it is made; the script's top level calls the helper and reads its keys.
# The e2e test runs it as is, then runs `adalint --fix --unsafe-fixes` on a copy and runs that.
import os
import adal


def get_management_token(tenant_id, client_id, client_secret):
    authority = "https://login.microsoftonline.com/" + tenant_id
    context = adal.AuthenticationContext(authority)
    return context.acquire_token_with_client_credentials(
        os.environ["AZURE_RESOURCE"], client_id, client_secret
    )


token = get_management_token(
    os.environ["AZURE_TENANT_ID"], os.environ["AZURE_CLIENT_ID"], os.environ["AZURE_CLIENT_SECRET"]
)
if token["expiresIn"] <= 0:
    raise SystemExit("the token is already expired")
print(token["accessToken"])
