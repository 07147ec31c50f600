"""Azure ML SDK v1: a service principal's Azure Resource Manager token (a deployment script's shape).

Only the rewrite runs in the tests (azureml-core is not installed): it must get the token from
the fake identity platform with azure-identity.
"""
import os

from azureml.core.authentication import ServicePrincipalAuthentication

ARM_SCOPE = "https://management.azure.com/.default"

auth = ServicePrincipalAuthentication(
    tenant_id=os.environ["AZURE_TENANT_ID"],
    service_principal_id=os.environ["AZURE_CLIENT_ID"],
    service_principal_password=os.environ["AZURE_CLIENT_SECRET"],
)
print(auth.get_token(ARM_SCOPE).token)
