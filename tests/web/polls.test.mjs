// A post's poll on its page, as a voter meets it: at phone and desktop size, light and dark, the
// vote form passes axe and is screenshotted; voting works by keyboard alone with JavaScript off
// (a real form, then the results with the voter's choice marked); a vote with nothing chosen
// comes back as a sentence beside the form; and the author sees results, never a form.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { PASSWORD, api, rebase, registerUser } from '../e2e/harness.mjs';
import { SCHEMES, SIZES, checkPage, newContext, openPage, signInWithForm, startAll, stopAll } from './browser.mjs';
import { postStatus } from './site.mjs';

let server;
let browser;
let author;
let voters;
let post;

before(async () => {
  ({ server, browser } = await startAll({ baseUrl: null }));
  author = await registerUser(server.url, 'rosa');
  voters = await Promise.all(['ivo', 'june', 'kit'].map((u) => registerUser(server.url, u)));
  post = await postStatus(server.url, author.token, {
    status: 'Which song should we play at the remembrance walk?',
    poll: { options: ['Somewhere Over the Rainbow', 'Lullaby', 'Silence, and the birds'], expires_in: 86400 },
  });
  assert.ok(post.poll, 'the post has a poll');
});

after(() => stopAll({ server, browser }));

const signInAs = (page, username) => signInWithForm(page, server.url, username, PASSWORD);

describe('the vote form, phone and desktop, light and dark', () => {
  for (const size of Object.keys(SIZES)) {
    for (const scheme of SCHEMES) {
      it(`${size}, ${scheme}`, async () => {
        const context = await newContext(browser, { size, scheme });
        try {
          const page = await openPage(context);
          await signInAs(page, 'ivo');
          await page.goto(rebase(post.url, server.url));
          const form = page.locator('section.poll form');
          assert.equal(await form.count(), 1, 'a voter who has not voted sees one vote form');
          assert.equal(await form.getByRole('radio').count(), 3, 'one radio button per option');
          await checkPage(page, 'poll-vote');
        } finally {
          await context.close();
        }
      });
    }
  }
});

describe('voting without JavaScript', () => {
  it('a vote with nothing chosen is a sentence beside the form, and nothing is counted', async () => {
    const context = await newContext(browser, { size: 'phone', scheme: 'light', javaScriptEnabled: false });
    try {
      const page = await openPage(context);
      await signInAs(page, 'june');
      await page.goto(rebase(post.url, server.url));
      await page.locator('section.poll').getByRole('button', { name: 'Vote' }).click();
      await page.waitForLoadState('load');
      const error = page.locator('section.poll .form-error');
      assert.equal(await error.count(), 1, 'one error beside the form');
      assert.match(await error.innerText(), /[A-Z].*\./, 'the error is a sentence');
      await checkPage(page, 'poll-error', { status: 422 });
      const poll = await api(server.url, 'GET', `/api/v1/polls/${post.poll.id}`, { token: author.token });
      assert.equal(poll.body.votes_count, 0, 'nothing was counted');
    } finally {
      await context.close();
    }
  });

  it('by keyboard alone: choose an option, vote, and see the results with the choice marked', async () => {
    const context = await newContext(browser, { size: 'desktop', scheme: 'dark', javaScriptEnabled: false });
    try {
      const page = await openPage(context);
      await signInAs(page, 'kit');
      await page.goto(rebase(post.url, server.url));
      // Focus the first radio button by Tab, move to the second option with the arrow key.
      let reached = false;
      for (let i = 0; i < 200 && !reached; ++i) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.matches('section.poll input[type=radio]') ?? false);
      }
      assert.ok(reached, 'Tab reaches the poll');
      await page.keyboard.press('ArrowDown');
      const chosen = await page.evaluate(() => document.activeElement?.value);
      assert.equal(chosen, '1', 'the arrow key chose the second option');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.equal(await page.locator('section.poll form').count(), 0, 'no form once voted');
      const results = page.locator('section.poll .poll-results li');
      assert.equal(await results.count(), 3, 'one result per option');
      assert.match(await results.nth(1).innerText(), /Lullaby/);
      assert.equal(await results.nth(1).locator('.poll-chosen').count(), 1, "the voter's choice is marked");
      assert.equal(await page.locator('section.poll meter').count(), 3, 'a bar per option');
      await checkPage(page, 'poll-results');
      const poll = await api(server.url, 'GET', `/api/v1/polls/${post.poll.id}`, { token: voters[2].token });
      assert.equal(poll.body.votes_count, 1);
      assert.deepEqual(poll.body.own_votes, [1]);
      assert.equal(poll.body.options[1].votes_count, 1);
    } finally {
      await context.close();
    }
  });

  it('the author sees the results, never a form', async () => {
    const context = await newContext(browser, { size: 'phone', scheme: 'dark', javaScriptEnabled: false });
    try {
      const page = await openPage(context);
      await signInAs(page, 'rosa');
      await page.goto(rebase(post.url, server.url));
      assert.equal(await page.locator('section.poll form').count(), 0);
      assert.equal(await page.locator('section.poll .poll-results li').count(), 3);
      await checkPage(page, 'poll-author');
    } finally {
      await context.close();
    }
  });
});
