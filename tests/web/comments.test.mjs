// A post's comments without JavaScript: 20 to a page, the next page through a plain "More
// comments" link, no comment shown twice and none lost, and "Most recent" putting the newest
// first. (pages.test.mjs checks the same on the demo's memorial post when it has that many.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { rebase, registerUser } from '../e2e/harness.mjs';
import { checkPage, newContext, openPage, startAll, stopAll } from './browser.mjs';
import { postStatus, uploadPhoto } from './site.mjs';

const COMMENTS = 27;
const PAGE = 20;

let server;
let browser;
let context;
let post;
const commentIds = []; // oldest first

before(async () => {
  ({ server, browser } = await startAll());
  const author = await registerUser(server.url, 'ana');
  const media = await uploadPhoto(server.url, author.token, { description: 'A lighthouse at dawn', seed: 7 });
  post = await postStatus(server.url, author.token, { status: 'The lighthouse this morning', media_ids: [media.id] });
  const friends = await Promise.all(['ben', 'cleo', 'dev'].map((u) => registerUser(server.url, u)));
  for (let i = 0; i < COMMENTS; i++) {
    const c = await postStatus(server.url, friends[i % friends.length].token, {
      status: `Comment number ${i + 1}: what a view`,
      in_reply_to_id: post.id,
    });
    commentIds.push(c.id);
  }
  context = await newContext(browser, { size: 'phone', scheme: 'light', javaScriptEnabled: false });
});

after(() => stopAll({ server, browser }));

// The status ids of the top-level comments shown, in order (li.comment ids hold them).
async function shownIds(page) {
  const ids = await page.locator('section.comments ol.comment-list > li.comment[id]').evaluateAll((lis) => lis.map((li) => li.id));
  return ids.map((id) => {
    const m = /(\d+)$/.exec(id);
    assert.ok(m, `li.comment id ${id} ends in the comment's id`);
    return m[1];
  });
}

describe('comments, page by page, without JavaScript', () => {
  it(`shows ${PAGE}, then the rest through "More comments", none twice, none lost`, async () => {
    const page = await openPage(context);
    try {
      await page.goto(rebase(post.url, server.url));
      const first = await shownIds(page);
      assert.equal(first.length, PAGE, `the first page shows ${PAGE} of ${COMMENTS} comments`);
      const more = page.locator('a.more-comments');
      assert.equal(await more.count(), 1, 'one a.more-comments');
      const href = await more.getAttribute('href');
      assert.ok(href && href !== '#' && !/^\s*javascript:/i.test(href), `a plain link: ${href}`);
      await Promise.all([page.waitForURL((u) => u.toString() !== rebase(post.url, server.url)), more.click()]);
      await checkPage(page, 'comments-page-2');
      const second = await shownIds(page);
      assert.equal(second.length, COMMENTS - PAGE, 'the second page shows the rest');
      assert.deepEqual(second.filter((id) => first.includes(id)), [], 'no comment repeats');
      assert.deepEqual([...first, ...second].sort(), [...commentIds].sort(), 'every comment is shown once');
      assert.equal(await page.locator('a.more-comments').count(), 0, 'no "More comments" on the last page');
    } finally {
      await page.close();
    }
  });

  it('orders by "Most recent" through its link, newest first, and keeps that order on the next page', async () => {
    const page = await openPage(context);
    try {
      await page.goto(rebase(post.url, server.url));
      const recent = page.locator('nav.comment-order a', { hasText: /Most recent/i });
      assert.equal(await recent.count(), 1, 'a "Most recent" link');
      await Promise.all([page.waitForURL(/order=/), recent.click()]);
      const newestFirst = [...commentIds].reverse();
      const first = await shownIds(page);
      assert.deepEqual(first, newestFirst.slice(0, PAGE), 'the newest 20, newest first');
      const current = await page.locator('nav.comment-order a[aria-current]').allInnerTexts();
      assert.deepEqual(current.map((t) => t.trim()), ['Most recent'], 'the chosen order is marked aria-current');
      const before = page.url();
      await Promise.all([page.waitForURL((u) => u.toString() !== before), page.locator('a.more-comments').click()]);
      assert.deepEqual(await shownIds(page), newestFirst.slice(PAGE), 'the next page continues in the same order');
    } finally {
      await page.close();
    }
  });
});
