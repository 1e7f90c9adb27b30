// Settings > Your data, as a person meets it: the page passes axe on a phone, light and dark (and
// is screenshotted); the four lists download as Mastodon's CSV on the session alone; a list is
// imported by keyboard alone with JavaScript off, the result said in sentences beside the form
// and the rows that could not be imported listed with their reasons; a bad file is refused with
// the reason next to the field and nothing changed; the archive is asked for, made, and
// downloaded as a zip; a second request the same day is refused in words.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { PASSWORD, api } from '../e2e/harness.mjs';
import { SCHEMES, checkPage, newContext, openPage, startAll, stopAll } from './browser.mjs';
import { registerUser } from '../e2e/harness.mjs';

let server;
let browser;
let nadia;
let domain;

before(async () => {
  ({ server, browser } = await startAll({ baseUrl: null }));
  nadia = await registerUser(server.url, 'nadia');
  await registerUser(server.url, 'omar');
  await registerUser(server.url, 'pia');
  domain = new URL(server.url).host;
  const omar = await api(server.url, 'GET', '/api/v1/accounts/lookup?acct=omar', { token: nadia.token });
  assert.equal(omar.status, 200);
  const followed = await api(server.url, 'POST', `/api/v1/accounts/${omar.body.id}/follow`, { token: nadia.token });
  assert.equal(followed.status, 200);
});

after(() => stopAll({ server, browser }));

async function signInAs(page, username) {
  await page.goto(`${server.url}/auth/sign_in`);
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/auth/'));
}

// Presses Tab until `selector` has focus (at most 100 times); fails the test otherwise.
async function tabTo(page, selector) {
  for (let i = 0; i < 100; ++i) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  assert.fail(`Tab never reached ${selector}`);
}

describe('the page', () => {
  for (const scheme of SCHEMES) {
    it(`on a phone, ${scheme}: reached from the settings, passes axe, lists download as CSV`, async () => {
      const context = await newContext(browser, { size: 'phone', scheme });
      try {
        const page = await openPage(context);
        await signInAs(page, 'nadia');
        await page.goto(`${server.url}/settings`);
        await page.getByRole('link', { name: 'Your data' }).first().click();
        await page.waitForURL(`${server.url}/settings/data`);
        assert.equal(await page.locator('h1').innerText(), 'Your data');
        await checkPage(page, `settings-data-${scheme}`);
        const csv = await context.request.get(`${server.url}/settings/data/export/following_accounts.csv`);
        assert.equal(csv.status(), 200);
        assert.equal(csv.headers()['content-type'], 'text/csv; charset=utf-8');
        assert.equal(await csv.text(),
          `Account address,Show boosts,Notify on new posts,Languages\nomar@${domain},true,false,\n`);
        assert.equal((await context.request.get(`${server.url}/settings/data/export/blocked_accounts.csv`)).status(), 200);
      } finally {
        await context.close();
      }
    });
  }

  it('signed out, the downloads send to sign in', async () => {
    const res = await fetch(`${server.url}/settings/data/export/following_accounts.csv`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location'), /^\/auth\/sign_in/);
  });
});

describe('importing a list', () => {
  it('by keyboard alone, without JavaScript: the result and the refused rows in sentences', async () => {
    const context = await newContext(browser, { size: 'desktop', scheme: 'light', javaScriptEnabled: false });
    try {
      const page = await openPage(context);
      await signInAs(page, 'pia');
      await page.goto(`${server.url}/settings/data`);
      await page.locator('#data').setInputFiles({
        name: 'following_accounts.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`Account address,Show boosts,Notify on new posts,Languages\nomar@${domain},true,false,\nsomeone@mastodon.social,true,false,\n`),
      });
      await tabTo(page, '#type');
      assert.equal(await page.locator('#type').inputValue(), 'following');
      await tabTo(page, 'form[action="/settings/data/import"] button[type=submit]');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      const notice = page.locator('#main p.notice[role=status]');
      assert.equal(await notice.innerText(),
        '1 of the 2 rows in the file is in force now. 1 row could not be imported:');
      const refused = page.locator('ul.refusals li');
      assert.equal(await refused.count(), 1);
      assert.match(await refused.innerText(), /someone@mastodon\.social/);
      assert.match(await refused.innerText(), /Line 3: That account is on another server \(mastodon\.social\); this server does not federate\./);
      await checkPage(page, 'settings-data-imported');
      const pia = await api(server.url, 'GET', '/api/v1/accounts/lookup?acct=pia', {});
      const following = await api(server.url, 'GET', `/api/v1/accounts/${pia.body.id}/following`, {});
      assert.deepEqual(following.body.map((a) => a.username), ['omar']);
    } finally {
      await context.close();
    }
  });

  it('a malformed file is refused next to the field, and nothing changes', async () => {
    const context = await newContext(browser, { size: 'phone', scheme: 'dark', javaScriptEnabled: false });
    try {
      const page = await openPage(context);
      await signInAs(page, 'omar');
      await page.goto(`${server.url}/settings/data`);
      await page.locator('#type').selectOption('blocking');
      await page.locator('#data').setInputFiles({ name: 'blocked_accounts.csv', mimeType: 'text/csv', buffer: Buffer.from('pia\n"nadia\n') });
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Import' }).click()]);
      assert.equal(await page.locator('#data').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#data-error').innerText(),
        'That file could not be imported, and nothing was changed: Invalid CSV file. Error: Unclosed quoted field in line 2');
      assert.equal(await page.locator('#type').inputValue(), 'blocking', 'the choice is kept');
      await checkPage(page, 'settings-data-error', { status: 422 });
      const blocks = await context.request.get(`${server.url}/settings/data/export/blocked_accounts.csv`);
      assert.equal(await blocks.text(), '');
    } finally {
      await context.close();
    }
  });
});

describe('the archive', () => {
  it('is asked for, made, and downloaded as a zip; once a day', async () => {
    const context = await newContext(browser, { size: 'phone', scheme: 'light' });
    try {
      const page = await openPage(context);
      await signInAs(page, 'nadia');
      await page.goto(`${server.url}/settings/data`);
      assert.match(await page.locator('#main').innerText(), /You have not asked for an archive yet\./);
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Ask for your archive' }).click()]);
      assert.match(await page.locator('p.notice').innerText(), /You asked for your archive\./);
      let link = page.getByRole('link', { name: /Download your archive/ });
      for (let i = 0; i < 100 && (await link.count()) === 0; ++i) {
        await page.waitForTimeout(100);
        await page.goto(`${server.url}/settings/data`);
        link = page.getByRole('link', { name: /Download your archive/ });
      }
      assert.equal(await link.count(), 1, 'the archive was made');
      assert.match(await link.innerText(), /^Download your archive \(\d+(\.\d)? (kB|MB|bytes?)\)$/);
      assert.equal(await page.getByRole('button', { name: 'Ask for your archive' }).count(), 0, 'no second request today');
      assert.match(await page.locator('#main').innerText(), /You can ask for a new archive from /);
      await checkPage(page, 'settings-data-archive');
      const zip = await context.request.get(`${server.url}${await link.getAttribute('href')}`);
      assert.equal(zip.status(), 200);
      assert.equal(zip.headers()['content-type'], 'application/zip');
      const bytes = await zip.body();
      assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'a zip file');
      // Asked again the same day (a form left open): refused, in words.
      const csrf = await page.locator('form[action="/settings/data/import"] input[name=csrf]').getAttribute('value');
      const again = await context.request.post(`${server.url}/settings/data/archive`, {
        form: { csrf }, headers: { Origin: server.url },
      });
      assert.equal(again.status(), 429);
      assert.match(await again.text(), /You can only ask for an archive once a day\./);
    } finally {
      await context.close();
    }
  });
});
