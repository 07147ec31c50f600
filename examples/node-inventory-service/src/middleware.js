'use strict';

// Sites a caller may be bound to; the gateway puts the code in the `site` claim.
const SITES = {
  GDL: 'Guadalajara DC',
  MTY: 'Monterrey DC',
  RTM: 'Rotterdam Maasvlakte',
  ATL: 'Atlanta Fulton Industrial',
};

// Who is calling, as forwarded by the API gateway in x-ms-client-principal
// (base64 JSON). Unrelated to any token library: the gateway already validated it.
class AuthenticationContext {
  constructor(principal) {
    this.userId = principal.userId;
    this.userDetails = principal.userDetails;
    this.roles = principal.userRoles || [];
    this.site = principal.site || null;
  }

  static fromRequest(req) {
    const header = req.get('x-ms-client-principal');
    if (!header) return null;
    const json = Buffer.from(header, 'base64').toString('utf8');
    return new AuthenticationContext(JSON.parse(json));
  }

  hasRole(role) {
    return this.roles.includes(role) || this.roles.includes('inventory.admin');
  }

  siteName() {
    return SITES[this.site] || 'all sites';
  }
}

function authenticate(requiredRole) {
  return (req, res, next) => {
    let ctx;
    try {
      ctx = AuthenticationContext.fromRequest(req);
    } catch (err) {
      return res.status(400).json({ error: 'malformed client principal' });
    }
    if (!ctx) return res.status(401).json({ error: 'not signed in' });
    if (requiredRole && !ctx.hasRole(requiredRole)) {
      return res.status(403).json({ error: `role ${requiredRole} required` });
    }
    if (ctx.site && !SITES[ctx.site]) {
      return res.status(403).json({ error: `unknown site ${ctx.site}` });
    }
    req.auth = ctx;
    return next();
  };
}

module.exports = { AuthenticationContext, authenticate, SITES };
