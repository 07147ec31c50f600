// A plain ADAL.js page script (no module system), shaped like ADAL.js' samples: the
// context at the top level, the page start testing for the redirect back from sign-in.
var ordersResource = 'https://orders.contoso.com';

var authContext = new AuthenticationContext({
  clientId: '0b7e3c55-2f1a-4d6e-8c9b-a1b2c3d4e5f6',
  tenant: '4f2c6a1e-8b3d-4e5f-9a07-1c2d3e4f5a6b',
  cacheLocation: 'sessionStorage',
});

function showOrders(token) {
  fetch('/api/orders', { headers: { Authorization: 'Bearer ' + token } })
    .then(function (response) {
      return response.text().then(function (body) {
        document.getElementById('result').textContent = response.status + ' ' + body;
      });
    });
}

if (authContext.isCallback(window.location.hash)) {
  authContext.handleWindowCallback();
  var err = authContext.getLoginError();
  if (err) {
    document.getElementById('result').textContent = 'error ' + err;
  }
} else {
  var user = authContext.getCachedUser();
  if (user) {
    document.getElementById('user').textContent = 'Signed in as ' + user.userName;
    authContext.acquireToken(ordersResource, function (error, token) {
      if (error || !token) {
        document.getElementById('result').textContent = 'error ' + error;
        return;
      }
      showOrders(token);
    });
  } else {
    authContext.login();
  }
}
