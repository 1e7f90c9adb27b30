// The export test against the real binary: a person's following_accounts.csv, downloaded
// as a client would, imported into a fresh account gives that account the same follows; and the
// archive is asked for, built in the background and downloaded as a zip.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { api, registerUser, removeDataDir, startServer } from './harness.mjs';

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  if (!server) return;
  await server.stop();
  await removeDataDir(server.dataDir);
});

async function idOf(username, token) {
  const r = await api(server.url, 'GET', `/api/v1/accounts/lookup?acct=${username}`, { token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.id;
}

async function followingOf(username, token) {
  const r = await api(server.url, 'GET', `/api/v1/accounts/${await idOf(username, token)}/following?limit=80`, { token });
  assert.equal(r.status, 200);
  return r.body.map((a) => a.username).sort();
}

describe('your data, on the real server', () => {
  it('a following_accounts.csv imported by a fresh account gives the same follows', async () => {
    const ann = await registerUser(server.url, 'ann');
    const names = ['bob', 'cat', 'dot', 'eve'];
    for (const name of names) await registerUser(server.url, name);
    for (const name of names.slice(0, 3)) {
      const r = await api(server.url, 'POST', `/api/v1/accounts/${await idOf(name, ann.token)}/follow`, { token: ann.token });
      assert.equal(r.status, 200);
    }
    const exported = await fetch(`${server.url}/api/v1/kindred/exports/following_accounts.csv`, {
      headers: { Authorization: `Bearer ${ann.token}` },
    });
    assert.equal(exported.status, 200);
    assert.equal(exported.headers.get('content-type'), 'text/csv; charset=utf-8');
    const csv = await exported.text();
    assert.equal(csv.split('\n')[0], 'Account address,Show boosts,Notify on new posts,Languages');

    const fresh = await registerUser(server.url, 'fay');
    const form = new FormData();
    form.append('type', 'following');
    form.append('mode', 'merge');
    form.append('data', new Blob([csv], { type: 'text/csv' }), 'following_accounts.csv');
    const imported = await fetch(`${server.url}/api/v1/kindred/imports`, {
      method: 'POST', body: form, headers: { Authorization: `Bearer ${fresh.token}` },
    });
    const result = await imported.json();
    assert.equal(imported.status, 200, JSON.stringify(result));
    assert.equal(result.imported_items, 3);
    assert.equal(result.refused_items, 0);
    assert.deepEqual(await followingOf('fay', fresh.token), await followingOf('ann', ann.token));
    assert.deepEqual(await followingOf('fay', fresh.token), ['bob', 'cat', 'dot']);
  });

  it('the archive is built in the background and downloaded as a zip', async () => {
    const gus = await registerUser(server.url, 'gus');
    const post = await api(server.url, 'POST', '/api/v1/statuses', { token: gus.token, json: { status: 'Keep this' } });
    assert.equal(post.status, 200);
    const asked = await api(server.url, 'POST', '/api/v1/kindred/archive', { token: gus.token });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    let state = asked.body;
    for (let i = 0; i < 300 && state.state === 'pending'; ++i) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = (await api(server.url, 'GET', '/api/v1/kindred/archive', { token: gus.token })).body;
    }
    assert.equal(state.state, 'ready', JSON.stringify(state));
    const zip = await fetch(`${server.url}/api/v1/kindred/archive/download`, { headers: { Authorization: `Bearer ${gus.token}` } });
    assert.equal(zip.status, 200);
    const bytes = Buffer.from(await zip.arrayBuffer());
    assert.equal(bytes.length, state.size);
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
    assert.ok(bytes.includes(Buffer.from('outbox.json')), 'outbox.json is in it');
    const again = await api(server.url, 'POST', '/api/v1/kindred/archive', { token: gus.token });
    assert.equal(again.status, 429);
    assert.equal(again.body.error, 'You can only request an archive once a day');
  });
});
