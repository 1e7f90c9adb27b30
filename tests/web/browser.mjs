// Browser test helpers: Debian's Chromium (/usr/bin/chromium, installed by scripts/setup.sh)
// driven by playwright-core, which never downloads a browser of its own, and axe-core for
// accessibility. The server side is tests/e2e/harness.mjs.
//
//   const browser = await launchBrowser();
//   const context = await newContext(browser, { size: 'phone', scheme: 'dark' });
//   const page = await openPage(context);       // collects errors from the first request on
//   await page.goto(url);
//   await checkPage(page, 'explore');           // axe, CSP, console; screenshot; throws on problems
//
// Screenshots go to build/test-output/web/<name>-<phone|desktop>-<light|dark>.png (`make
// screenshots` copies them to docs/screenshots/). KINDRED_CHROMIUM names another Chromium.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright-core';

import { removeDataDir, repoRoot, startServer } from '../e2e/harness.mjs';

export const chromiumPath = process.env.KINDRED_CHROMIUM ?? '/usr/bin/chromium';
export const outputDir = path.join(repoRoot, 'build', 'test-output', 'web');

export const SIZES = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1440, height: 900 },
};
export const SCHEMES = ['light', 'dark'];

// The axe impacts that fail a page; "minor" and "moderate" ones are printed but pass.
const FAILING_IMPACTS = new Set(['serious', 'critical']);

// Launches headless Chromium. As root (CI containers) Chromium refuses to start with its sandbox,
// and in a container without user namespaces it cannot build one: --no-sandbox is passed then
// (the pages visited are only the test server's own).
// A Kindred server (startServer's options) and a browser, started together; stop both with
// stopAll() in the test file's after().
export async function startAll(serverOptions = {}) {
  const [server, browser] = await Promise.all([startServer(serverOptions), launchBrowser()]);
  return { server, browser };
}

export async function stopAll({ server, browser }) {
  await browser?.close();
  if (server) {
    await server.stop();
    await removeDataDir(server.dataDir);
  }
}

export async function launchBrowser() {
  const args = ['--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars', '--font-render-hinting=none'];
  const launch = (extra) => chromium.launch({ executablePath: chromiumPath, headless: true, args: [...args, ...extra] });
  const noSandbox = process.getuid?.() === 0 || Boolean(process.env.KINDRED_CHROMIUM_NO_SANDBOX);
  try {
    if (noSandbox) return await launch(['--no-sandbox']);
    try {
      return await launch([]);
    } catch (err) {
      if (!/sandbox/i.test(err.message)) throw err;
      console.log('browser: Chromium has no usable sandbox here; running it with --no-sandbox');
      return await launch(['--no-sandbox']);
    }
  } catch (err) {
    throw new Error(
      `could not launch Chromium at ${chromiumPath} (scripts/setup.sh installs Debian's chromium; ` +
        `KINDRED_CHROMIUM names another):\n${err.message}`,
    );
  }
}

// What each context was made for, to name its screenshots.
const contextInfo = new WeakMap();

// A fresh browser context (own cookies and cache) for one viewport size, colour scheme and
// JavaScript setting. Every page opened in it records Content Security Policy violations in
// window.__cspViolations (when JavaScript runs; without it the console still reports them).
export async function newContext(browser, { size = 'desktop', scheme = 'light', javaScriptEnabled = true } = {}) {
  if (!SIZES[size]) throw new Error(`unknown size ${size}`);
  if (!SCHEMES.includes(scheme)) throw new Error(`unknown colour scheme ${scheme}`);
  const context = await browser.newContext({
    viewport: SIZES[size],
    colorScheme: scheme,
    javaScriptEnabled,
    reducedMotion: 'reduce',
    locale: 'en-GB',
    timezoneId: 'Europe/Berlin',
  });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push({
        directive: e.violatedDirective,
        blocked: e.blockedURI,
        source: e.sourceFile ? `${e.sourceFile}:${e.lineNumber}:${e.columnNumber}` : '',
        sample: e.sample,
      });
    });
  });
  contextInfo.set(context, { size, scheme, javaScriptEnabled });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  return context;
}

// The icon Chromium fetches by itself when a page names none.
function isFaviconUrl(url) {
  try {
    return new URL(url).pathname === '/favicon.ico';
  } catch {
    return false;
  }
}

// The problems seen on each page since it opened.
const collected = new WeakMap();

// A new page in `context`, recording console errors, uncaught exceptions, failed requests and
// error responses to subresources, for checkPage().
export async function openPage(context) {
  const page = await context.newPage();
  const seen = { console: [], pageErrors: [], csp: [], failedRequests: [], badResponses: [] };
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content.Security.Policy/i.test(text)) seen.csp.push(text);
    if (msg.type() === 'error') seen.console.push({ text, url: msg.location()?.url ?? '' });
  });
  page.on('pageerror', (err) => seen.pageErrors.push(String(err?.stack ?? err)));
  // Each document is judged on its own: following a link starts the record afresh.
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) return;
    for (const list of [seen.console, seen.pageErrors, seen.csp, seen.failedRequests, seen.badResponses]) list.length = 0;
  });
  page.on('requestfailed', (req) => {
    // A navigation away aborts what the old page was still loading; that is no defect (a request
    // the policy blocks fails with net::ERR_BLOCKED_BY_CSP, and is reported as a violation too).
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
    seen.failedRequests.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (res.request().isNavigationRequest() && res.frame() === page.mainFrame()) seen.documentStatus = res.status();
    if (res.status() >= 400 && !res.request().isNavigationRequest() && !isFaviconUrl(res.url())) {
      seen.badResponses.push(`${res.request().method()} ${res.url()}: HTTP ${res.status()}`);
    }
  });
  collected.set(page, seen);
  return page;
}

// The CSP violations the page's init script saw (empty without JavaScript).
async function cspViolationsInPage(page) {
  try {
    return await page.evaluate(() => window.__cspViolations ?? []);
  } catch {
    return [];
  }
}

// axe violations as readable lines: rule, impact, summary, then each element's target and why.
export function formatAxeViolations(violations, { maxNodes = 8 } = {}) {
  const lines = [];
  for (const v of violations) {
    lines.push(`  axe ${v.id} (${v.impact}): ${v.help}  [${v.helpUrl}]`);
    for (const node of v.nodes.slice(0, maxNodes)) {
      lines.push(`    at ${node.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' | ')}`);
      lines.push(`       ${node.html.replace(/\s+/g, ' ').slice(0, 200)}`);
      for (const l of (node.failureSummary ?? '').split('\n')) if (l.trim()) lines.push(`       ${l.trim()}`);
    }
    if (v.nodes.length > maxNodes) lines.push(`    ... and ${v.nodes.length - maxNodes} more elements`);
  }
  return lines.join('\n');
}

// Screenshots are PNG; KINDRED_SCREENSHOT_TYPE=jpeg writes JPEG at quality 85 instead (what
// `make screenshots` keeps in docs/: a tenth of the bytes).
const screenshotType = process.env.KINDRED_SCREENSHOT_TYPE === 'jpeg' ? 'jpeg' : 'png';

// The screenshot path for `name` in the page's context.
export function screenshotPath(page, name) {
  const info = contextInfo.get(page.context()) ?? { size: 'desktop', scheme: 'light' };
  const suffix = info.javaScriptEnabled === false ? '-nojs' : '';
  return path.join(outputDir, `${name}-${info.size}-${info.scheme}${suffix}.${screenshotType}`);
}

// Checks the page now loaded in `page` (opened with openPage): the markup every page shares (a
// skip link to #main, main#main, exactly one h1), no Content Security Policy violation, no
// console error or uncaught exception, no failed or erroring subresource, and no axe violation of
// serious or critical impact; then writes a full-page screenshot (before judging, so a failing
// page can be looked at). Throws one AssertionError listing every problem.
//   status: the HTTP status the document is expected to have (default 200; 404 for the not-found page): the
//           console error Chromium logs for a document answered with an error status is expected
//           then and ignored.
export async function checkPage(page, name, { status } = {}) {
  const seen = collected.get(page);
  if (!seen) throw new Error('checkPage: open the page with openPage() so its errors are recorded');
  const info = contextInfo.get(page.context()) ?? {};
  const where = `${name} (${info.size ?? '?'}, ${info.scheme ?? '?'}${info.javaScriptEnabled === false ? ', no JavaScript' : ''}) at ${page.url()}`;
  const problems = [];

  await page.waitForLoadState('load');
  if (seen.documentStatus !== (status ?? 200)) {
    problems.push(`the document answered HTTP ${seen.documentStatus}, expected ${status ?? 200}`);
  }
  // Fonts and images settled before axe measures contrast and the screenshot is taken.
  await page.evaluate(() => document.fonts?.ready).catch(() => {});

  const file = screenshotPath(page, name);
  await mkdir(path.dirname(file), { recursive: true });
  await page.screenshot({
    path: file,
    fullPage: true,
    animations: 'disabled',
    ...(screenshotType === 'jpeg' ? { type: 'jpeg', quality: 85 } : {}),
  });

  const markup = await page.evaluate(() => ({
    skip: Array.from(document.querySelectorAll('a.skip-link')).map((a) => a.getAttribute('href')),
    main: document.querySelectorAll('main#main').length,
    h1: Array.from(document.querySelectorAll('h1')).map((h) => h.textContent.trim()),
    lang: document.documentElement.getAttribute('lang'),
    title: document.title,
    stylesheets: document.styleSheets.length,
  }));
  if (!markup.skip.includes('#main')) problems.push(`no a.skip-link[href="#main"] (skip links: ${JSON.stringify(markup.skip)})`);
  if (markup.main !== 1) problems.push(`${markup.main} main#main elements, expected 1`);
  if (markup.h1.length !== 1) problems.push(`${markup.h1.length} h1 elements, expected exactly 1: ${JSON.stringify(markup.h1)}`);
  if (!markup.title.trim()) problems.push('empty <title>');
  if (markup.stylesheets === 0) problems.push('no stylesheet loaded');

  // The same violation is usually both an event (with its directive and source) and a console
  // message (the only trace without JavaScript): both are listed, the message shortened.
  for (const v of await cspViolationsInPage(page)) problems.push(`Content Security Policy violation: ${JSON.stringify(v)}`);
  for (const text of seen.csp) problems.push(`Content Security Policy console message: ${text.slice(0, 160)}`);

  const documentUrl = page.url();
  for (const { text, url } of seen.console) {
    if (/Content.Security.Policy/i.test(text)) continue; // reported above
    // Chromium asks for /favicon.ico once per context, at a moment of its choosing, when a page
    // names no icon: whether the site has one is checked once (pages.test.mjs), not per page.
    if (/Failed to load resource/.test(text) && isFaviconUrl(url)) continue;
    const expectedDocumentError =
      status !== undefined && status >= 400 && /Failed to load resource/.test(text) && (url === documentUrl || url === '');
    if (!expectedDocumentError) problems.push(`console error: ${text}${url ? ` (${url})` : ''}`);
  }
  for (const e of seen.pageErrors) problems.push(`uncaught exception: ${e}`);
  for (const r of seen.failedRequests) problems.push(`request failed: ${r}`);
  for (const r of seen.badResponses) problems.push(`subresource error: ${r}`);

  // axe runs in the page, so it needs JavaScript; pages without it are checked with it elsewhere.
  let axe;
  if (info.javaScriptEnabled !== false) {
    try {
      axe = await new AxeBuilder({ page }).analyze();
    } catch (err) {
      problems.push(`axe could not run: ${err.message}`);
    }
  }
  if (axe) {
    const failing = axe.violations.filter((v) => FAILING_IMPACTS.has(v.impact));
    const minor = axe.violations.filter((v) => !FAILING_IMPACTS.has(v.impact));
    if (minor.length && process.env.KINDRED_WEB_VERBOSE) {
      console.log(`${where}: axe (not failing):\n${formatAxeViolations(minor, { maxNodes: 3 })}`);
    }
    if (failing.length) {
      problems.push(`${failing.length} axe violation(s) of serious or critical impact:\n${formatAxeViolations(failing)}`);
    }
  }

  if (problems.length) {
    const err = new Error(`${where}: ${problems.length} problem(s)\n- ${problems.join('\n- ')}\nscreenshot: ${file}`);
    err.name = 'AssertionError';
    throw err;
  }
  return { screenshot: file, axe };
}

// What sticks out sideways on the page now loaded: the document's scroll width against its
// width, and the first elements past the right edge (a row of photos that scrolls on purpose and
// absolutely positioned elements, such as the skip link, excepted). WCAG 1.4.10 Reflow.
export async function sidewaysOverflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('ul.photos.carousel')) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1 && getComputedStyle(el).position !== 'absolute') {
        wide.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(r.right)}`);
      }
    }
    return { scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5) };
  });
}

// Signs `username` in through the sign-in form of the server at `url`, and waits until the page
// after it has loaded.
export async function signInWithForm(page, url, username, password) {
  await page.goto(`${url}/auth/sign_in`);
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((at) => !at.pathname.startsWith('/auth/'));
}

// Presses Tab until the focused element matches `selector` (at most `max` times); asserts that
// each element focused on the way shows a focus ring.
export async function tabTo(page, selector, max = 300) {
  for (let i = 0; i < max; ++i) {
    await page.keyboard.press('Tab');
    const state = await page.evaluate((sel) => {
      const el = document.activeElement;
      if (!el || el === document.body) return { done: false, visible: true };
      const style = getComputedStyle(el);
      const visible = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      return { done: el.matches(sel), visible, what: el.outerHTML.slice(0, 120) };
    }, selector);
    assert.ok(state.visible, `focus is visible on ${state.what}`);
    if (state.done) return;
  }
  assert.fail(`Tab never reached ${selector}`);
}
