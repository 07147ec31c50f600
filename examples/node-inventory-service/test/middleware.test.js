'use strict';

const assert = require('assert');
const { AuthenticationContext, authenticate } = require('../src/middleware');

function fakeRequest(principal) {
  const header = principal && Buffer.from(JSON.stringify(principal)).toString('base64');
  return { get: (name) => (name === 'x-ms-client-principal' ? header : undefined) };
}

function fakeResponse() {
  return {
    statusCode: 200,
    body: null,
    status(code) { this.statusCode = code; return this; },
    json(body) { this.body = body; return this; },
  };
}

describe('authenticate()', () => {
  it('rejects requests without a client principal', () => {
    const res = fakeResponse();
    authenticate('inventory.read')(fakeRequest(null), res, () => assert.fail('next called'));
    assert.strictEqual(res.statusCode, 401);
  });

  it('lets admins through and exposes the site name', () => {
    const req = fakeRequest({ userId: 'u1', userRoles: ['inventory.admin'], site: 'GDL' });
    let called = false;
    authenticate('inventory.write')(req, fakeResponse(), () => { called = true; });
    assert.ok(called);
    assert.ok(req.auth instanceof AuthenticationContext);
    assert.strictEqual(req.auth.siteName(), 'Guadalajara DC');
  });

  it('refuses unknown sites', () => {
    const res = fakeResponse();
    const req = fakeRequest({ userId: 'u2', userRoles: ['inventory.read'], site: 'XXX' });
    authenticate('inventory.read')(req, res, () => assert.fail('next called'));
    assert.strictEqual(res.statusCode, 403);
  });
});
