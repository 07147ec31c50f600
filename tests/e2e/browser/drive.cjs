// Opens a page in headless Chromium (Debian's chromium-headless-shell, driven by
// puppeteer-core) with the Azure AD hosts sent through the fake identity platform's proxy,
// waits until the app writes its answer into #result, and prints what happened as JSON:
// the answer, the final URL, the pages' console messages and the URLs the browser loaded.
//
//   node drive.cjs URL CHROMIUM PROXY_PORT TIMEOUT_MS
const puppeteer = require('puppeteer-core');

async function main() {
  const [url, chromium, proxyPort, timeout] = process.argv.slice(2);
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: 'shell',
    args: [
      '--no-sandbox',
      `--proxy-server=http://127.0.0.1:${proxyPort}`,
      // The fake's throwaway CA is not in the browser's store.
      '--ignore-certificate-errors',
      '--no-first-run',
      '--disable-gpu',
    ],
  });
  const out = { answer: null, url: null, console: [], navigations: [] };
  try {
    const page = await browser.newPage();
    page.on('console', (m) => out.console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => out.console.push(`pageerror: ${e.message}`));
    page.on('framenavigated', (f) => out.navigations.push(f.url()));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(
      () => (document.querySelector('#result')?.textContent ?? '').length > 0,
      { timeout: Number(timeout), polling: 100 },
    );
    out.answer = await page.$eval('#result', (e) => e.textContent);
    out.url = page.url();
  } catch (error) {
    out.error = String(error);
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
