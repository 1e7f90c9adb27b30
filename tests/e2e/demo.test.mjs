// The demo instance (`make run`, `kindred serve --demo`) as a person signing in sees it: a full
// home feed, photos with alt text, the memorial post's comments with the author's pinned reply
// first, reblogs, grouped like notifications, and memories for Jonas.
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
    const groups = (await api(server.url, 'GET', '/api/v2/notifications', { token: lena })).body;
    const likes = groups.notification_groups.find((g) => g.group_key === `favourite-${iris.id}`);
    assert.ok(likes, 'one group for the likes of the memorial post');
    assert.equal(likes.notifications_count, 5);
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

  it("holds Kai's cruel comment: only Kai sees it, and Lena in her review", async () => {
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
    assert.deepEqual(review.body.map((s) => s.id), [cruel.id]);
    assert.match(review.body[0].content, /Attention seeker/);
    assert.equal(review.body[0].kindred?.hold, 'hidden_words');
    const counted = (await api(server.url, 'GET', `/api/v1/statuses/${iris.id}`, { token: sam })).body;
    assert.equal(counted.replies_count, 3, 'the held comment is not counted');
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
