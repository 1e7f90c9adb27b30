// The scene Kindred is built around, in a real browser, once with JavaScript on and once with it
// off: two people sign up; one posts two photos with descriptions and a caption and limits
// comments to followers; the other finds the post from the profile, reads who may comment,
// follows, comments and likes, and the counts change; the author sees the grouped notification
// and the comment, pins it, replies, hides another person's comment, reviews a comment held for a
// hidden word and approves it, and turns on Limits. Every page visited is checked (axe, console,
// CSP) and screenshotted. Then the memories page of the demo's Jonas shows a post from an earlier
// year and hides it for good.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { gradientPng, startServer } from '../e2e/harness.mjs';
import { checkPage, launchBrowser, newContext, openPage, stopAll } from './browser.mjs';
import { DEMO_PASSWORD } from './site.mjs';

let server;
let browser;

before(async () => {
  // No --base-url: the server's own origin names the port, as the forms' Origin check needs.
  [server, browser] = await Promise.all([startServer({ args: ['--demo'], baseUrl: null }), launchBrowser()]);
});

after(() => stopAll({ server, browser }));

const PASSWORD = 'a long and kind password';

export async function signUp(page, username) {
  await page.goto(`${server.url}/auth/sign_up`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/home$/);
}

export async function signIn(page, username, password) {
  await page.goto(`${server.url}/auth/sign_in`);
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/auth/'));
}

// The number in a count's <data value>.
async function countIn(locator) {
  return Number(await locator.locator('data').first().getAttribute('value'));
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  const tag = javaScriptEnabled ? 'js' : 'nojs';
  describe(`the memorial post, ${mode}`, { timeout: 240_000 }, () => {
    const author = `ana_${tag}`;
    const friend = `ben_${tag}`;
    const other = `cal_${tag}`;
    let contexts;
    let ana;
    let ben;
    let cal;
    let postUrl;

    before(async () => {
      contexts = await Promise.all([
        newContext(browser, { size: 'phone', scheme: 'light', javaScriptEnabled }),
        newContext(browser, { size: 'desktop', scheme: 'dark', javaScriptEnabled }),
        newContext(browser, { size: 'phone', scheme: 'dark', javaScriptEnabled }),
      ]);
      [ana, ben, cal] = await Promise.all(contexts.map((c) => openPage(c)));
    });
    after(async () => {
      for (const c of contexts ?? []) await c.close();
    });

    it('two people sign up', async () => {
      await signUp(ana, author);
      await checkPage(ana, `scenario-home-empty-${tag}`);
      assert.match(await ana.locator('main').textContent(), /No posts yet/);
      await signUp(ben, friend);
      await signUp(cal, other);
    });

    it('the author posts two photos with descriptions and limits comments to followers', async () => {
      await ana.goto(`${server.url}/new`);
      await checkPage(ana, `scenario-compose-${tag}`);
      await ana.getByLabel('Photo 1', { exact: true }).setInputFiles({ name: 'hospital.png', mimeType: 'image/png', buffer: gradientPng(320, 240, 7) });
      await ana.getByLabel('Description of photo 1').fill('A small hand holding a finger in a hospital cot');
      await ana.getByLabel('Photo 2', { exact: true }).setInputFiles({ name: 'flowers.png', mimeType: 'image/png', buffer: gradientPng(240, 320, 8) });
      await ana.getByLabel('Description of photo 2').fill('White flowers on a windowsill');
      await ana.getByLabel('Caption').fill('One year ago today we met our daughter, and said goodbye. We miss you every day, Iris.');
      await ana.locator('summary', { hasText: 'Content warning, audience and comments' }).click();
      await ana.getByRole('radio', { name: 'People who follow me' }).check();
      await ana.getByRole('button', { name: 'Post', exact: true }).click();
      await ana.waitForURL(new RegExp(`/@${author}/\\d+$`));
      postUrl = ana.url();
      await checkPage(ana, `scenario-post-author-${tag}`);
      const photos = ana.locator('article.post ul.photos img');
      assert.equal(await photos.count(), 2);
      assert.equal(await photos.nth(0).getAttribute('alt'), 'A small hand holding a finger in a hospital cot');
    });

    it('the friend finds it from the profile, reads who may comment, follows, comments and likes', async () => {
      await ben.goto(`${server.url}/@${author}`);
      await checkPage(ben, `scenario-profile-${tag}`);
      await ben.locator(`a[href$="${new URL(postUrl).pathname}"]`).first().click();
      await ben.waitForURL(postUrl);
      assert.match(await ben.locator('section.comments').textContent(), new RegExp(`Only people who follow ${author} can comment\\.`));
      assert.equal(await ben.locator('#comment-form').count(), 0, 'no dead comment box');

      await ben.goto(`${server.url}/@${author}`);
      await ben.getByRole('button', { name: 'Follow', exact: true }).click();
      await ben.waitForLoadState('load');
      await ben.getByRole('button', { name: 'Unfollow' }).waitFor();

      await ben.goto(postUrl);
      const likes = ben.locator('p.likes');
      assert.equal(await likes.getAttribute('data-like-count'), '0');
      await ben.getByLabel('Add a comment').fill('Thinking of you and Iris today.');
      await ben.getByRole('button', { name: 'Post comment' }).click();
      await ben.waitForURL(/#c-\d+$/);
      await ben.locator('article.post').getByRole('button', { name: 'Like' }).click();
      await ben.locator('article.post').getByRole('button', { name: 'Like', pressed: true }).waitFor();
      if (!javaScriptEnabled) await ben.waitForURL(postUrl);
      await ben.waitForFunction(() => document.querySelector('p.likes')?.dataset.likeCount === '1');
      await checkPage(ben, `scenario-post-friend-${tag}`);
      await ben.reload();
      assert.equal(await ben.locator('p.likes').getAttribute('data-like-count'), '1', 'the like was stored');
      assert.equal(await countIn(ben.locator('#comments-title')), 1);
    });

    it('the author sees the grouped notification and the comment', async () => {
      // Another follower's kind comment, and one held for a hidden word the author chose.
      await ana.goto(`${server.url}/settings/hidden_words`);
      await checkPage(ana, `scenario-hidden-words-${tag}`);
      await ana.getByLabel('Your hidden words and phrases').fill('cursed');
      await ana.getByRole('button', { name: /Save/ }).click();
      await ana.waitForLoadState('load');

      await cal.goto(`${server.url}/@${author}`);
      await cal.getByRole('button', { name: 'Follow', exact: true }).click();
      await cal.getByRole('button', { name: 'Unfollow' }).waitFor();
      await cal.goto(postUrl);
      await cal.getByLabel('Add a comment').fill('Sending love from Lisbon.');
      await cal.getByRole('button', { name: 'Post comment' }).click();
      await cal.waitForURL(/#c-\d+$/);
      await cal.goto(postUrl);
      await cal.getByLabel('Add a comment').fill('This day is cursed for everyone.');
      await cal.getByRole('button', { name: 'Post comment' }).click();
      await cal.waitForURL(/#c-\d+$/);

      await ana.goto(`${server.url}/notifications`);
      await checkPage(ana, `scenario-notifications-${tag}`);
      const text = await ana.locator('main').textContent();
      assert.match(text, new RegExp(`${friend} liked your post`));
      assert.match(text, new RegExp(`${friend} commented on your post`));
      assert.match(text, new RegExp(`${friend} and ${other} followed you|${other} and ${friend} followed you`));
    });

    it('the author pins the comment, replies, hides another, and approves the held one', async () => {
      await ana.goto(postUrl);
      const bens = ana.locator('li.comment', { hasText: 'Thinking of you and Iris today.' }).first();
      await bens.getByRole('button', { name: /^Pin/ }).click();
      await ana.locator('p.pinned', { hasText: `Pinned by ${author}` }).waitFor();

      await ana.locator('li.comment', { hasText: 'Thinking of you and Iris today.' }).first().getByRole('link', { name: /^Reply/ }).click();
      await ana.getByLabel(new RegExp(`Your reply to ${friend}`)).fill(`@${friend} thank you, it means a lot.`);
      await ana.getByRole('button', { name: 'Post comment' }).click();
      await ana.waitForURL(/#c-\d+$/);
      await ana.goto(postUrl);
      assert.match(await ana.locator('ol.reply-list').first().textContent(), /thank you, it means a lot/);

      const cals = ana.locator('section.comments li.comment', { hasText: 'Sending love from Lisbon.' }).first();
      await cals.getByRole('button', { name: /^Hide/ }).click();
      await ana.waitForLoadState('load');
      const held = ana.locator('section.held');
      await held.locator('li', { hasText: 'Sending love from Lisbon.' }).waitFor();
      const cursed = held.locator('li', { hasText: 'This day is cursed for everyone.' });
      assert.match(await cursed.textContent(), /hidden words/);
      await checkPage(ana, `scenario-held-${tag}`);
      await cursed.getByRole('button', { name: /^Approve/ }).click();
      await ana.waitForLoadState('load');
      await ana.locator('section.comments li.comment', { hasText: 'This day is cursed for everyone.' }).first().waitFor();

      await ben.goto(postUrl);
      const seen = await ben.locator('section.comments').textContent();
      assert.doesNotMatch(seen, /Sending love from Lisbon/, 'the hidden comment is hidden from others');
      assert.match(seen, /This day is cursed/, 'the approved comment is shown');
    });

    it('the author turns on Limits', async () => {
      await ana.goto(`${server.url}/settings/limits`);
      await checkPage(ana, `scenario-limits-${tag}`);
      await ana.getByRole('button', { name: /Turn on Limits|Save/ }).first().click();
      await ana.waitForLoadState('load');
      assert.match(await ana.locator('main').textContent(), /Limits are on/i);
    });
  });
}

describe('memories', { timeout: 120_000 }, () => {
  for (const javaScriptEnabled of [true, false]) {
    const tag = javaScriptEnabled ? 'js' : 'nojs';
    it(`shows posts from earlier years and hides one for good, ${tag}`, async () => {
      const context = await newContext(browser, { size: 'phone', scheme: 'light', javaScriptEnabled });
      try {
        const page = await openPage(context);
        await signIn(page, 'jonas', DEMO_PASSWORD);
        await page.goto(`${server.url}/memories`);
        await checkPage(page, `scenario-memories-${tag}`);
        const articles = page.locator('main article');
        const before = await articles.count();
        assert.ok(before > 0, 'the demo gives Jonas memories on the day it is seeded');
        const id = await articles.first().getAttribute('data-id');
        await articles.first().getByRole('button', { name: /Don't show this again/ }).click();
        await page.waitForLoadState('load');
        await page.goto(`${server.url}/memories`);
        assert.equal(await page.locator('main article').count(), before - 1);
        if (id) assert.equal(await page.locator(`main article[data-id="${id}"]`).count(), 0);
      } finally {
        await context.close();
      }
    });
  }
});
