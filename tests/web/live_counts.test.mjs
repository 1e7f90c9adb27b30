// A post's page keeps its counts live: while it is open, likes and comments made elsewhere move
// its like sentence and its comment count within seconds, without a reload (site.js's
// liveCounts, over GET /statuses/:id/live). Checked as a reader meets it: signed out on a phone,
// the numbers move; the sentence's live region is quiet for others' likes; the page passes axe
// and is screenshotted once the counts moved, light and dark; a like count the author hid stays
// hidden from readers while the author sees it move; and a post the reader may not see has no
// stream.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { PASSWORD, api, rebase, registerUser } from '../e2e/harness.mjs';
import { SCHEMES, checkPage, newContext, openPage, startAll, stopAll } from './browser.mjs';
import { postStatus } from './site.mjs';

let server;
let browser;
let author;
let fans;

before(async () => {
  ({ server, browser } = await startAll({ baseUrl: null }));
  author = await registerUser(server.url, 'nadia');
  fans = await Promise.all(['ade', 'bea', 'cal', 'dov', 'eli', 'fen'].map((u) => registerUser(server.url, u)));
});

after(() => stopAll({ server, browser }));

async function like(token, id) {
  const res = await api(server.url, 'POST', `/api/v1/statuses/${id}/favourite`, { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

// The like sentence's number (its <data> value) and text, once the page has it.
async function likeSentence(page) {
  const sentence = page.locator('p.likes');
  return { value: await sentence.getAttribute('data-like-count'), text: await sentence.innerText() };
}

async function waitForLikes(page, n) {
  await page.waitForFunction((want) => document.querySelector('[data-like-count]')?.dataset.likeCount === want,
    String(n), { timeout: 10_000 });
}

describe('the counts move while the page is open', () => {
  for (const scheme of SCHEMES) {
    it(`signed out on a phone, ${scheme}: likes and a comment from elsewhere`, async () => {
      const post = await postStatus(server.url, author.token, { status: `One year since Iris (${scheme}).` });
      const context = await newContext(browser, { size: 'phone', scheme });
      try {
        const page = await openPage(context);
        await page.goto(rebase(post.url, server.url));
        assert.match((await likeSentence(page)).text, /No likes yet/);
        // Stream open (the page asked for it) before the likes come.
        await page.waitForSelector('article[data-live-state="open"]', { timeout: 10_000 });
        await like(fans[0].token, post.id);
        await waitForLikes(page, 1);
        assert.match((await likeSentence(page)).text, /^1 like$/, 'one like, in words');
        for (const fan of fans.slice(1)) await like(fan.token, post.id);
        await waitForLikes(page, fans.length);
        const sentence = await likeSentence(page);
        assert.match(sentence.text, new RegExp(`^${fans.length} likes$`), 'the exact count, in words');
        assert.equal(await page.locator('[data-like-count]').getAttribute('aria-live'), 'off',
          "others' likes do not interrupt a screen reader");

        const reply = await api(server.url, 'POST', '/api/v1/statuses', {
          token: fans[0].token, json: { status: 'Thinking of you both today.', in_reply_to_id: post.id },
        });
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        await page.waitForFunction(() => document.querySelector('#comments-title data')?.value === '1',
          null, { timeout: 10_000 });
        // The comment is not in the page's list: a link says so and leads to it.
        const note = page.locator('#comments .new-comments a');
        assert.equal(await note.innerText(), 'New comments were added. Show the most recent.');
        assert.equal(await page.locator('#comments p.empty').count(), 0, '"No comments yet" is gone');
        await checkPage(page, `live-counts-${scheme}`);
        await note.focus();
        await page.keyboard.press('Enter');
        await page.waitForSelector('#comments .comment');
        assert.match(await page.locator('#comments .comment').first().innerText(), /Thinking of you both today\./);
      } finally {
        await context.close();
      }
    });
  }
});

describe('a hidden like count', () => {
  it('stays hidden from a reader while its author sees it move', async () => {
    const post = await postStatus(server.url, author.token, {
      status: 'No numbers today, please.', kindred_hide_favourites_count: true,
    });
    const readerContext = await newContext(browser, { size: 'desktop', scheme: 'light' });
    const authorContext = await newContext(browser, { size: 'desktop', scheme: 'light' });
    try {
      const reader = await openPage(readerContext);
      await reader.goto(rebase(post.url, server.url));
      const own = await openPage(authorContext);
      await own.goto(`${server.url}/auth/sign_in`);
      await own.getByLabel('Username or email').fill('nadia');
      await own.getByLabel('Password').fill(PASSWORD);
      await own.getByRole('button', { name: 'Sign in' }).click();
      await own.waitForURL((url) => !url.pathname.startsWith('/auth/'));
      await own.goto(rebase(post.url, server.url));
      await reader.waitForSelector('article[data-live-state="open"]', { timeout: 10_000 });
      const before = (await likeSentence(reader)).text;
      assert.equal((await likeSentence(reader)).value, null, 'no number in the page for the script');
      for (const fan of fans.slice(0, 3)) await like(fan.token, post.id);
      await waitForLikes(own, 3);
      assert.match((await likeSentence(own)).text, /3 likes$/);
      await reader.waitForTimeout(2500);  // two of the stream's intervals
      assert.equal((await likeSentence(reader)).text, before, 'the reader sees no number');
      assert.doesNotMatch(await reader.locator('main').innerText(), /\b3 likes\b/);
    } finally {
      await readerContext.close();
      await authorContext.close();
    }
  });
});

describe('the stream itself', () => {
  it('answers 404 for a post the reader may not see, and sends counts as events', async () => {
    const hidden = await postStatus(server.url, author.token, { status: 'For my followers', visibility: 'private' });
    const refused = await fetch(`${server.url}/statuses/${hidden.id}/live`);
    assert.equal(refused.status, 404);
    assert.equal(await refused.text(), 'This post is not here.');
    assert.equal((await fetch(`${server.url}/statuses/nope/live`)).status, 404);

    const open = await postStatus(server.url, author.token, { status: 'Open to all' });
    const controller = new AbortController();
    const res = await fetch(`${server.url}/statuses/${open.id}/live`, { signal: controller.signal });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = res.body.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    assert.equal(first, 'event: counts\ndata: {"favourites_count":0,"reblogs_count":0,"replies_count":0}\n\n');
  });
});
