// The moderation pages in a real browser. A troll posts a photo behind a content warning and a
// cruel comment; Ann reports them; Cat (a moderator, given the role with `kindred admin role`)
// opens the queue, opens the report, resolves it and finds it under Resolved, and the audit log
// says so in a sentence. By keyboard alone, with JavaScript on and off, focus visible at every
// step. Every moderation page at phone and desktop size, light and dark: axe, CSP, console, and a
// screenshot; none scrolls sideways at 320 pixels. A person who is not a moderator gets the 403
// page and the navigation has no link.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { PASSWORD, api, freshDataDir, kindredBin, registerUser, removeDataDir, startServer } from '../e2e/harness.mjs';
import {
  SCHEMES, SIZES, checkPage, launchBrowser, newContext, openPage, sidewaysOverflow, signInWithForm, tabTo,
} from './browser.mjs';
import { postStatus, uploadPhoto } from './site.mjs';

let server;
let browser;
let dataDir;
let ann;
let troll;
let photoPost;
const reports = [];

// Ann reports the troll's photo post; resolves to the report's id.
async function fileReport(comment) {
  const res = await api(server.url, 'POST', '/api/v1/reports', {
    token: ann.token,
    json: { account_id: troll.id, status_ids: [photoPost.id], comment, category: 'other' },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.id;
}

before(async () => {
  dataDir = await freshDataDir();
  [server, browser] = await Promise.all([startServer({ dataDir, baseUrl: null }), launchBrowser()]);
  ann = await registerUser(server.url, 'ann');
  troll = await registerUser(server.url, 'troll');
  await registerUser(server.url, 'cat');
  troll.id = (await api(server.url, 'GET', '/api/v1/accounts/verify_credentials', { token: troll.token })).body.id;
  const photo = await uploadPhoto(server.url, troll.token, { description: 'A grey wall with words sprayed on it' });
  photoPost = await postStatus(server.url, troll.token, {
    status: 'You all grieve too loudly.', spoiler_text: 'Unkind words', media_ids: [photo.id],
  });
  await postStatus(server.url, troll.token, { status: 'Nobody cares.', in_reply_to_id: photoPost.id });
  for (const n of [1, 2, 3]) reports.push(await fileReport(`Cruel under a memorial post (${n}).`));
  // Roles are given on the command line, with the server stopped.
  await server.stop();
  await promisify(execFile)(kindredBin, ['admin', 'role', '--data-dir', dataDir, '--username', 'cat', '--role', 'moderator']);
  server = await startServer({ dataDir, baseUrl: null });
});

const signInAs = (page, username) => signInWithForm(page, server.url, username, PASSWORD);

after(async () => {
  await browser?.close();
  await server?.stop();
  await removeDataDir(dataDir);
});

describe('a moderator resolves a report by keyboard alone', () => {
  for (const javaScriptEnabled of [true, false]) {
    const tag = javaScriptEnabled ? 'js' : 'nojs';
    it(`queue, report, resolve, Resolved tab, audit log (${tag})`, { timeout: 120_000 }, async () => {
      const id = reports[javaScriptEnabled ? 0 : 1];
      const context = await newContext(browser, { size: 'desktop', scheme: 'light', javaScriptEnabled });
      try {
        const page = await openPage(context);
        await signInAs(page, 'cat');
        // The navigation has the moderation pages for a moderator.
        await tabTo(page, 'nav.site-nav a[href="/admin/reports"]');
        await page.keyboard.press('Enter');
        await page.waitForURL(/\/admin\/reports$/);
        assert.equal(await page.locator('h1').innerText(), 'Open reports');
        const item = page.locator('li.report-item', { has: page.locator(`a[href="/admin/reports/${id}"]`) });
        assert.match(await item.innerText(), /Filed by ann/);
        assert.match(await item.innerText(), /1 post/);
        assert.match(await item.innerText(), /Not assigned/);

        await tabTo(page, `a[href="/admin/reports/${id}"]`);
        await page.keyboard.press('Enter');
        await page.waitForURL(new RegExp(`/admin/reports/${id}$`));
        assert.equal(await page.locator('h1').innerText(), 'Report about troll');
        // The reported post as the site shows posts: its photo behind the content warning.
        const card = page.locator(`article#p-${photoPost.id}`);
        assert.match(await card.locator('details.cw summary').innerText(), /Unkind words/);
        assert.equal(await card.locator('img[alt="A grey wall with words sprayed on it"]').count(), 1);
        assert.equal(await card.locator('details.cw').getAttribute('open'), null, 'the warning stays folded');
        assert.match(await page.locator('.report-comment').innerText(), /Cruel under a memorial post/);
        assert.match(await page.locator('main').innerText(), /Nobody cares\./, "the account's recent comment");

        await tabTo(page, `form[action="/admin/reports/${id}/resolve"] button`);
        await page.keyboard.press('Enter');
        await page.waitForURL(new RegExp(`/admin/reports/${id}\\?done=resolved$`));
        assert.match(await page.locator('p.notice').innerText(), /The report is resolved/);
        assert.match(await page.locator('.report-facts').innerText(), /Resolved by cat/);

        await tabTo(page, 'nav.admin-nav a[href="/admin/reports?resolved=1"]');
        await page.keyboard.press('Enter');
        await page.waitForURL(/resolved=1$/);
        assert.equal(await page.locator(`a[href="/admin/reports/${id}"]`).count(), 1, 'listed under Resolved');

        await tabTo(page, 'nav.admin-nav a[href="/admin/audit"]');
        await page.keyboard.press('Enter');
        await page.waitForURL(/\/admin\/audit$/);
        assert.match(await page.locator('ol.audit-list').innerText(), new RegExp(`cat resolved report ${id}`));
      } finally {
        await context.close();
      }
    });
  }
});

const PAGES = [
  { name: 'moderation-queue', path: () => '/admin/reports' },
  { name: 'moderation-report', path: () => `/admin/reports/${reports[2]}` },
  { name: 'moderation-resolved', path: () => '/admin/reports?resolved=1' },
  { name: 'moderation-audit', path: () => '/admin/audit' },
];

describe('every moderation page, phone and desktop, light and dark', () => {
  for (const size of Object.keys(SIZES)) {
    for (const scheme of SCHEMES) {
      it(`${size}, ${scheme}`, { timeout: 120_000 }, async () => {
        const context = await newContext(browser, { size, scheme });
        try {
          const page = await openPage(context);
          await signInAs(page, 'cat');
          for (const kind of PAGES) {
            await page.goto(`${server.url}${kind.path()}`);
            await checkPage(page, kind.name);
          }
        } finally {
          await context.close();
        }
      });
    }
  }
});

describe('at 320 pixels wide (what 400% zoom of a 1280-pixel window gives)', () => {
  it('no moderation page scrolls sideways', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    try {
      const page = await openPage(context);
      await signInAs(page, 'cat');
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
});

describe('anyone else', () => {
  it('a person who is not a moderator gets 403 and no link', { timeout: 60_000 }, async () => {
    const context = await newContext(browser, { size: 'phone', scheme: 'light', javaScriptEnabled: false });
    try {
      const page = await openPage(context);
      await signInAs(page, 'ann');
      assert.equal(await page.locator('a[href="/admin/reports"]').count(), 0, 'no Moderation link');
      for (const path of ['/admin/reports', `/admin/reports/${reports[2]}`, '/admin/audit']) {
        await page.goto(`${server.url}${path}`);
        assert.equal(await page.locator('h1').innerText(), 'Only moderators can open this page');
      }
      await checkPage(page, 'moderation-forbidden', { status: 403 });
    } finally {
      await context.close();
    }
  });
});

describe('acting on the account', () => {
  it('a moderator suspends the troll from the report by keyboard, without JavaScript', { timeout: 60_000 }, async () => {
    const id = reports[2];
    const context = await newContext(browser, { size: 'phone', scheme: 'dark', javaScriptEnabled: false });
    try {
      const page = await openPage(context);
      await signInAs(page, 'cat');
      await page.goto(`${server.url}/admin/reports/${id}`);
      // Sending the form without a choice says so beside the choices, and changes nothing.
      await tabTo(page, 'form.act-form button[type="submit"]');
      await page.keyboard.press('Enter');
      await page.waitForLoadState('load');
      assert.equal(await page.locator('#type-error').innerText(), 'Choose an action.');
      await checkPage(page, 'moderation-act-error', { status: 422 });

      await tabTo(page, '#act-text');
      await page.keyboard.type('Cruelty under a memorial post.');
      await tabTo(page, 'input[name="type"]');
      // Arrow keys move through a radio group; Suspend is the last.
      for (let i = 0; i < 4; ++i) await page.keyboard.press('ArrowDown');
      assert.equal(await page.evaluate(() => document.activeElement.value), 'suspend');
      await tabTo(page, 'form.act-form button[type="submit"]');
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`/admin/reports/${id}\\?done=suspended#main$`));
      assert.match(await page.locator('p.notice').innerText(), /The account is suspended and the report resolved/);
      assert.match(await page.locator('.report-facts').innerText(), /suspended/);
      const profile = await api(server.url, 'GET', `/api/v1/accounts/${troll.id}`, { token: ann.token });
      assert.equal(profile.status, 404, 'gone for everyone else');
      await page.goto(`${server.url}/admin/audit`);
      assert.match(await page.locator('ol.audit-list').innerText(), /cat suspended @troll/);
    } finally {
      await context.close();
    }
  });
});
