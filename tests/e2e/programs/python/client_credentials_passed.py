# adalint e2e "before" program: a daemon that passes ADAL's token dict to a private helper of
# the module, which reads its keys to build the Authorization header.
# The e2e test runs it as is, then runs `adalint --fix --unsafe-fixes` on a copy and runs that.
import os
import adal


def _authorization(token):
    if not token:
        raise SystemExit("no token")
    return token["tokenType"] + " " + token["accessToken"]


def management_authorization():
    context = adal.AuthenticationContext("https://login.microsoftonline.com/" + os.environ["AZURE_TENANT_ID"])
    token = context.acquire_token_with_client_credentials(
        os.environ["AZURE_RESOURCE"], os.environ["AZURE_CLIENT_ID"], os.environ["AZURE_CLIENT_SECRET"]
    )
    return _authorization(token)


if __name__ == "__main__":
    print(management_authorization().split(" ", 1)[1])
