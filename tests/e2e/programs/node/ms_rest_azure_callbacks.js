// adalint e2e "before" program: a Node script in ms-rest-azure's callback style. It signs
// in with a service principal (tokenAudience: a data-plane resource, which also spares the
// login its subscription listing), asks the credentials for a token in the login's
// callback, and asks again in that callback (served from the cache). Prints the token; on
// error prints it to stderr and exits 1.
'use strict';

const msRestAzure = require('ms-rest-azure');

msRestAzure.loginWithServicePrincipalSecret(process.env.AZURE_CLIENT_ID, process.env.AZURE_CLIENT_SECRET, process.env.AZURE_TENANT_ID, { tokenAudience: process.env.AZURE_RESOURCE }, function (err, credentials) {
  if (err) {
    console.error('login failed: ' + err.message);
    process.exit(1);
  }
  credentials.getToken(function (err2) {
    if (err2) {
      console.error('token request failed: ' + err2.message);
      process.exit(1);
    }
    credentials.getToken(function (err3, again) {
      if (err3) {
        console.error('token request failed: ' + err3.message);
        process.exit(1);
      }
      console.log(again.accessToken);
    });
  });
});
