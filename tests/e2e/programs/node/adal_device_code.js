// adalint e2e "before" program: a Node CLI signs the user in with adal-node's device-code
// flow: it asks for a user code, shows the message, then polls with the same context inside
// the first callback. Production-shaped: real authority, values from the environment. Prints
// the token; on error prints it to stderr and exits non-zero.
'use strict';

const { AuthenticationContext } = require('adal-node');

function signIn(tenantId, done) {
  const context = new AuthenticationContext('https://login.microsoftonline.com/' + tenantId);
  const resource = process.env.AZURE_RESOURCE;
  const clientId = process.env.AZURE_CLIENT_ID;
  context.acquireUserCode(resource, clientId, 'en-us', function (err, userCode) {
    if (err) {
      return done(err);
    }
    // The user opens the URL and types the code.
    console.error(userCode.message);
    console.error('verification: ' + userCode.verificationUrl);
    context.acquireTokenWithDeviceCode(resource, clientId, userCode, function (err, tokenResponse) {
      if (err) {
        return done(err);
      }
      done(null, tokenResponse.accessToken);
    });
  });
}

signIn(process.env.AZURE_TENANT_ID, (err, accessToken) => {
  if (err) {
    console.error('device code sign-in failed: ' + (err.stack || err));
    process.exitCode = 1;
    return;
  }
  console.log(accessToken);
});
