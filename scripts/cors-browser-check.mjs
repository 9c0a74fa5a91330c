#!/usr/bin/env node
// CORS as a real browser does it: serves one small page from two other origins
// (http://127.0.0.1:<allowed port>, which the API allows, and http://127.0.0.1:<other port>,
// which it does not), opens each in headless Debian Chromium, and the page POSTs `me` to the
// API with `authorization` and `content-type: application/json` (so Chromium sends a preflight).
// From the allowed origin the answer is the demo admin; from the other, fetch rejects, Chromium
// blames the CORS policy, and only the preflight reached the server (its access log says so).
//
//   npm ci --prefix scripts/conformance        # once, for playwright-core
//   node scripts/cors-browser-check.mjs <api base> <token> <allowed port> <other port> <server log>
//
// The API runs with CORS_ALLOWED_ORIGINS=http://127.0.0.1:<allowed port> and a JWT_SECRET
// (scripts/cors-browser-check.sh starts it). Needs /usr/bin/chromium. Exits 1 on any failure.

import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// playwright-core lives in scripts/conformance/node_modules.
const require = createRequire(new URL('./conformance/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [api, token, allowedPort, otherPort, serverLog] = process.argv.slice(2);
if (!serverLog) {
  console.error('usage: cors-browser-check.mjs <api base> <token> <allowed port> <other port> <server log>');
  process.exit(2);
}

// The page: on load, fetch `me` cross-origin and keep the outcome in window.corsResult.
const PAGE = `<!doctype html><meta charset="utf-8"><title>CORS check</title>
<script>
  const params = new URLSearchParams(location.hash.slice(1));
  window.corsResult = fetch(params.get('api') + '/graphql', {
    method: 'POST',
    headers: { authorization: 'Bearer ' + params.get('token'), 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query Me { me { id userName } }' }),
  }).then(
    async (r) => ({ fetched: true, status: r.status, body: await r.json() }),
    (e) => ({ fetched: false, error: String(e) }),
  );
</script>`;
const serve = (port) => new Promise((resolve, reject) => {
  const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
  server.once('error', reject).listen(Number(port), '127.0.0.1', () => resolve(server));
});

let failures = 0;
function check(name, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : `\n     ${JSON.stringify(detail)}`}`);
  if (!ok) failures += 1;
}
// The server's access-log lines for /graphql, by method.
function graphqlRequests() {
  const lines = readFileSync(serverLog, 'utf8').split('\n').filter((l) => /okrs::access: .*path=\/graphql /.test(l));
  const count = (method) => lines.filter((l) => l.includes(`method=${method} `)).length;
  return { OPTIONS: count('OPTIONS'), POST: count('POST') };
}
// The counts once `done(counts)` holds, or after 3 s (a log line may land just after the answer).
async function graphqlRequestsWhen(done) {
  for (let i = 0; i < 30 && !done(graphqlRequests()); i += 1) await new Promise((r) => setTimeout(r, 100));
  return graphqlRequests();
}

const pages = await Promise.all([serve(allowedPort), serve(otherPort)]);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
// Opens the page of one origin in a fresh context; answers the page's outcome and console errors.
async function run(port) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  await page.goto(`http://127.0.0.1:${port}/#${new URLSearchParams({ api, token })}`, { waitUntil: 'load' });
  const result = await page.evaluate(() => window.corsResult);
  await context.close();
  return { result, consoleErrors };
}

try {
  const before = graphqlRequests();
  const allowed = await run(allowedPort);
  const afterAllowed = await graphqlRequestsWhen((c) => c.POST > before.POST);
  check(`allowed origin http://127.0.0.1:${allowedPort}: fetch succeeds, me is the demo admin`,
    allowed.result.fetched && allowed.result.status === 200 &&
      allowed.result.body?.data?.me?.userName === 'ada.admin@example.com', allowed);
  check('allowed origin: Chromium sent a preflight (OPTIONS) before the POST',
    afterAllowed.OPTIONS - before.OPTIONS === 1 && afterAllowed.POST - before.POST === 1, { before, afterAllowed });

  const other = await run(otherPort);
  const afterOther = await graphqlRequestsWhen((c) => c.OPTIONS > afterAllowed.OPTIONS);
  check(`other origin http://127.0.0.1:${otherPort}: fetch rejects`,
    !other.result.fetched && /TypeError/.test(other.result.error), other);
  const blame = other.consoleErrors.find((e) => /blocked by CORS policy: Response to preflight request/.test(e));
  check('other origin: Chromium says the preflight answer failed the CORS policy',
    blame?.includes(`origin 'http://127.0.0.1:${otherPort}'`), other.consoleErrors);
  if (blame) console.log(`     Chromium: ${blame}`);
  check('other origin: only the preflight reached the server, never the POST',
    afterOther.OPTIONS - afterAllowed.OPTIONS === 1 && afterOther.POST === afterAllowed.POST, { afterAllowed, afterOther });
} finally {
  await browser.close();
  pages.forEach((server) => server.close());
}
console.log(failures
  ? `CORS browser check: ${failures} failed`
  : 'CORS browser check: allowed origin served, other origin blocked');
process.exit(failures ? 1 : 0);
