'use strict';

const express = require('express');
const axios = require('axios');
const config = require('./config');
const { TokenService } = require('./auth');
const { authenticate } = require('./middleware');

const app = express();
const tokens = new TokenService();
const wms = axios.create({ baseURL: config.warehouseApiUrl, timeout: 10000 });

wms.interceptors.request.use(async (req) => {
  Object.assign(req.headers, await tokens.authHeaders());
  return req;
});

app.use(express.json());

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));

app.get('/stock/:sku', authenticate('inventory.read'), async (req, res, next) => {
  try {
    const site = req.auth.site || req.query.site;
    const { data } = await wms.get(`/stock/${encodeURIComponent(req.params.sku)}`, {
      params: site ? { site } : {},
    });
    res.json({ sku: req.params.sku, site: req.auth.siteName(), levels: data.levels });
  } catch (err) {
    next(err);
  }
});

app.post('/reservations', authenticate('inventory.write'), async (req, res, next) => {
  const { sku, quantity, orderId } = req.body;
  if (!sku || !Number.isInteger(quantity) || quantity <= 0) {
    return res.status(400).json({ error: 'sku and a positive integer quantity are required' });
  }
  try {
    const { data } = await wms.post('/reservations', { sku, quantity, orderId });
    return res.status(201).json(data);
  } catch (err) {
    return next(err);
  }
});

app.use((err, req, res, next) => { // eslint-disable-line no-unused-vars
  const status = err.response ? 502 : 500;
  console.error(`${req.method} ${req.path} failed:`, err.message);
  res.status(status).json({ error: status === 502 ? 'warehouse API error' : 'internal error' });
});

if (require.main === module) {
  app.listen(config.port, () => console.log(`inventory-service listening on :${config.port}`));
}

module.exports = app;
