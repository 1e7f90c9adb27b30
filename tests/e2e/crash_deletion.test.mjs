// Crash consistency of account deletion: an account with posts liked by many, likes, comments,
// reblogs of its posts and follows both ways is deleted (POST /api/v1/kindred/account/delete),
// the server is SIGKILLed midway (small batches with a pause between them, --deletion-batch and
// --deletion-pause-ms, keep it running for seconds), and after a restart on the same data
// directory the deletion finishes by itself with every count it touched exact.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { PASSWORD, api, mapLimit, registerUser, removeDataDir, startServer } from './harness.mjs';

const OTHERS = 8;
const POSTS_EACH = 3; // each other person's posts, all liked by the one leaving
const VICTIM_POSTS = 20; // each liked by every other person
const COMMENTS = 6; // the one leaving comments on others' posts
const REBLOGGERS = 4; // others reblogging the one leaving's first post
const SLOW = ['--deletion-batch', '8', '--deletion-pause-ms', '50'];

function must(res, what, status = 200) {
  assert.equal(res.status, status, `${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

describe('crash consistency of account deletion', () => {
  let server;
  let dataDir;

  before(async () => {
    server = await startServer({ args: SLOW });
    dataDir = server.dataDir;
  });

  after(async () => {
    await server?.stop().catch(() => {});
    await removeDataDir(dataDir);
  });

  it('finishes after SIGKILL midway, every count exact', { timeout: 300_000 }, async () => {
    let url = server.url;
    const get = async (path, token) => must(await api(url, 'GET', path, { token }), `GET ${path}`);
    const post = async (path, token, json = {}) => must(await api(url, 'POST', path, { token, json }), `POST ${path}`);

    const victim = await registerUser(url, 'leaving');
    const others = await mapLimit(Array.from({ length: OTHERS }, (_, i) => i), 4, (i) => registerUser(url, `stay${i}`));
    const victimId = (await get('/api/v1/accounts/verify_credentials', victim.token)).id;
    const ids = await mapLimit(others, 4, async (o) => (await get('/api/v1/accounts/verify_credentials', o.token)).id);

    // Others' posts, each liked by the one leaving; some get a comment from them.
    const otherPosts = []; // {id, owner}
    for (const [i, o] of others.entries()) {
      for (let p = 0; p < POSTS_EACH; p++) {
        const s = await post('/api/v1/statuses', o.token, { status: `post ${p} by stay${i}` });
        otherPosts.push({ id: s.id, owner: i });
      }
    }
    await mapLimit(otherPosts, 8, (p) => post(`/api/v1/statuses/${p.id}/favourite`, victim.token));
    for (let c = 0; c < COMMENTS; c++) {
      await post('/api/v1/statuses', victim.token, { status: `comment ${c}`, in_reply_to_id: otherPosts[c].id });
    }
    // Their posts, liked by everyone else; the first reblogged by a few.
    const victimPosts = [];
    for (let p = 0; p < VICTIM_POSTS; p++) {
      victimPosts.push((await post('/api/v1/statuses', victim.token, { status: `leaving post ${p}` })).id);
    }
    await mapLimit(
      victimPosts.flatMap((id) => others.map((o) => [id, o])),
      8,
      ([id, o]) => post(`/api/v1/statuses/${id}/favourite`, o.token),
    );
    for (let r = 0; r < REBLOGGERS; r++) await post(`/api/v1/statuses/${victimPosts[0]}/reblog`, others[r].token);
    // Follows both ways.
    await mapLimit(ids, 4, (id) => post(`/api/v1/accounts/${id}/follow`, victim.token));
    await mapLimit(others, 4, (o) => post(`/api/v1/accounts/${victimId}/follow`, o.token));

    // What every count should be once the deletion is done.
    const expectPosts = await mapLimit(otherPosts, 8, async (p) => {
      const s = await get(`/api/v1/statuses/${p.id}`, others[p.owner].token);
      const commented = otherPosts.indexOf(p) < COMMENTS ? 1 : 0;
      return { id: p.id, owner: p.owner, favourites: s.favourites_count - 1, replies: s.replies_count - commented };
    });
    const expectAccounts = await mapLimit(others, 4, async (o, i) => {
      const a = await get('/api/v1/accounts/verify_credentials', o.token);
      return {
        followers: a.followers_count - 1,
        following: a.following_count - 1,
        statuses: a.statuses_count - (i < REBLOGGERS ? 1 : 0),
      };
    });
    for (const e of expectPosts) assert.equal(e.favourites, 0, 'each other post was liked once, by the one leaving');
    const users = (await get('/api/v1/instance')).stats.user_count;

    must(await api(url, 'POST', '/api/v1/kindred/account/delete', { token: victim.token, form: { password: PASSWORD } }), 'delete');
    // Gone at once.
    must(await api(url, 'GET', `/api/v1/accounts/${victimId}`), 'the account', 404);
    must(await api(url, 'GET', `/api/v1/statuses/${victimPosts[0]}`), 'their post', 404);

    await new Promise((r) => setTimeout(r, 400));
    // Midway: their likes of others' posts (removed after their own posts) are still counted.
    const midway = await get(`/api/v1/statuses/${otherPosts[otherPosts.length - 1].id}`, others[0].token);
    assert.equal(midway.favourites_count, 1, 'the kill lands while the deletion is still running');
    const { signal } = await server.kill();
    assert.equal(signal, 'SIGKILL');

    server = await startServer({ dataDir });
    url = server.url;

    // The deletion resumes by itself; wait for the last step's effects.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const last = await get(`/api/v1/accounts/${ids[OTHERS - 1]}`, others[0].token);
      const liked = await get(`/api/v1/statuses/${otherPosts[otherPosts.length - 1].id}`, others[0].token);
      if (last.followers_count === expectAccounts[OTHERS - 1].followers && liked.favourites_count === 0) break;
      assert.ok(Date.now() < deadline, 'the deletion finishes within a minute of the restart');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Give the last step (the tombstone, after the follows) a moment, then check every count.
    for (let tries = 0; (await get('/api/v1/instance')).stats.user_count !== users - 1; tries++) {
      assert.ok(tries < 600, 'the account leaves the user count');
      await new Promise((r) => setTimeout(r, 100));
    }

    for (const e of expectPosts) {
      const s = await get(`/api/v1/statuses/${e.id}`, others[e.owner].token);
      assert.equal(s.favourites_count, e.favourites, `favourites of ${e.id}`);
      assert.equal(s.replies_count, e.replies, `replies of ${e.id}`);
    }
    for (const [i, o] of others.entries()) {
      const a = await get('/api/v1/accounts/verify_credentials', o.token);
      assert.equal(a.followers_count, expectAccounts[i].followers, `followers of stay${i}`);
      assert.equal(a.following_count, expectAccounts[i].following, `following of stay${i}`);
      assert.equal(a.statuses_count, expectAccounts[i].statuses, `statuses of stay${i}`);
      const favourites = await get('/api/v1/favourites?limit=40', o.token);
      assert.equal(favourites.length, 0, `stay${i} liked only posts that are gone`);
    }
    for (const id of victimPosts) must(await api(url, 'GET', `/api/v1/statuses/${id}`), `post ${id}`, 404);
    must(await api(url, 'GET', '/api/v1/accounts/verify_credentials', { token: victim.token }), 'their token', 401);
    const lookup = await api(url, 'GET', '/api/v1/accounts/lookup?acct=leaving');
    assert.equal(lookup.status, 404, 'not found by name');
    // The name stays taken.
    const again = await registerUser(url, 'leaving').then(() => 'registered', (e) => String(e));
    assert.match(again, /422/, 'the username stays taken');
  });
});
