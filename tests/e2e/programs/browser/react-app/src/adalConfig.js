// The react-adal configuration module of the browser e2e app, as react-adal's README
// shows it. The tenant and client are the fake identity platform's test values.
import { AuthenticationContext, adalFetch, withAdalLogin } from 'react-adal';

export const adalConfig = {
  tenant: '4f2c6a1e-8b3d-4e5f-9a07-1c2d3e4f5a6b',
  clientId: '0b7e3c55-2f1a-4d6e-8c9b-a1b2c3d4e5f6',
  endpoints: {
    api: 'https://orders.contoso.com',
  },
  cacheLocation: 'sessionStorage',
};

export const authContext = new AuthenticationContext(adalConfig);

export const adalApiFetch = (fetch, url, options) =>
  adalFetch(authContext, adalConfig.endpoints.api, fetch, url, options);

export const withAdalLoginApi = withAdalLogin(authContext, adalConfig.endpoints.api);
