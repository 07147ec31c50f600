// adalint e2e "before" program: a Node job that signs in with @azure/ms-rest-nodeauth's
// service-principal login in one promise chain, asks the credentials for a token for a
// data-plane resource (tokenAudience, which also spares the login its subscription
// listing) and prints it. On error prints it to stderr and exits 1.
'use strict';

const msRestNodeAuth = require('@azure/ms-rest-nodeauth');

msRestNodeAuth
  .loginWithServicePrincipalSecret(process.env.AZURE_CLIENT_ID, process.env.AZURE_CLIENT_SECRET, process.env.AZURE_TENANT_ID, {
    tokenAudience: process.env.AZURE_RESOURCE,
  })
  .then((credentials) => credentials.getToken())
  .then((tokenResponse) => console.log(tokenResponse.accessToken))
  .catch((err) => {
    console.error('token request failed: ' + (err.stack || err));
    process.exitCode = 1;
  });
