"""Azure ML SDK v1: a workspace from config.json with a service principal, and its default datastore.

Only the rewrite runs in the tests (azureml-core is not installed): it must build an SDK v2
MLClient from the same config.json, get an Azure Resource Manager token from the fake identity
platform and read the default datastore from the fake Azure Resource Manager, with the real
azure-ai-ml.
"""
import os

from azureml.core import Workspace
from azureml.core.authentication import ServicePrincipalAuthentication

auth = ServicePrincipalAuthentication(
    tenant_id=os.environ["AZURE_TENANT_ID"],
    service_principal_id=os.environ["AZURE_CLIENT_ID"],
    service_principal_password=os.environ["AZURE_CLIENT_SECRET"],
)
ws = Workspace.from_config(auth=auth)
datastore = ws.get_default_datastore()
print(datastore.name)
