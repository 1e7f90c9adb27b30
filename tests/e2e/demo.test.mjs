// The demo instance (`make run`, `kindred serve --demo`) as a person signing in sees it: a full
// home feed, photos with alt text, the memorial post's many comments with the author's pinned
// reply first, reblogs, grouped like notifications, a public timeline of photo posts (a carousel,
// a sensitive photo, a content warning, a hidden like count, a memorial account's post), and
// memories for Jonas.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { api, removeDataDir, startServer } from './harness.mjs';

const DEMO_PASSWORD = 'kindred-demo';

async function signIn(url, username) {
  const app = await api(url, 'POST', '/api/v1/apps', {
    form: { client_name: 'demo-e2e', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read write follow' },
  });
  assert.equal(app.status, 200);
  const token = await api(url, 'POST', '/oauth/token', {
    form: {
      grant_type: 'password', client_id: app.body.client_id, client_secret: app.body.client_secret,
      username, password: DEMO_PASSWORD, scope: 'read write follow',
    },
  });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  return token.body.access_token;
}

describe('the demo instance', () => {
  let server;
  before(async () => {
    server = await startServer({ args: ['--demo'] });
  });
  after(async () => {
    if (!server) return;
    await server.stop();
    await removeDataDir(server.dataDir);
  });

  it('gives a demo account a full home feed with photos, alt text and a reblog', async () => {
    const token = await signIn(server.url, 'jonas');
    let home = [];
    for (let i = 0; i < 100 && home.length < 5; i++) {  // fan-out runs in the background
      home = (await api(server.url, 'GET', '/api/v1/timelines/home?limit=40', { token })).body;
      if (home.length < 5) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(home.length >= 5, `home has ${home.length} statuses`);
    const withPhotos = home.filter((s) => (s.reblog ?? s).media_attachments.length > 0);
    assert.ok(withPhotos.length >= 1);
    for (const s of withPhotos) {
      for (const m of (s.reblog ?? s).media_attachments) assert.ok(m.description.length > 20, 'alt text');
    }
    assert.ok(home.some((s) => s.reblog && s.account.username === 'sam'), "Sam's reblog reaches those who follow Sam");
  });

  it("puts Lena's pinned reply first under her memorial post, and groups its likes", async () => {
    const lena = await signIn(server.url, 'lena');
    const mine = (await api(server.url, 'GET', '/api/v1/accounts/verify_credentials', { token: lena })).body;
    const posts = (await api(server.url, 'GET', `/api/v1/accounts/${mine.id}/statuses?exclude_replies=true`, { token: lena })).body;
    const iris = posts.find((s) => s.content.includes('Iris'));
    assert.ok(iris, 'the memorial post');
    const comments = await api(server.url, 'GET', `/api/v1/kindred/statuses/${iris.id}/comments?order=top`, { token: lena });
    assert.equal(comments.status, 200);
    assert.equal(comments.body[0].account.username, 'tom');
    assert.equal(comments.body[0].kindred?.comment_pinned, true);
    // The likes came early in the seeding; comments, mentions and other likes came after them.
    const groups = (await api(server.url, 'GET', '/api/v2/notifications?limit=80', { token: lena })).body;
    const likes = groups.notification_groups.find((g) => g.group_key === `favourite-${iris.id}`);
    assert.ok(likes, 'one group for the likes of the memorial post');
    assert.ok(iris.favourites_count >= 25, `liked by nearly everyone (${iris.favourites_count})`);
    assert.equal(likes.notifications_count, iris.favourites_count);
  });

  it('gives the memorial post many comments over more than one page, most liked first after the pin', async () => {
    const sam = await signIn(server.url, 'sam');
    const lena = (await api(server.url, 'GET', '/api/v1/accounts/lookup?acct=lena', { token: sam })).body;
    const posts = (await api(server.url, 'GET', `/api/v1/accounts/${lena.id}/statuses?exclude_replies=true`, { token: sam })).body;
    const iris = posts.find((s) => s.content.includes('Iris'));
    const all = (await api(server.url, 'GET', `/api/v1/kindred/statuses/${iris.id}/comments?order=top&limit=40`)).body;
    assert.equal(all.length, iris.replies_count);
    assert.ok(all.length >= 30, `${all.length} comments`);
    assert.ok(new Set(all.map((c) => c.account.username)).size >= 25, 'from many people');
    assert.equal(all[0].account.username, 'tom', 'the pinned comment first');
    assert.ok(all.some((c) => c.account.kindred?.verified && c.account.username !== 'maya'), 'a verified stranger too');
    assert.ok(all.filter((c) => c.replies_count > 0).length >= 3, 'some comments have replies');
    // Signed out, nobody's follows count: after the pin come verified accounts, then the rest,
    // most liked first.
    const rest = all.slice(1).filter((c) => !c.account.kindred?.verified).map((c) => c.favourites_count);
    assert.deepEqual(rest, [...rest].sort((a, b) => b - a), 'most liked first');
    assert.ok(new Set(rest).size >= 8, 'likes vary');
    const page = await api(server.url, 'GET', `/api/v1/kindred/statuses/${iris.id}/comments?order=top`);
    assert.equal(page.body.length, 20);
    assert.match(page.headers.get('link') ?? '', /rel="next"/, 'a next page');
  });

  it('fills the public timeline with photo posts: a carousel, a sensitive photo, a content warning, a hidden like count', async () => {
    const posts = (await api(server.url, 'GET', '/api/v1/timelines/public?local=true&limit=40')).body;
    const photos = posts.filter((s) => s.media_attachments.length > 0);
    assert.ok(photos.length >= 20, `${photos.length} photo posts`);
    assert.ok(new Set(photos.map((s) => s.account.username)).size >= 12, 'from many people');
    for (const s of photos) {
      for (const m of s.media_attachments) assert.match(m.description, /^Demo image: /);
    }
    assert.ok(photos.some((s) => s.media_attachments.length === 4), 'a post with four photos');
    assert.ok(photos.some((s) => s.sensitive && s.spoiler_text === ''), 'a photo marked sensitive');
    assert.ok(photos.some((s) => s.spoiler_text.length > 0), 'a post behind a content warning');
    const hidden = photos.find((s) => s.kindred?.favourites_count_hidden);
    assert.ok(hidden, 'a post whose author hides its like count');
    assert.equal(hidden.favourites_count, 0);
    assert.ok(photos.some((s) => s.account.username === 'arthur' && s.account.memorial), "Arthur's post, from a memorial account");
    const tags = new Set(photos.flatMap((s) => s.tags.map((t) => t.name)));
    for (const t of ['tour', 'allotment', 'running', 'baking', 'dogs']) assert.ok(tags.has(t), `#${t}`);
    const running = (await api(server.url, 'GET', '/api/v1/timelines/tag/running')).body;
    assert.ok(running.length >= 2, 'a hashtag page with several posts');
  });

  it('shows a calm support card on the memorial post and none on the tomatoes', async () => {
    const sam = await signIn(server.url, 'sam');
    const lena = (await api(server.url, 'GET', '/api/v1/accounts/lookup?acct=lena', { token: sam })).body;
    const posts = (await api(server.url, 'GET', `/api/v1/accounts/${lena.id}/statuses?exclude_replies=true`, { token: sam })).body;
    const iris = posts.find((s) => s.content.includes('Iris'));
    assert.equal(iris.kindred?.support?.message, 'If this post touches your own loss, support is available.');
    assert.deepEqual(iris.kindred.support.resources.map((r) => r.name), ['The Miscarriage Association', "Tommy's"]);
    const jonas = (await api(server.url, 'GET', '/api/v1/accounts/lookup?acct=jonas', { token: sam })).body;
    const garden = (await api(server.url, 'GET', `/api/v1/accounts/${jonas.id}/statuses`, { token: sam })).body;
    assert.ok(garden.length > 0 && garden.every((s) => s.kindred?.support === undefined));
  });

  it("holds Kai's and Dex's cruel comments: only each writer sees theirs, and Lena in her review", async () => {
    const [lena, sam, kai] = await Promise.all(['lena', 'sam', 'kai'].map((u) => signIn(server.url, u)));
    const lenaAccount = (await api(server.url, 'GET', '/api/v1/accounts/lookup?acct=lena', { token: sam })).body;
    const posts = (await api(server.url, 'GET', `/api/v1/accounts/${lenaAccount.id}/statuses?exclude_replies=true`, { token: sam })).body;
    const iris = posts.find((s) => s.content.includes('Iris'));
    const thread = async (token) =>
      (await api(server.url, 'GET', `/api/v1/statuses/${iris.id}/context`, token ? { token } : {})).body.descendants;
    const cruel = (await thread(kai)).find((s) => s.account.username === 'kai');
    assert.ok(cruel, 'Kai sees the comment in the thread');
    assert.equal(cruel.kindred?.hold, undefined, 'Kai is not told it is held');
    for (const token of [sam, lena, undefined]) {
      assert.ok(!(await thread(token)).some((s) => s.id === cruel.id), 'nobody else sees it in the thread');
      const direct = await api(server.url, 'GET', `/api/v1/statuses/${cruel.id}`, token ? { token } : {});
      assert.equal(direct.status, 404);
    }
    const review = await api(server.url, 'GET', '/api/v1/kindred/held_comments', { token: lena });
    assert.equal(review.status, 200);
    assert.equal(review.body.length, 2, JSON.stringify(review.body.map((s) => s.content)));
    const kais = review.body.find((s) => s.id === cruel.id);
    assert.ok(kais, "Kai's comment is in the review");
    assert.match(kais.content, /Attention seeker/);
    const dexs = review.body.find((s) => s.id !== cruel.id);
    assert.equal(dexs.account.username, 'dex');
    assert.match(dexs.content, /Drama queen/);
    for (const s of review.body) assert.equal(s.kindred?.hold, 'hidden_words');
    assert.ok(!(await thread(sam)).some((s) => s.id === dexs.id), "nobody else sees Dex's either");
    const counted = (await api(server.url, 'GET', `/api/v1/statuses/${iris.id}`, { token: sam })).body;
    const shown = (await thread(sam)).filter((s) => s.in_reply_to_id === iris.id);
    assert.equal(counted.replies_count, shown.length, 'the held comments are not counted');
    assert.equal(counted.replies_count, 30);
  });

  it('shows Jonas memories from this day in earlier years', async () => {
    const jonas = await signIn(server.url, 'jonas');
    const r = await api(server.url, 'GET', '/api/v1/kindred/memories', { token: jonas });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.length, 2, JSON.stringify(r.body));
    const today = new Date().toISOString().slice(5, 10);  // MM-DD, UTC as the demo writes them
    for (const m of r.body) {
      assert.ok(m.years_ago >= 1);
      assert.equal(m.date.slice(5), today);
      assert.equal(m.status.account.username, 'jonas');
    }
    assert.ok(r.body[0].years_ago < r.body[1].years_ago, 'newest year first');
    assert.match(r.body[0].label, /^(One year|\d+ years) ago$/);
    const photo = r.body.find((m) => m.status.media_attachments.length === 1);
    assert.ok(photo && photo.status.media_attachments[0].description.length > 20, 'a photo with alt text');
  });
});
