// adalint e2e "before" program: the Power BI samples' promise wrapper around adal-node's
// client credentials flow (`reject` with the error response when one came, `resolve` after
// it with no `else`), awaited twice by its caller: the second call is served from the cache.
// Prints the token; on error prints a message to stderr and exits 1.
'use strict';

const adal = require('adal-node');

const authority = 'https://login.microsoftonline.com/' + process.env.AZURE_TENANT_ID;
const context = new adal.AuthenticationContext(authority);

function getAccessToken() {
  return new Promise((resolve, reject) => {
    context.acquireTokenWithClientCredentials(
      process.env.AZURE_RESOURCE,
      process.env.AZURE_CLIENT_ID,
      process.env.AZURE_CLIENT_SECRET,
      function (err, tokenResponse) {
        // The error response comes in tokenResponse when the service sent one.
        if (err) {
          reject(tokenResponse == null ? err : tokenResponse);
        }
        resolve(tokenResponse);
      }
    );
  });
}

async function main() {
  const first = await getAccessToken();
  const second = await getAccessToken();
  if (first.accessToken !== second.accessToken) {
    throw new Error('the repeated call was not served from the cache');
  }
  console.log(second.accessToken);
}

main().catch((err) => {
  console.error('token request failed: ' + (err.error_description || err.message || err));
  process.exitCode = 1;
});
