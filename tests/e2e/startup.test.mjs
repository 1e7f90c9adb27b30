// A Mastodon app's first minute against Kindred, through a real client library (megalodon): the
// calls Ice Cubes, Phanpy, Elk and Tusky make as they start, then finding a person by name and
// following them. Each answer must have the shape the app reads, never an unknown-route 404.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import generator from 'megalodon';

import { api, registerUser, removeDataDir, startServer } from './harness.mjs';

describe('a Mastodon app starting against Kindred (megalodon)', () => {
  let server;
  let client;
  let carol;
  let token;  // alice's

  before(async () => {
    server = await startServer();
    const alice = await registerUser(server.url, 'alice');
    carol = await registerUser(server.url, 'carol');
    const posted = await api(server.url, 'POST', '/api/v1/statuses', {
      token: carol.token, json: { status: 'A first photo from carol #gardens', visibility: 'public' },
    });
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    token = alice.token;
    client = generator('mastodon', server.url, token);
  });

  after(async () => {
    if (!server) return;
    await server.stop();
    await removeDataDir(server.dataDir);
  });

  it('verifies the credentials and reads both instance answers', async () => {
    const me = (await client.verifyAccountCredentials()).data;
    assert.equal(me.username, 'alice');
    assert.equal(typeof me.source?.privacy, 'string');
    const v1 = (await client.getInstance()).data;
    assert.equal(typeof v1.uri, 'string');
    assert.equal(typeof v1.version, 'string');
    const v2 = await api(server.url, 'GET', '/api/v2/instance');
    assert.equal(v2.status, 200);
    assert.equal(typeof v2.body.domain, 'string');
    assert.equal(typeof v2.body.configuration?.statuses?.max_characters, 'number');
    assert.equal(typeof v2.body.source_url, 'string', 'source_url (Mastodon 4.3)');
    assert.ok(Array.isArray(v2.body.rules));
  });

  it('reads preferences, custom emojis, lists, followed tags, filters and announcements', async () => {
    const prefs = (await client.getPreferences()).data;
    assert.equal(prefs['posting:default:visibility'], 'public');
    assert.deepEqual((await client.getInstanceCustomEmojis()).data, []);
    assert.deepEqual((await client.getLists()).data, [], 'a new account has no lists');
    assert.deepEqual((await client.getFollowedTags()).data, []);
    assert.deepEqual((await client.getFilters()).data, [], 'filters v1');
    const v2filters = await api(server.url, 'GET', '/api/v2/filters', { token });
    assert.notEqual(v2filters.status, 404);
    assert.deepEqual((await client.getInstanceAnnouncements()).data, [], 'shipped without announcements');
    const peers = (await client.getInstancePeers()).data;
    assert.deepEqual(peers, []);
  });

  it('reads the notification policy and requests (Mastodon 4.3), not a group key', async () => {
    const policy = await api(server.url, 'GET', '/api/v2/notifications/policy', { token });
    assert.equal(policy.status, 200, JSON.stringify(policy.body));
    for (const key of ['for_not_following', 'for_not_followers', 'for_new_accounts', 'for_private_mentions', 'for_limited_accounts']) {
      assert.ok(['accept', 'filter', 'drop'].includes(policy.body[key]), `${key}: ${policy.body[key]}`);
    }
    assert.equal(typeof policy.body.summary?.pending_requests_count, 'number');
    const requests = await api(server.url, 'GET', '/api/v1/notifications/requests', { token });
    assert.equal(requests.status, 200);
    assert.deepEqual(requests.body, []);
    const notifications = (await client.getNotifications()).data;
    assert.ok(Array.isArray(notifications));
  });

  it('finds a person by name, follows them, and sees their post at home', async () => {
    const home = (await client.getHomeTimeline()).data;
    assert.equal(home.length, 0, 'nothing at home before following anyone');
    const found = (await client.search('caro', { type: 'accounts' })).data;
    assert.ok(Array.isArray(found.accounts) && Array.isArray(found.statuses) && Array.isArray(found.hashtags));
    const hit = found.accounts.find((a) => a.acct === 'carol');
    assert.ok(hit, `search for "caro" finds carol: ${JSON.stringify(found.accounts.map((a) => a.acct))}`);
    const rel = (await client.followAccount(hit.id)).data;
    assert.equal(rel.following, true);
    const after = (await client.getHomeTimeline()).data;
    assert.ok(after.some((s) => s.account.acct === 'carol'), 'carol\'s post comes home after the follow');
    const tags = (await client.search('garden', { type: 'hashtags' })).data;
    assert.ok(tags.hashtags.some((t) => t.name === 'gardens'), 'hashtags by prefix');
  });
});
