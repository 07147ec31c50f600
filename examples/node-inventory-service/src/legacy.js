/*
 * Nightly stock sync with the ERP. Older than the rest of the service and still
 * started from cron as `npm run sync:erp`.
 */
var fs = require('fs');
var adal = require('adal-node');
var axios = require('axios');
var config = require('./config');

var AuthenticationContext = adal.AuthenticationContext;

adal.Logging.setLoggingOptions({
  level: adal.Logging.LOGGING_LEVEL.WARN,
  log: function (level, message, error) {
    console.error('[adal] ' + message + (error ? ' ' + error.stack : ''));
  }
});

function TokenProvider(authority, clientId, resource) {
  this.context = new AuthenticationContext(authority);
  this.clientId = clientId;
  this.resource = resource;
  this.key = fs.readFileSync(config.erpCertificatePath, 'utf8');
}

TokenProvider.prototype.getToken = function (cb) {
  var self = this;
  self.context.acquireTokenWithClientCertificate(self.resource, self.clientId, self.key,
    config.erpCertificateThumbprint, function (err, tokenResponse) {
      if (err) {
        return cb(err);
      }
      cb(null, tokenResponse.accessToken);
    });
};

function syncStock(provider, done) {
  provider.getToken(function (err, token) {
    if (err) return done(err);
    var headers = { Authorization: 'Bearer ' + token };
    axios.get(config.erpResource + '/odata/StockLevels', { headers: headers })
      .then(function (res) {
        return axios.post(config.warehouseApiUrl + '/stock/bulk', res.data.value, { headers: headers });
      })
      .then(function (res) { done(null, res.data.updated); }, done);
  });
}

if (require.main === module) {
  var provider = new TokenProvider(config.authorityHost + '/' + config.tenantId,
    config.clientId, config.erpResource);
  syncStock(provider, function (err, updated) {
    if (err) {
      console.error('ERP sync failed:', err.message || err);
      process.exit(1);
    }
    console.log('ERP sync done, ' + updated + ' items updated');
  });
}

module.exports = { TokenProvider: TokenProvider, syncStock: syncStock };
