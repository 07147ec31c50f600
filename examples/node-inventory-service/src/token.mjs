// Operator sign-in for scripts/maintenance tasks: device code flow, token printed to stdout.
//   node src/token.mjs | pbcopy
import adal from 'adal-node';

const tenant = process.env.AAD_TENANT_ID || 'contoso.onmicrosoft.com';
const authority = `https://login.microsoftonline.com/${tenant}`;
const resource = process.env.WAREHOUSE_API_RESOURCE || 'https://wms.contoso.com';
// "inventory-ops-cli" public client registration
const clientId = '3f4a1c2e-8b7d-4e6f-9a0b-5c1d2e3f4a5b';

export function operatorToken() {
  const context = new adal.AuthenticationContext(authority);
  return new Promise((resolve, reject) => {
    context.acquireUserCode(resource, clientId, 'en-us', (err, userCode) => {
      if (err) return reject(err);
      process.stderr.write(`${userCode.message}\n`);
      context.acquireTokenWithDeviceCode(resource, clientId, userCode, (pollErr, response) => {
        if (pollErr) return reject(pollErr);
        if (response instanceof Error) return reject(response);
        return resolve(response);
      });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  operatorToken()
    .then((response) => {
      process.stderr.write(`signed in as ${response.userId}\n`);
      process.stdout.write(`${response.accessToken}\n`);
    })
    .catch((err) => {
      process.stderr.write(`sign-in failed: ${err.message || err}\n`);
      process.exitCode = 1;
    });
}
