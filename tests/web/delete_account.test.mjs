// Deleting one's account in the browser (/settings/delete): at phone size, light and dark, the
// page says what goes and that it cannot be undone, passes axe and is screenshotted; a wrong
// password comes back as a sentence beside the password field and deletes nothing; and by
// keyboard alone, with JavaScript off, the right password deletes the account and signs out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { PASSWORD, api, registerUser } from '../e2e/harness.mjs';
import { SCHEMES, checkPage, newContext, openPage, startAll, stopAll } from './browser.mjs';
import { postStatus } from './site.mjs';

let server;
let browser;
let friend;
let leaver;
let friendsPost;

before(async () => {
  ({ server, browser } = await startAll({ baseUrl: null }));
  friend = await registerUser(server.url, 'marta');
  leaver = await registerUser(server.url, 'olek');
  await registerUser(server.url, 'viewer');
  friendsPost = await postStatus(server.url, friend.token, { status: 'The first snowdrops are out.' });
  const liked = await api(server.url, 'POST', `/api/v1/statuses/${friendsPost.id}/favourite`, { token: leaver.token });
  assert.equal(liked.status, 200);
});

after(() => stopAll({ server, browser }));

async function signInAs(page, username) {
  await page.goto(`${server.url}/auth/sign_in`);
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/auth/'));
}

async function likes() {
  const s = await api(server.url, 'GET', `/api/v1/statuses/${friendsPost.id}`, { token: friend.token });
  assert.equal(s.status, 200);
  return s.body.favourites_count;
}

describe('the page, phone size, light and dark', () => {
  for (const scheme of SCHEMES) {
    it(scheme, async () => {
      const context = await newContext(browser, { size: 'phone', scheme });
      try {
        const page = await openPage(context);
        await signInAs(page, 'viewer');
        // Reached from the password page.
        await page.goto(`${server.url}/settings/password`);
        await page.getByRole('link', { name: /Delete your account/ }).first().click();
        await page.waitForURL((url) => url.pathname === '/settings/delete');
        const text = await page.locator('main').innerText();
        assert.match(text, /removes your posts/, 'it says what goes');
        assert.match(text, /cannot be undone/, 'and that it cannot be undone');
        assert.equal(await page.getByLabel('Your password').count(), 1, 'a labelled password field');
        await checkPage(page, 'settings-delete');
      } finally {
        await context.close();
      }
    });
  }
});

describe('deleting, without JavaScript', () => {
  it('a wrong password is a sentence beside the field, and nothing is deleted', async () => {
    const context = await newContext(browser, { size: 'phone', scheme: 'light', javaScriptEnabled: false });
    try {
      const page = await openPage(context);
      await signInAs(page, 'olek');
      await page.goto(`${server.url}/settings/delete`);
      await page.getByLabel('Your password').fill('not my password');
      await page.getByRole('button', { name: 'Delete my account for good' }).click();
      await page.waitForLoadState('load');
      const error = page.locator('#password-error');
      assert.equal(await error.count(), 1, 'one error beside the field');
      assert.match(await error.innerText(), /^That is not your password\. Nothing was deleted\.$/);
      assert.equal(await page.getByLabel('Your password').getAttribute('aria-invalid'), 'true');
      await checkPage(page, 'settings-delete-error', { status: 422 });
      const me = await api(server.url, 'GET', '/api/v1/accounts/verify_credentials', { token: leaver.token });
      assert.equal(me.status, 200, 'the account is still there');
      assert.equal(await likes(), 1, 'and its like');
    } finally {
      await context.close();
    }
  });

  it('by keyboard alone: the password, Enter, and the account is gone and signed out', async () => {
    const context = await newContext(browser, { size: 'phone', scheme: 'dark', javaScriptEnabled: false });
    try {
      const page = await openPage(context);
      await signInAs(page, 'olek');
      await page.goto(`${server.url}/settings/delete`);
      let reached = false;
      for (let i = 0; i < 200 && !reached; ++i) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.id === 'password');
      }
      assert.ok(reached, 'Tab reaches the password field');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
      assert.equal(focused, 'Delete my account for good', 'Tab goes on to the button');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.match(await page.locator('h1').innerText(), /Your account is being deleted/);
      await checkPage(page, 'settings-delete-done');

      const me = await api(server.url, 'GET', '/api/v1/accounts/verify_credentials', { token: leaver.token });
      assert.equal(me.status, 401, 'its token stopped working');
      // Signed out: settings ask for a sign-in again.
      await page.goto(`${server.url}/settings`);
      assert.match(new URL(page.url()).pathname, /^\/auth\/sign_in/, 'signed out');
      for (let tries = 0; (await likes()) !== 0; tries++) {
        assert.ok(tries < 100, 'its like is taken back');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await context.close();
    }
  });
});
