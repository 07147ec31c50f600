// adalint e2e "before" program: a Node web app's token store redeems a stored refresh token
// with adal-node (confidential client, callback style). Production-shaped: real authority,
// values from the environment. Prints the token; on error prints it to stderr and exits
// non-zero.
'use strict';

const adal = require('adal-node');

class TokenStore {
  constructor(tenantId) {
    this.context = new adal.AuthenticationContext('https://login.microsoftonline.com/' + tenantId);
  }

  redeem(refreshToken, done) {
    this.context.acquireTokenWithRefreshToken(
      refreshToken,
      process.env.AZURE_CLIENT_ID,
      process.env.AZURE_CLIENT_SECRET,
      process.env.AZURE_RESOURCE,
      function (err, tokenResponse) {
        if (err) {
          return done(err);
        }
        done(null, tokenResponse.accessToken);
      }
    );
  }
}

new TokenStore(process.env.AZURE_TENANT_ID).redeem(process.env.AZURE_REFRESH_TOKEN, (err, accessToken) => {
  if (err) {
    console.error('refresh failed: ' + (err.stack || err));
    process.exitCode = 1;
    return;
  }
  console.log(accessToken);
});
