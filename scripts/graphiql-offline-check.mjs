#!/usr/bin/env node
// Proves the GraphiQL page works offline: opens it in headless Debian Chromium with every
// request to a host other than localhost/127.0.0.1/[::1] aborted, waits for the editor, runs
// the pre-filled query, prints the result pane and saves a screenshot.
//
//   npm ci --prefix scripts/conformance        # once, for playwright-core
//   node scripts/graphiql-offline-check.mjs http://127.0.0.1:8080/ [/tmp/graphiql.png]
//   node scripts/graphiql-offline-check.mjs --expect-help http://127.0.0.1:8080/ [png]
//     (a server without local files: the page must explain how to get them)
//
// Needs /usr/bin/chromium (Debian package `chromium`); installs nothing itself.
// Exits 0 when the editor rendered and the query's answer (any JSON, an error too) came back.

import { createRequire } from 'node:module';

// playwright-core lives in scripts/conformance/node_modules.
const require = createRequire(new URL('./conformance/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
// --expect-help: the server has no local copy, so offline the page must say what to do.
const expectHelp = args.includes('--expect-help');
const [base, screenshot = '/tmp/graphiql.png'] = args.filter((arg) => arg !== '--expect-help');
if (!base) {
  console.error('usage: graphiql-offline-check.mjs <base url, e.g. http://127.0.0.1:8080/> [screenshot.png]');
  process.exit(2);
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const TIMEOUT_MS = 20_000;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
let code = 1;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });

  // Offline: abort every request that would leave this machine, and remember it.
  const blocked = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const remote = ['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && !LOCAL_HOSTS.has(url.hostname);
    if (remote) {
      blocked.push(url.href);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()}`));

  await page.goto(base, { waitUntil: 'load', timeout: TIMEOUT_MS });

  if (expectHelp) {
    const help = page.locator('#graphiql-unavailable');
    let text = '';
    try {
      await help.waitFor({ timeout: TIMEOUT_MS });
      text = await help.innerText();
    } catch {
      // Not shown: reported below.
    }
    await page.screenshot({ path: screenshot });
    console.log(`help shown: ${text || '(none)'}`);
    code = text.includes('scripts/fetch-graphiql.sh') ? 0 : 1;
    console.log(code === 0 ? 'OK: offline without local files, the page says what to do' : 'FAIL: no help shown');
    await browser.close();
    process.exit(code);
  }

  // 1. The editor rendered.
  let rendered = false;
  try {
    await page.locator('.graphiql-container .graphiql-execute-button').waitFor({ timeout: TIMEOUT_MS });
    rendered = true;
    console.log('editor: rendered');
  } catch {
    console.log('editor: NOT rendered');
  }

  // 2. Run the pre-filled query and read the result pane (a CodeMirror 5 editor in GraphiQL 4).
  let result = '';
  if (rendered) {
    await page.locator('.graphiql-execute-button').first().click();
    const readResult = () => {
      const cm = document.querySelector('.result-window .CodeMirror');
      return cm?.CodeMirror?.getValue() ?? document.querySelector('.result-window')?.innerText ?? '';
    };
    try {
      await page.waitForFunction(`(${readResult})().trim().startsWith('{')`, null, { timeout: TIMEOUT_MS });
    } catch {
      // Leave result as whatever is shown (probably empty): reported below.
    }
    result = (await page.evaluate(readResult)).trim();
    console.log(`result pane:\n${result || '(empty)'}`);
  }

  await page.screenshot({ path: screenshot });
  console.log(`screenshot: ${screenshot}`);
  console.log(`blocked non-local requests: ${blocked.length}${blocked.map((u) => `\n  ${u}`).join('')}`);
  if (problems.length) console.log(`browser problems:\n  ${problems.join('\n  ')}`);

  let json = false;
  try { JSON.parse(result); json = true; } catch { /* not JSON */ }
  code = rendered && json ? 0 : 1;
  console.log(code === 0 ? 'OK: GraphiQL rendered and ran a query offline' : 'FAIL: see above');
} finally {
  await browser.close();
}
process.exit(code);
