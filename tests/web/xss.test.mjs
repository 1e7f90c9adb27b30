// What a person types is shown as text, never run: an account whose display name, bio, profile
// fields, post and photo description hold script tags, attribute breakouts, javascript: URLs and
// right-to-left override characters gets pages (post and profile, JavaScript on) that run none of
// it and show all of it, under the strict security headers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { api, rebase, registerUser } from '../e2e/harness.mjs';
import { checkPage, newContext, openPage, startAll, stopAll } from './browser.mjs';
import { assertHtmlHeaders, getPage, postStatus, uploadPhoto } from './site.mjs';

const SCRIPT = '<script>window.__xss=1</script>';
const IMG = '"><img src=x onerror="window.__xss=1">';
const JS_URL = 'javascript:alert(1)';
const RLO = '\u202E';
const RTL = `photo${RLO}gnp.exe`; // shows as "photoexe.png" unless the override is contained
// Display names are at most 30 characters, so the name carries the short forms.
const DISPLAY_NAME = `<script>__xss=1</script>${RLO}ab`;
const ALL = `${SCRIPT} ${IMG} ${JS_URL} ${RTL}`;

let server;
let browser;
let context;
let account;
let status;

before(async () => {
  ({ server, browser } = await startAll());
  const user = await registerUser(server.url, 'mallory');
  const updated = await api(server.url, 'PATCH', '/api/v1/accounts/update_credentials', {
    token: user.token,
    json: {
      display_name: DISPLAY_NAME,
      note: `Bio: ${ALL}`,
      fields_attributes: [
        { name: 'Website', value: JS_URL },
        { name: SCRIPT, value: IMG },
        { name: 'Text', value: ALL },
      ],
    },
  });
  assert.equal(updated.status, 200, JSON.stringify(updated.body));
  account = updated.body;
  // (The server may close the override with U+202C POP DIRECTIONAL FORMATTING.)
  assert.ok(account.display_name.startsWith(DISPLAY_NAME), `the API keeps the display name as typed: ${JSON.stringify(account.display_name)}`);
  const media = await uploadPhoto(server.url, user.token, { description: `Alt: ${ALL}` });
  status = await postStatus(server.url, user.token, { status: `Post: ${ALL} https://example.com/ok`, media_ids: [media.id] });
  context = await newContext(browser, { size: 'desktop', scheme: 'light' });
});

after(() => stopAll({ server, browser }));

// Loads `url` with JavaScript on and reports what would show an injection.
async function inspect(url, name) {
  const page = await openPage(context);
  await page.goto(url);
  await page.waitForTimeout(300); // an injected onerror handler fires once the bad image fails
  const found = await page.evaluate(() => {
    const origin = location.origin;
    const scripts = Array.from(document.scripts).map((s) => ({ src: s.getAttribute('src'), inline: s.textContent.slice(0, 80) }));
    const foreignScripts = scripts.filter((s) => {
      if (!s.src) return true;
      const u = new URL(s.src, location.href);
      return u.origin !== origin || !u.pathname.startsWith('/assets/');
    });
    const handlers = [];
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) if (/^on/i.test(a.name)) handlers.push(`<${el.tagName.toLowerCase()} ${a.name}="${a.value}">`);
    }
    const jsLinks = Array.from(document.querySelectorAll('[href], [src], [action], [formaction]'))
      .flatMap((el) => ['href', 'src', 'action', 'formaction'].map((n) => el.getAttribute(n)).filter(Boolean))
      .filter((v) => /^\s*javascript:/i.test(v.replace(/[\u0000-\u001f]/g, '')));
    return {
      xss: window.__xss,
      foreignScripts,
      handlers,
      jsLinks,
      imgsToX: Array.from(document.images).filter((i) => i.getAttribute('src') === 'x').length,
      text: document.body.innerText,
      alts: Array.from(document.images).map((i) => i.getAttribute('alt')),
    };
  });
  return { page, found, name };
}

function assertNothingRan({ found, name }) {
  assert.equal(found.xss, undefined, `${name}: window.__xss was set: an injected script ran`);
  assert.deepEqual(found.foreignScripts, [], `${name}: only same-origin /assets/ scripts`);
  assert.deepEqual(found.handlers, [], `${name}: no inline event handler attributes`);
  assert.deepEqual(found.jsLinks, [], `${name}: no javascript: URLs`);
  assert.equal(found.imgsToX, 0, `${name}: no injected <img src=x>`);
}

describe('hostile text on the pages', () => {
  it('the post page runs none of it, shows all of it, and passes the page checks', async () => {
    const seen = await inspect(rebase(status.url, server.url), 'post page');
    try {
      assertNothingRan(seen);
      for (const s of [SCRIPT, IMG, JS_URL, 'gnp.exe']) {
        assert.ok(seen.found.text.includes(s), `post page: ${JSON.stringify(s)} shown as text`);
      }
      assert.ok(seen.found.alts.includes(`Alt: ${ALL}`), `the photo's alt is the description, verbatim: ${JSON.stringify(seen.found.alts)}`);
      assert.ok(seen.found.text.includes('<script>__xss=1</script>'), 'the display name is shown as text');
      await checkPage(seen.page, 'xss-post');
    } finally {
      await seen.page.close();
    }
  });

  it('the profile page runs none of it and shows all of it', async () => {
    const seen = await inspect(rebase(account.url ?? '/@mallory', server.url), 'profile page');
    try {
      assertNothingRan(seen);
      assert.ok(seen.found.text.includes('<script>__xss=1</script>'), 'the display name is shown as text');
      for (const s of [`Bio: ${SCRIPT}`, IMG, JS_URL, 'gnp.exe']) {
        assert.ok(seen.found.text.includes(s), `profile page: ${JSON.stringify(s)} shown as text`);
      }
      await checkPage(seen.page, 'xss-profile');
    } finally {
      await seen.page.close();
    }
  });

  it('the explore grid runs none of it and keeps the description as the alt text', async () => {
    const seen = await inspect(rebase('/explore', server.url), 'explore page');
    try {
      assertNothingRan(seen);
      assert.ok(seen.found.alts.includes(`Alt: ${ALL}`), `the tile's alt is the description, verbatim: ${JSON.stringify(seen.found.alts)}`);
      await checkPage(seen.page, 'xss-explore');
    } finally {
      await seen.page.close();
    }
  });

  it('keeps a right-to-left override inside the display name it came in', async () => {
    // Wherever the display name is shown (profile, post, explore grid), its override must end
    // with it: closed by U+202C in the same text, isolated (<bdi>, dir=auto, unicode-bidi isolate
    // or plaintext, on it or an inline ancestor), or alone in its block; else it reverses the
    // page's own words after it on that line (as in "Mallory\u202E @mallory · 2 likes").
    for (const path of [account.url ?? '/@mallory', status.url, '/explore']) {
      const page = await openPage(context);
      try {
        await page.goto(rebase(path, server.url));
        const found = await page.evaluate(({ name }) => {
          const out = { shown: 0, leaks: [] };
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (!n.data.includes(name)) continue;
            out.shown++;
            const opened = (n.data.match(/[\u202A\u202B\u202D\u202E]/g) ?? []).length;
            const closed = (n.data.match(/\u202C/g) ?? []).length;
            if (closed >= opened) continue;
            let isolated = false;
            for (let el = n.parentElement; el && el !== document.body; el = el.parentElement) {
              const style = getComputedStyle(el);
              if (el.tagName === 'BDI' || el.getAttribute('dir') === 'auto' || /isolate|plaintext/.test(style.unicodeBidi)) {
                isolated = true;
                break;
              }
              if (!style.display.startsWith('inline')) {
                isolated = el.textContent.trim() === n.data.trim(); // a block of its own
                break;
              }
            }
            if (!isolated) {
              const block = n.parentElement.closest('p, li, dd, dt, div, h1, h2, h3, header, section, article') ?? n.parentElement;
              out.leaks.push(`${n.parentElement.tagName.toLowerCase()}.${n.parentElement.className} in "${block.textContent.trim().slice(0, 120)}"`);
            }
          }
          return out;
        }, { name: DISPLAY_NAME.slice(0, DISPLAY_NAME.indexOf(RLO) + 1) });
        assert.ok(found.shown >= 1, `${path}: the display name is shown`);
        assert.deepEqual(found.leaks, [], `${path}: a display name whose U+202E is neither closed nor isolated`);
      } finally {
        await page.close();
      }
    }
  });

  it('serves pages with the strict security headers', async () => {
    for (const [what, path] of [['post page', status.url], ['profile page', account.url ?? '/@mallory']]) {
      const res = await getPage(server.url, path);
      assert.equal(res.status, 200, `${what}: HTTP ${res.status}`);
      assertHtmlHeaders(res.headers, what);
      assert.ok(!res.text.includes(SCRIPT), `${what}: the raw <script> payload is not in the HTML`);
      assert.ok(!res.text.includes('<img src=x'), `${what}: the raw <img> payload is not in the HTML`);
    }
  });
});
