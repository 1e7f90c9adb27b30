// A troll comments on the demo's memorial post; Lena, its author, reports the comment; Sam, a
// moderator, suspends the troll through Mastodon's admin API. The comment disappears for
// everyone (Lena, a stranger, a signed-out reader), the replies count drops by exactly one, the
// troll's token stops working, and the report is resolved: the whole flow against the real
// server with the demo data, as a moderation app would drive it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

import { api, freshDataDir, kindredBin, registerUser, removeDataDir, startServer } from './harness.mjs';

const DEMO_PASSWORD = 'kindred-demo';
const ADMIN_SCOPES = 'read write follow admin:read admin:write';

async function signIn(url, username, scopes = 'read write follow') {
  const app = await api(url, 'POST', '/api/v1/apps', {
    form: { client_name: 'moderation-e2e', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes },
  });
  assert.equal(app.status, 200);
  const token = await api(url, 'POST', '/oauth/token', {
    form: {
      grant_type: 'password', client_id: app.body.client_id, client_secret: app.body.client_secret,
      username, password: DEMO_PASSWORD, scope: scopes,
    },
  });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  return token.body.access_token;
}

// Polls `read` until `ok(value)` (background work: the suspension's sweep), at most 10 s.
async function eventually(read, ok) {
  let value;
  for (let i = 0; i < 200; i++) {
    value = await read();
    if (ok(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  return value;
}

describe('a troll under the memorial post, reported and suspended', () => {
  let server;
  let dataDir;
  before(async () => {
    dataDir = await freshDataDir();
    const seeding = await startServer({ dataDir, args: ['--demo'] });
    await seeding.stop();
    await promisify(execFile)(kindredBin, ['admin', 'role', '--data-dir', dataDir, '--username', 'sam', '--role', 'moderator']);
    server = await startServer({ dataDir });
  });
  after(async () => {
    if (server) await server.stop();
    if (dataDir) await removeDataDir(dataDir);
  });

  it('takes the cruel comment away for everyone and counts exactly', async () => {
    const url = server.url;
    const lena = await signIn(url, 'lena');
    const jonas = await signIn(url, 'jonas');
    const lenaAccount = (await api(url, 'GET', '/api/v1/accounts/verify_credentials', { token: lena })).body;
    const posts = (await api(url, 'GET', `/api/v1/accounts/${lenaAccount.id}/statuses?exclude_replies=true`, { token: lena })).body;
    const iris = posts.find((s) => s.content.includes('Iris'));
    assert.ok(iris, 'the memorial post');
    const before = iris.replies_count;

    // The troll, made for the purpose, comments.
    const troll = await registerUser(url, 'grief_is_weak');
    const trollAccount = (await api(url, 'GET', '/api/v1/accounts/verify_credentials', { token: troll.token })).body;
    const cruel = await api(url, 'POST', '/api/v1/statuses', {
      token: troll.token, json: { status: 'Get over it already.', in_reply_to_id: iris.id },
    });
    assert.equal(cruel.status, 200, JSON.stringify(cruel.body));
    const count = async (token) => (await api(url, 'GET', `/api/v1/statuses/${iris.id}`, { token })).body.replies_count;
    assert.equal(await count(lena), before + 1);

    // Lena reports it.
    const report = await api(url, 'POST', '/api/v1/reports', {
      token: lena, json: { account_id: trollAccount.id, status_ids: [cruel.body.id], comment: 'Cruel comment on my post about Iris.', category: 'other' },
    });
    assert.equal(report.status, 200, JSON.stringify(report.body));

    // Sam, a moderator, finds it in the queue and suspends the troll with it.
    const sam = await signIn(url, 'sam', ADMIN_SCOPES);
    const queue = await api(url, 'GET', '/api/v1/admin/reports', { token: sam });
    assert.equal(queue.status, 200);
    const open = queue.body.find((r) => r.id === report.body.id);
    assert.ok(open, 'the report is in the open queue');
    assert.equal(open.target_account.id, trollAccount.id);
    assert.deepEqual(open.statuses.map((s) => s.id), [cruel.body.id]);
    const action = await api(url, 'POST', `/api/v1/admin/accounts/${trollAccount.id}/action`, {
      token: sam, json: { type: 'suspend', report_id: report.body.id, text: 'Cruelty under a memorial post.' },
    });
    assert.equal(action.status, 200, JSON.stringify(action.body));

    // Gone for everyone, at once.
    for (const [who, token] of [['Lena', lena], ['a stranger', jonas], ['signed out', undefined]]) {
      assert.equal((await api(url, 'GET', `/api/v1/statuses/${cruel.body.id}`, { token })).status, 404, who);
      const context = (await api(url, 'GET', `/api/v1/statuses/${iris.id}/context`, { token })).body;
      assert.ok(!context.descendants.some((s) => s.id === cruel.body.id), `${who}: not in the thread`);
      const comments = (await api(url, 'GET', `/api/v1/kindred/statuses/${iris.id}/comments?limit=40`, { token })).body;
      assert.ok(!comments.some((s) => s.id === cruel.body.id), `${who}: not among the comments`);
      assert.equal((await api(url, 'GET', `/api/v1/accounts/${trollAccount.id}`, { token })).status, 404, who);
    }
    // The replies count drops by exactly one once the sweep has run.
    assert.equal(await eventually(() => count(jonas), (n) => n === before), before);
    assert.equal(await count(undefined), before);
    // The troll's token no longer works, and the report is resolved with Sam's action.
    assert.equal((await api(url, 'GET', '/api/v1/accounts/verify_credentials', { token: troll.token })).status, 403);
    const resolved = (await api(url, 'GET', `/api/v1/admin/reports/${report.body.id}`, { token: sam })).body;
    assert.equal(resolved.action_taken, true);
    assert.equal(resolved.target_account.suspended, true);
  });
});
