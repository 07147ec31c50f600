'use strict';

const { AuthenticationContext } = require('adal-node');
const config = require('./config');

// Renew five minutes early so requests already in flight do not get a 401.
const RENEW_MARGIN_MS = 5 * 60 * 1000;

class TokenService {
  constructor(options = {}) {
    this.clientId = options.clientId || config.clientId;
    this.clientSecret = options.clientSecret || config.clientSecret;
    this.resource = options.resource || config.warehouseApiResource;
    const authority = options.authority || `${config.authorityHost}/${config.tenantId}`;
    this.context = new AuthenticationContext(authority);
    this.current = null;
  }

  isFresh() {
    return this.current !== null
      && this.current.expiresOn.getTime() - Date.now() > RENEW_MARGIN_MS;
  }

  getToken() {
    if (this.isFresh()) {
      return Promise.resolve(this.current.accessToken);
    }
    return new Promise((resolve, reject) => {
      this.context.acquireTokenWithClientCredentials(
        this.resource, this.clientId, this.clientSecret, (err, response) => {
          if (err) {
            const detail = response && response.error_description;
            return reject(new Error(`Token request failed: ${detail || err.message || err}`));
          }
          this.current = response;
          return resolve(response.accessToken);
        });
    });
  }

  async authHeaders() {
    const token = await this.getToken();
    return { Authorization: `Bearer ${token}` };
  }
}

module.exports = { TokenService };
