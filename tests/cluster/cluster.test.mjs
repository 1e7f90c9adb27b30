// The cluster test (`make test-cluster`): API flows over the cluster `scripts/cluster.sh up`
// started, through HAProxy (roundrobin over both nodes) and against each node directly. What one
// node writes, the other reads; a revoked token and a block take effect on the other node within
// the bound the multi-node caches promise (1 s).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { api, PASSWORD, registerUser } from '../e2e/harness.mjs';
import { clusterEnv, expectStatus, msUntil, registerApp, runPrefix, signIn } from './cluster_env.mjs';

const BOUND_MS = 1000; // revocations and blocks reach every node within this
const POLL_LIMIT_MS = 15_000; // how long the tests look for a change before calling it lost

const env = clusterEnv();
const HA = env.CLUSTER_HTTP_URL;
const N1 = env.CLUSTER_NODE1_URL;
const N2 = env.CLUSTER_NODE2_URL;
const prefix = runPrefix('c');
let serial = 0;
const username = () => `${prefix}${serial++}`;

async function status(url, id, token) {
  return api(url, 'GET', `/api/v1/statuses/${id}`, { token });
}

async function post(url, token, text, headers = {}) {
  return expectStatus(await api(url, 'POST', '/api/v1/statuses', { token, form: { status: text }, headers }), 200, 'POST /api/v1/statuses');
}

// Every liker of status `id`, paging favourited_by at `url` to the end.
async function favouritedBy(url, id) {
  const ids = [];
  let next = `/api/v1/statuses/${id}/favourited_by?limit=80`;
  while (next) {
    const res = await api(url, 'GET', next);
    const page = expectStatus(res, 200, 'GET favourited_by');
    if (page.length === 0) break;
    ids.push(...page.map((a) => a.id));
    const link = res.headers.get('link') ?? '';
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
    next = m ? m[1] : null;
  }
  return ids;
}

describe('two Kindred nodes over one PostgreSQL', () => {
  before(async () => {
    for (const url of [HA, N1, N2]) {
      const res = await api(url, 'GET', '/api/v1/instance');
      assert.equal(res.status, 200, `${url} answers /api/v1/instance (is the cluster up? scripts/cluster.sh up)`);
    }
  });

  test('HAProxy spreads requests over both nodes', async () => {
    // Sessions each server got, from HAProxy's stats (CSV: proxy, server, ..., stot is column 8).
    const sessions = async () => {
      const csv = await (await fetch(`${env.CLUSTER_HAPROXY_STATS};csv`)).text();
      const out = {};
      for (const line of csv.split('\n')) {
        const f = line.split(',');
        if (f[0] === 'kindred_http' && f[1].startsWith('node')) out[f[1]] = Number(f[7]);
      }
      return out;
    };
    const s0 = await sessions();
    // A new connection per request (fetch keeps none open across these awaits for long).
    for (let i = 0; i < 10; i++) {
      const r = await api(HA, 'GET', '/api/v1/instance', { headers: { Connection: 'close' } });
      assert.equal(r.status, 200);
    }
    const s1 = await sessions();
    assert.ok(s1.node1 - s0.node1 >= 3, `node1 got ${s1.node1 - s0.node1} of 10 sessions`);
    assert.ok(s1.node2 - s0.node2 >= 3, `node2 got ${s1.node2 - s0.node2} of 10 sessions`);
  });

  test('sign up on node 1, sign in on node 2, the token works on both', async () => {
    const name = username();
    const user = await registerUser(N1, name);
    const app = await registerApp(N1, 'cluster-signin'); // registered on node 1, used on node 2
    const res = await signIn(N2, app, `${name}@example.test`, PASSWORD);
    const token = expectStatus(res, 200, 'password grant on node 2').access_token;
    assert.ok(token);
    for (const url of [N1, N2, HA]) {
      const me = expectStatus(await api(url, 'GET', '/api/v1/accounts/verify_credentials', { token }), 200, `verify_credentials at ${url}`);
      assert.equal(me.username, name);
      const me2 = expectStatus(await api(url, 'GET', '/api/v1/accounts/verify_credentials', { token: user.token }), 200, 'sign-up token');
      assert.equal(me2.id, me.id);
    }
  });

  test('a post on node 2 is read on node 1; a like on node 1 is counted on node 2', async () => {
    const author = await registerUser(N2, username());
    const liker = await registerUser(N1, username());
    const s = await post(N2, author.token, 'Fog on the estuary, first light');
    const on1 = expectStatus(await status(N1, s.id), 200, 'read on node 1');
    assert.equal(on1.content.includes('Fog on the estuary'), true);
    assert.equal(on1.favourites_count, 0);

    expectStatus(await api(N1, 'POST', `/api/v1/statuses/${s.id}/favourite`, { token: liker.token }), 200, 'like on node 1');
    const on2 = expectStatus(await status(N2, s.id, liker.token), 200, 'read on node 2');
    assert.equal(on2.favourites_count, 1);
    assert.equal(on2.favourited, true);

    // Unlike on node 2, seen on node 1.
    expectStatus(await api(N2, 'POST', `/api/v1/statuses/${s.id}/unfavourite`, { token: liker.token }), 200, 'unlike on node 2');
    const again = expectStatus(await status(N1, s.id, liker.token), 200, 'read on node 1');
    assert.equal(again.favourites_count, 0);
    assert.equal(again.favourited, false);
  });

  test('likes through HAProxy from many accounts: both nodes count every one, favourited_by lists each once', async () => {
    const author = await registerUser(HA, username());
    const s = await post(HA, author.token, 'The harbour wall at low tide');
    const likers = [];
    for (let i = 0; i < 12; i++) likers.push(await registerUser(HA, username()));
    // Each like twice (once per node, through HAProxy's roundrobin): the second is a no-op.
    await Promise.all(likers.map((l) => api(HA, 'POST', `/api/v1/statuses/${s.id}/favourite`, { token: l.token })));
    const again = await Promise.all(likers.map((l) => api(HA, 'POST', `/api/v1/statuses/${s.id}/favourite`, { token: l.token })));
    for (const r of again) assert.equal(r.status, 200);
    for (const url of [N1, N2]) {
      assert.equal(expectStatus(await status(url, s.id), 200, 'read').favourites_count, likers.length, `count at ${url}`);
      const ids = await favouritedBy(url, s.id);
      assert.equal(ids.length, likers.length);
      assert.equal(new Set(ids).size, likers.length);
    }
  });

  test('an Idempotency-Key used on node 1 and again on node 2 makes one post', async () => {
    const author = await registerUser(HA, username());
    const key = `${prefix}-key`;
    const a = await post(N1, author.token, 'Only once, please', { 'Idempotency-Key': key });
    const b = await post(N2, author.token, 'Only once, please', { 'Idempotency-Key': key });
    assert.equal(b.id, a.id);
    const me = expectStatus(await api(N2, 'GET', '/api/v1/accounts/verify_credentials', { token: author.token }), 200, 'me');
    assert.equal(me.statuses_count, 1);
  });

  test(`a token revoked on node 1 is refused on node 2 within ${BOUND_MS} ms`, async () => {
    const name = username();
    await registerUser(HA, name);
    const app = await registerApp(N1, 'cluster-revoke');
    const token = expectStatus(await signIn(N1, app, `${name}@example.test`, PASSWORD), 200, 'sign in').access_token;
    // Used on node 2 first, so whatever node 2 caches about it is warm.
    for (let i = 0; i < 3; i++) {
      expectStatus(await api(N2, 'GET', '/api/v1/accounts/verify_credentials', { token }), 200, 'token on node 2');
    }
    const revoked = await api(N1, 'POST', '/oauth/revoke', {
      form: { client_id: app.client_id, client_secret: app.client_secret, token },
    });
    expectStatus(revoked, 200, 'revoke on node 1');
    assert.equal((await api(N1, 'GET', '/api/v1/accounts/verify_credentials', { token })).status, 401, 'node 1 refuses at once');
    const ms = await msUntil(
      async () => (await api(N2, 'GET', '/api/v1/accounts/verify_credentials', { token })).status === 401,
      POLL_LIMIT_MS,
    );
    console.log(`# revoked token refused on node 2 after ${ms === null ? `more than ${POLL_LIMIT_MS}` : ms.toFixed(0)} ms`);
    assert.notEqual(ms, null, `node 2 still accepted the revoked token after ${POLL_LIMIT_MS} ms`);
    assert.ok(ms <= BOUND_MS, `node 2 accepted the revoked token for ${ms.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
  });

  test(`a block made on node 1 takes effect on node 2 within ${BOUND_MS} ms`, async () => {
    const a = await registerUser(HA, username());
    const b = await registerUser(HA, username());
    const s = await post(N1, a.token, 'Nets drying on the quay');
    // b sees a's post on both nodes (and each node has looked at both accounts).
    for (const url of [N1, N2]) expectStatus(await status(url, s.id, b.token), 200, `b reads a's post at ${url}`);
    const bAccount = expectStatus(await api(N1, 'GET', '/api/v1/accounts/verify_credentials', { token: b.token }), 200, 'b');

    expectStatus(await api(N1, 'POST', `/api/v1/accounts/${bAccount.id}/block`, { token: a.token }), 200, 'block on node 1');
    assert.equal((await status(N1, s.id, b.token)).status, 404, 'node 1 hides the post from the blocked account at once');
    const ms = await msUntil(async () => (await status(N2, s.id, b.token)).status === 404, POLL_LIMIT_MS);
    console.log(`# block seen on node 2 after ${ms === null ? `more than ${POLL_LIMIT_MS}` : ms.toFixed(0)} ms`);
    assert.notEqual(ms, null, `node 2 still showed the post to the blocked account after ${POLL_LIMIT_MS} ms`);
    assert.ok(ms <= BOUND_MS, `node 2 showed the post to the blocked account for ${ms.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
    // The blocked account cannot like it either, on either node.
    for (const url of [N1, N2]) {
      const r = await api(url, 'POST', `/api/v1/statuses/${s.id}/favourite`, { token: b.token });
      assert.notEqual(r.status, 200, `b's like of a blocked author's post at ${url}`);
    }
    const rel = expectStatus(await api(N2, 'GET', `/api/v1/accounts/relationships?id[]=${bAccount.id}`, { token: a.token }), 200, 'relationships');
    assert.equal(rel[0].blocking, true);
  });
});
