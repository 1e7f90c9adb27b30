// Every signed-in page of the demo instance in a real browser: at phone and desktop size, light
// and dark, each passes axe (nothing serious or critical), breaks no Content Security Policy rule,
// logs no error, and is screenshotted (`make screenshots` keeps them in docs/screenshots/). Then
// the like, comment and held-comment flows by keyboard alone, with focus always visible; and the
// chosen appearance (light or dark) overriding the system's, without JavaScript.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from '../e2e/harness.mjs';
import {
  SCHEMES, SIZES, checkPage, launchBrowser, newContext, openPage, sidewaysOverflow, signInWithForm, stopAll, tabTo,
} from './browser.mjs';
import { DEMO_PASSWORD, findDemoPages } from './site.mjs';

let server;
let browser;
let demo;

before(async () => {
  [server, browser] = await Promise.all([startServer({ args: ['--demo'], baseUrl: null }), launchBrowser()]);
  demo = await findDemoPages(server.url);
});

after(() => stopAll({ server, browser }));

const signInAs = (page, username) => signInWithForm(page, server.url, username, DEMO_PASSWORD);

// name: the screenshot's name; path: a function (URLs are known once the demo runs).
const PAGES = [
  { name: 'feed', path: () => '/home' },
  { name: 'notifications', path: () => '/notifications' },
  { name: 'compose', path: () => '/new' },
  { name: 'post-author', path: () => new URL(demo.memorialUrl).pathname },
  { name: 'own-profile', path: () => '/@lena' },
  { name: 'other-profile', path: () => '/@tom' },
  { name: 'block-confirm', path: () => '/@kai/block' },
  { name: 'mute-confirm', path: () => '/@kai/mute' },
  { name: 'delete-confirm', path: () => `/statuses/${demo.memorial.id}/delete` },
  { name: 'memories', path: () => '/memories' },
  { name: 'settings', path: () => '/settings' },
  { name: 'settings-profile', path: () => '/settings/profile' },
  { name: 'settings-password', path: () => '/settings/password' },
  { name: 'settings-sessions', path: () => '/settings/sessions' },
  { name: 'settings-filters', path: () => '/settings/filters' },
  { name: 'settings-filter-new', path: () => '/settings/filters/new' },
  { name: 'settings-hidden-words', path: () => '/settings/hidden_words' },
  { name: 'settings-limits', path: () => '/settings/limits' },
  { name: 'settings-people', path: () => '/settings/people' },
  { name: 'settings-comments', path: () => '/settings/comments' },
  { name: 'settings-support', path: () => '/settings/support' },
  { name: 'settings-memories', path: () => '/settings/memories' },
  { name: 'settings-appearance', path: () => '/settings/appearance' },
  { name: 'settings-delete', path: () => '/settings/delete' },
];

describe('every signed-in page, phone and desktop, light and dark', () => {
  for (const size of Object.keys(SIZES)) {
    for (const scheme of SCHEMES) {
      describe(`${size}, ${scheme}`, () => {
        let context;
        let page;
        before(async () => {
          context = await newContext(browser, { size, scheme });
          page = await openPage(context);
          await signInAs(page, 'lena');
        });
        after(() => context?.close());
        for (const kind of PAGES) {
          it(kind.name, { timeout: 60_000 }, async () => {
            await page.goto(`${server.url}${kind.path()}`);
            await checkPage(page, kind.name);
          });
        }
      });
    }
  }
});

describe('at 320 pixels wide (what 400% zoom of a 1280-pixel window gives)', () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`no signed-in page scrolls sideways (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, { timeout: 120_000 }, async () => {
      const context = await browser.newContext({ viewport: { width: 320, height: 640 }, javaScriptEnabled });
      try {
        const page = await openPage(context);
        await signInAs(page, 'lena');
        for (const kind of PAGES) {
          await page.goto(`${server.url}${kind.path()}`);
          const overflow = await sidewaysOverflow(page);
          assert.ok(overflow.scroll <= overflow.width, `${kind.name}: the page is ${overflow.scroll} px wide at ${overflow.width}`);
          assert.deepEqual(overflow.wide, [], `${kind.name}: elements past the right edge`);
        }
      } finally {
        await context.close();
      }
    });
  }
});

describe('by keyboard alone', () => {
  for (const javaScriptEnabled of [true, false]) {
    const tag = javaScriptEnabled ? 'js' : 'nojs';
    it(`likes, comments, and approves a held comment (${tag})`, { timeout: 120_000 }, async () => {
      const context = await newContext(browser, { size: 'desktop', scheme: 'light', javaScriptEnabled });
      try {
        // Sam follows Lena in the demo and may comment.
        const page = await openPage(context);
        await signInAs(page, 'sam');
        await page.goto(demo.memorialUrl);
        const likeSelector = 'article.post form[data-action="like"] button';
        const wasPressed = await page.locator(likeSelector).getAttribute('aria-pressed');
        await tabTo(page, likeSelector);
        await page.keyboard.press('Enter');
        await page.locator(`${likeSelector}[aria-pressed="${wasPressed === 'true' ? 'false' : 'true'}"]`).waitFor();

        await tabTo(page, '#comment-text');
        await page.keyboard.type(`With you today, Lena (${tag}).`);
        await tabTo(page, '#comment-form button[type="submit"]');
        await page.keyboard.press('Enter');
        await page.waitForURL(/#c-\d+$/);
        const mine = page.locator('li.comment', { hasText: `With you today, Lena (${tag}).` });
        await mine.first().waitFor();
        await context.clearCookies();

        // Lena reviews Kai's held comment.
        await signInAs(page, 'lena');
        await page.goto(demo.memorialUrl);
        const held = page.locator('section.held li.held-comment');
        const before = await held.count();
        assert.ok(before > 0, 'the demo holds a comment on the memorial post');
        await tabTo(page, 'section.held li.held-comment button');
        const approved = await page.evaluate(() => document.activeElement.closest('li').id);
        assert.match(await page.evaluate(() => document.activeElement.textContent), /Approve/);
        await page.keyboard.press('Enter');
        await page.waitForLoadState('load');
        await page.locator(`#${approved}`).waitFor({ state: 'detached' });
        assert.equal(await page.locator('section.held li.held-comment').count(), before - 1);
      } finally {
        await context.close();
      }
    });
  }
});

describe('appearance', () => {
  it('a chosen dark look overrides a light system, without JavaScript', { timeout: 60_000 }, async () => {
    const context = await newContext(browser, { size: 'phone', scheme: 'light', javaScriptEnabled: false });
    try {
      const page = await openPage(context);
      await signInAs(page, 'jonas');
      await page.goto(`${server.url}/settings/appearance`);
      await page.getByRole('radio', { name: /Dark/ }).check();
      await page.getByRole('button', { name: /Save/ }).click();
      await page.waitForLoadState('load');
      await page.goto(`${server.url}/explore`);
      assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.notEqual(background, 'rgb(255, 255, 255)', 'the page is dark');
      await checkPage(page, 'appearance-dark-override');
    } finally {
      await context.close();
    }
  });
});
