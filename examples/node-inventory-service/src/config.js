'use strict';

require('dotenv').config();

const env = (name, fallback) => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    if (fallback === undefined) throw new Error(`Missing environment variable ${name}`);
    return fallback;
  }
  return value;
};

module.exports = {
  port: parseInt(env('PORT', '3000'), 10),
  tenantId: env('AAD_TENANT_ID', 'contoso.onmicrosoft.com'),
  authorityHost: env('AAD_AUTHORITY_HOST', 'https://login.microsoftonline.com'),
  clientId: env('AAD_CLIENT_ID', ''),
  clientSecret: env('AAD_CLIENT_SECRET', ''),
  warehouseApiUrl: env('WAREHOUSE_API_URL', 'https://wms.contoso.com/api'),
  warehouseApiResource: env('WAREHOUSE_API_RESOURCE', 'https://wms.contoso.com'),
  erpResource: env('ERP_RESOURCE', 'https://erp.contoso.com'),
  erpCertificatePath: env('ERP_CERT_PATH', '/etc/inventory/erp-client.pem'),
  erpCertificateThumbprint: env('ERP_CERT_THUMBPRINT', ''),
};
