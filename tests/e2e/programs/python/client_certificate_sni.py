# adalint e2e "before" program: ADAL's certificate flow with subject-name/issuer authentication,
# i.e. the public certificate is sent along (`x5c`) with the private key and thumbprint.
# Production-shaped: real authority, every value from the environment.
# The e2e test runs it as is, then rewrites a copy toward MSAL and another toward Azure Identity
# (which can only be done when the public certificate is at hand) and runs those.
import os
import adal


def read_pem(path):
    with open(path) as handle:
        return handle.read()


def get_token():
    key_pem = read_pem(os.environ["AZURE_CLIENT_CERTIFICATE_KEY_PATH"])
    cert_pem = read_pem(os.environ["AZURE_CLIENT_CERTIFICATE_PATH"])
    thumbprint = os.environ["AZURE_CLIENT_CERTIFICATE_THUMBPRINT"]
    context = adal.AuthenticationContext("https://login.microsoftonline.com/" + os.environ["AZURE_TENANT_ID"])
    token = context.acquire_token_with_client_certificate(
        os.environ["AZURE_RESOURCE"],
        os.environ["AZURE_CLIENT_ID"],
        key_pem,
        thumbprint,
        public_certificate=cert_pem,
    )
    return token["accessToken"]


if __name__ == "__main__":
    print(get_token())
