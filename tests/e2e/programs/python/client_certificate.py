# adalint e2e "before" program: a daemon that gets an app-only token with ADAL's certificate
# flow. The private key (PEM) and its SHA-1 thumbprint come from the environment, as a
# deployment would mount them. Production-shaped: real authority, every value from the environment.
# The e2e test runs it as is, then runs `adalint --fix --unsafe-fixes` on a copy and runs that.
import os
import adal


def read_pem(path):
    with open(path) as handle:
        return handle.read()


def get_token():
    authority = "https://login.microsoftonline.com/" + os.environ["AZURE_TENANT_ID"]
    key_pem = read_pem(os.environ["AZURE_CLIENT_CERTIFICATE_KEY_PATH"])
    thumbprint = os.environ["AZURE_CLIENT_CERTIFICATE_THUMBPRINT"]
    context = adal.AuthenticationContext(authority)
    token = context.acquire_token_with_client_certificate(
        os.environ["AZURE_RESOURCE"], os.environ["AZURE_CLIENT_ID"], key_pem, thumbprint
    )
    return token["accessToken"]


if __name__ == "__main__":
    print(get_token())
