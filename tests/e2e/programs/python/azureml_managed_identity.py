"""Azure ML SDK v1 on a compute cluster: the compute's managed identity, for Azure Resource Manager.

Only the rewrite runs in the tests (azureml-core is not installed).
"""
from azureml.core.authentication import MsiAuthentication

auth = MsiAuthentication()
token = auth.get_token("https://management.azure.com/.default")
print(token.token)
