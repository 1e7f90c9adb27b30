// Kindred as a real Mastodon client library sees it: megalodon (pinned in package.json) drives
// the real server through the calls a photo-sharing client makes, and we check the fields such
// clients rely on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';

import generator, { detector, Mastodon } from 'megalodon';

import { api, gradientPng, rebase, registerUser, removeDataDir, startServer } from './harness.mjs';

const ISO_8601 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const ID = /^\d+$/;

// Rejects unless `promise` fails with an HTTP error of `status`, as megalodon surfaces it (an
// axios error carrying the response).
async function rejectsWithStatus(promise, status) {
  await assert.rejects(promise, (err) => {
    assert.equal(err?.response?.status, status, `expected HTTP ${status}, got: ${err}`);
    assert.equal(typeof err.response.data?.error, 'string', 'error body is {"error": "..."}');
    return true;
  });
}

function checkAccount(account, username) {
  assert.match(account.id, ID, 'account.id is a decimal string');
  assert.equal(account.username, username);
  assert.equal(account.acct, username, 'a local account has acct == username');
  assert.equal(typeof account.display_name, 'string');
  assert.equal(typeof account.note, 'string');
  assert.equal(typeof account.url, 'string');
  assert.equal(typeof account.avatar, 'string');
  assert.match(account.created_at, ISO_8601);
  for (const field of ['followers_count', 'following_count', 'statuses_count']) {
    assert.equal(typeof account[field], 'number', `account.${field} is a number`);
  }
  assert.equal(typeof account.locked, 'boolean');
  assert.equal(typeof account.bot, 'boolean');
}

function checkStatus(status, { author, favourited, favourites }) {
  assert.match(status.id, ID, 'status.id is a decimal string');
  assert.match(status.created_at, ISO_8601, 'status.created_at is ISO 8601');
  assert.equal(typeof status.uri, 'string');
  assert.equal(typeof status.content, 'string');
  assert.equal(status.account.acct, author);
  assert.equal(status.visibility, 'public');
  assert.equal(typeof status.sensitive, 'boolean');
  assert.equal(typeof status.spoiler_text, 'string');
  for (const field of ['favourites_count', 'replies_count', 'reblogs_count']) {
    assert.equal(typeof status[field], 'number', `status.${field} is a number`);
  }
  assert.equal(typeof status.favourited, 'boolean', 'status.favourited is a boolean for a viewer');
  assert.ok(Array.isArray(status.media_attachments));
  assert.ok(Array.isArray(status.mentions));
  if (favourited !== undefined) assert.equal(status.favourited, favourited);
  if (favourites !== undefined) assert.equal(status.favourites_count, favourites);
}

describe('megalodon against Kindred', () => {
  let server;
  let alice;
  let bob;
  let aliceClient;
  let bobClient;
  let aliceAccount;
  let bobAccount;

  before(async () => {
    server = await startServer();
    alice = await registerUser(server.url, 'alice');
    bob = await registerUser(server.url, 'bob');
    aliceClient = generator('mastodon', server.url, alice.token);
    bobClient = generator('mastodon', server.url, bob.token);
    aliceAccount = (await aliceClient.verifyAccountCredentials()).data;
    bobAccount = (await bobClient.verifyAccountCredentials()).data;
  });

  after(async () => {
    if (!server) return;
    await server.stop();
    await removeDataDir(server.dataDir);
  });

  it('is detected as a Mastodon server through nodeinfo', async () => {
    // detector() follows the href that /.well-known/nodeinfo names. The server's base URL has no
    // port in these tests, so the getter below keeps the path and sends it to the real port.
    const sameServer = {
      async get(target) {
        const res = await fetch(rebase(target, server.url), { headers: { Accept: 'application/json' } });
        assert.equal(res.status, 200, `GET ${target}`);
        return { status: res.status, data: await res.json() };
      },
    };
    assert.equal(await detector(server.url, sameServer), 'mastodon');
  });

  it('verifies credentials', async () => {
    const res = await aliceClient.verifyAccountCredentials();
    assert.equal(res.status, 200);
    checkAccount(res.data, 'alice');
    assert.notEqual(aliceAccount.id, bobAccount.id);
  });

  it('posts, fetches and renders a status as HTML', async () => {
    const posted = await aliceClient.postStatus('Sunset <over> the bay & the hills');
    assert.equal(posted.status, 200);
    checkStatus(posted.data, { author: 'alice', favourited: false, favourites: 0 });
    assert.equal(posted.data.account.id, aliceAccount.id);
    assert.equal(posted.data.in_reply_to_id, null);
    assert.equal(posted.data.replies_count, 0);
    assert.ok(posted.data.content.includes('<p>'), `content is HTML: ${posted.data.content}`);
    assert.ok(posted.data.content.includes('&lt;over&gt;'), `text is escaped: ${posted.data.content}`);
    assert.ok(!posted.data.content.includes('<over>'), 'no raw markup from the author');

    const fetched = await bobClient.getStatus(posted.data.id);
    assert.equal(fetched.status, 200);
    checkStatus(fetched.data, { author: 'alice', favourited: false, favourites: 0 });
    assert.equal(fetched.data.id, posted.data.id);
    assert.equal(fetched.data.content, posted.data.content);
    assert.equal(fetched.data.created_at, posted.data.created_at);
  });

  it('favourites and unfavourites idempotently', async () => {
    const { data: status } = await aliceClient.postStatus('A photo worth a like');

    for (let i = 0; i < 2; i++) {
      const res = await bobClient.favouriteStatus(status.id);
      assert.equal(res.status, 200);
      checkStatus(res.data, { author: 'alice', favourited: true, favourites: 1 });
    }
    checkStatus((await bobClient.getStatus(status.id)).data, { author: 'alice', favourited: true, favourites: 1 });
    checkStatus((await aliceClient.getStatus(status.id)).data, { author: 'alice', favourited: false, favourites: 1 });

    const by = await aliceClient.getStatusFavouritedBy(status.id);
    assert.equal(by.status, 200);
    assert.deepEqual(by.data.map((a) => a.id), [bobAccount.id]);
    checkAccount(by.data[0], 'bob');

    const favs = await bobClient.getFavourites({ limit: 40 });
    assert.equal(favs.status, 200);
    const fav = favs.data.find((s) => s.id === status.id);
    assert.ok(fav, 'the liked status is in /api/v1/favourites');
    checkStatus(fav, { author: 'alice', favourited: true, favourites: 1 });

    for (let i = 0; i < 2; i++) {
      const res = await bobClient.unfavouriteStatus(status.id);
      assert.equal(res.status, 200);
      checkStatus(res.data, { author: 'alice', favourited: false, favourites: 0 });
    }
    assert.deepEqual((await aliceClient.getStatusFavouritedBy(status.id)).data, []);
    const favsAfter = await bobClient.getFavourites({ limit: 40 });
    assert.ok(!favsAfter.data.some((s) => s.id === status.id), 'gone from /api/v1/favourites');
  });

  it('threads a reply under its parent', async () => {
    const { data: parent } = await aliceClient.postStatus('Which lens was this?');
    const reply = await bobClient.postStatus('@alice the 35mm, I think', { in_reply_to_id: parent.id });
    assert.equal(reply.status, 200);
    checkStatus(reply.data, { author: 'bob', favourited: false, favourites: 0 });
    assert.equal(reply.data.in_reply_to_id, parent.id);
    assert.equal(reply.data.in_reply_to_account_id, aliceAccount.id);

    const up = await bobClient.getStatusContext(reply.data.id);
    assert.equal(up.status, 200);
    assert.deepEqual(up.data.ancestors.map((s) => s.id), [parent.id]);
    assert.deepEqual(up.data.descendants, []);

    const down = await aliceClient.getStatusContext(parent.id);
    assert.deepEqual(down.data.ancestors, []);
    assert.deepEqual(down.data.descendants.map((s) => s.id), [reply.data.id]);
    checkStatus(down.data.descendants[0], { author: 'bob' });

    assert.equal((await aliceClient.getStatus(parent.id)).data.replies_count, 1);
  });

  it('lists an account\'s statuses newest first', async () => {
    const carol = generator('mastodon', server.url, (await registerUser(server.url, 'carol')).token);
    const me = (await carol.verifyAccountCredentials()).data;
    const posted = [];
    for (const text of ['first', 'second', 'third']) {
      posted.push((await carol.postStatus(text)).data.id);
    }
    const res = await bobClient.getAccountStatuses(me.id, { limit: 20 });
    assert.equal(res.status, 200);
    assert.deepEqual(res.data.map((s) => s.id), [...posted].reverse());
    for (const s of res.data) checkStatus(s, { author: 'carol', favourited: false });
    const ids = res.data.map((s) => BigInt(s.id));
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] > ids[i], 'ids are time-ordered');

    const page = await bobClient.getAccountStatuses(me.id, { limit: 2 });
    assert.deepEqual(page.data.map((s) => s.id), [posted[2], posted[1]]);
    const rest = await bobClient.getAccountStatuses(me.id, { limit: 2, max_id: posted[1] });
    assert.deepEqual(rest.data.map((s) => s.id), [posted[0]]);
  });

  it('deletes a status and returns its source text', async () => {
    const { data: doomed } = await aliceClient.postStatus('Posted by mistake');
    const res = await aliceClient.deleteStatus(doomed.id);
    assert.equal(res.status, 200);
    assert.equal(res.data.id, doomed.id);
    await rejectsWithStatus(aliceClient.getStatus(doomed.id), 404);

    // megalodon drops `text` when converting, so read the raw reply for it.
    const { data: other } = await aliceClient.postStatus('Also a mistake');
    const raw = await api(server.url, 'DELETE', `/api/v1/statuses/${other.id}`, { token: alice.token });
    assert.equal(raw.status, 200);
    assert.equal(raw.body.id, other.id);
    assert.equal(raw.body.text, 'Also a mistake');

    await rejectsWithStatus(bobClient.deleteStatus((await aliceClient.postStatus('not yours')).data.id), 404);
  });

  it('describes the instance', async () => {
    const res = await bobClient.getInstance();
    assert.equal(res.status, 200);
    assert.match(res.data.version, /Kindred/);
    assert.equal(typeof res.data.uri, 'string');
    assert.equal(typeof res.data.title, 'string');
  });

  it('looks up an account by acct', { skip: typeof Mastodon.prototype.lookupAccount !== 'function' }, async () => {
    const res = await bobClient.lookupAccount('alice');
    assert.equal(res.status, 200);
    assert.equal(res.data.id, aliceAccount.id);
    checkAccount(res.data, 'alice');
    await rejectsWithStatus(bobClient.lookupAccount('nobody_here'), 404);
  });

  it('answers 404 for an unknown status', async () => {
    await rejectsWithStatus(bobClient.getStatus('999999999999999999'), 404);
    await rejectsWithStatus(bobClient.favouriteStatus('999999999999999999'), 404);
    await rejectsWithStatus(bobClient.getStatusContext('999999999999999999'), 404);
  });

  it('answers 401 without a valid token', async () => {
    const anonymous = generator('mastodon', server.url);
    await rejectsWithStatus(anonymous.verifyAccountCredentials(), 401);
    await rejectsWithStatus(anonymous.postStatus('who am I?'), 401);
    const forged = generator('mastodon', server.url, 'not-a-real-token');
    await rejectsWithStatus(forged.verifyAccountCredentials(), 401);
  });

  it('uploads a photo, describes it and posts it', async () => {
    // megalodon sends files with the form-data package, which reads streams: as an app would.
    const photoPath = path.join(server.dataDir, 'dusk.png');
    const notPhotoPath = path.join(server.dataDir, 'notes.jpg');
    fs.writeFileSync(photoPath, gradientPng(1200, 800));
    fs.writeFileSync(notPhotoPath, 'not an image');
    const uploaded = await aliceClient.uploadMedia(fs.createReadStream(photoPath),
                                                   { description: 'A gradient at dusk' });
    assert.ok(uploaded.status === 200 || uploaded.status === 202, `upload answered ${uploaded.status}`);
    const media = uploaded.data;
    assert.match(media.id, ID);
    assert.equal(media.type, 'image');
    assert.equal(media.description, 'A gradient at dusk');

    const ready = await aliceClient.getMedia(media.id);
    assert.equal(ready.status, 200);
    assert.equal(typeof ready.data.url, 'string');
    assert.equal(ready.data.meta.original.width, 1200);
    assert.equal(ready.data.meta.small.width, 640);
    assert.equal(typeof ready.data.blurhash, 'string');

    const edited = await aliceClient.updateMedia(media.id, { description: 'Orange fading into blue' });
    assert.equal(edited.data.description, 'Orange fading into blue');

    const posted = await aliceClient.postStatus('', { media_ids: [media.id] });
    assert.equal(posted.status, 200);
    checkStatus(posted.data, { author: 'alice', favourited: false, favourites: 0 });
    assert.equal(posted.data.media_attachments.length, 1);
    assert.equal(posted.data.media_attachments[0].id, media.id);
    assert.equal(posted.data.media_attachments[0].description, 'Orange fading into blue');

    const image = await fetch(rebase(posted.data.media_attachments[0].url, server.url));
    assert.equal(image.status, 200);
    assert.match(image.headers.get('content-type'), /^image\/(jpeg|png)$/);
    assert.ok(image.headers.get('etag'));

    await rejectsWithStatus(bobClient.postStatus('not mine', { media_ids: [media.id] }), 422);
    await rejectsWithStatus(aliceClient.uploadMedia(fs.createReadStream(notPhotoPath)), 422);
  });

  it('updates the profile', async () => {
    const res = await aliceClient.updateCredentials({
      display_name: 'Alice Example',
      note: 'Photographs & tea',
      fields_attributes: [{ name: 'Camera', value: 'Fuji X100' }],
    });
    assert.equal(res.status, 200);
    assert.equal(res.data.display_name, 'Alice Example');
    assert.equal(res.data.fields.length, 1);
    assert.equal(res.data.fields[0].name, 'Camera');
    checkAccount(res.data, 'alice');
    const seen = await bobClient.getAccount(aliceAccount.id);
    assert.equal(seen.data.display_name, 'Alice Example');
    await rejectsWithStatus(aliceClient.updateCredentials({ display_name: 'x'.repeat(31) }), 422);
  });

  it('follows, reads the home timeline and gets notified', async () => {
    const dora = generator('mastodon', server.url, (await registerUser(server.url, 'dora')).token);
    const doraAccount = (await dora.verifyAccountCredentials()).data;
    const rel = await dora.followAccount(aliceAccount.id);
    assert.equal(rel.status, 200);
    assert.equal(rel.data.following, true);
    const rels = await dora.getRelationships([aliceAccount.id, bobAccount.id]);
    assert.deepEqual(rels.data.map((r) => r.following), [true, false]);

    const { data: posted } = await aliceClient.postStatus('New photos from the coast, @dora');
    // The fan-out runs in the background; a client polls, and so does this test.
    let home = [];
    for (let i = 0; i < 100 && !home.some((s) => s.id === posted.id); i++) {
      home = (await dora.getHomeTimeline({ limit: 20 })).data;
      if (!home.some((s) => s.id === posted.id)) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(home.some((s) => s.id === posted.id), 'the followed account\'s post is in the home feed');
    for (const s of home) checkStatus(s, { author: 'alice' });

    await dora.favouriteStatus(posted.id);
    const notes = (await aliceClient.getNotifications({ limit: 40 })).data;
    const byDora = notes.filter((n) => n.account.id === doraAccount.id).map((n) => n.type);
    // megalodon names Mastodon's "favourite" "favourite" too; the like is the post's one notice.
    assert.deepEqual(byDora, ['favourite', 'follow']);
    const mentions = (await dora.getNotifications({ limit: 40 })).data;
    assert.deepEqual(mentions.map((n) => n.type), ['mention']);
    assert.equal(mentions[0].status.id, posted.id);

    const followers = await aliceClient.getAccountFollowers(aliceAccount.id);
    assert.ok(followers.data.some((a) => a.id === doraAccount.id));
    await dora.unfollowAccount(aliceAccount.id);
    assert.equal((await dora.getRelationship(aliceAccount.id)).data.following, false);
  });

  it('reblogs, lists who reblogged, and unreblogs', async () => {
    const { data: original } = await aliceClient.postStatus('Harbour at dawn');
    const { data: reblog } = await bobClient.reblogStatus(original.id);
    assert.match(reblog.id, ID);
    assert.notEqual(reblog.id, original.id, 'a reblog is a status of its own');
    assert.equal(reblog.reblog.id, original.id);
    assert.equal(reblog.reblogged, true);
    assert.equal(reblog.reblog.reblogs_count, 1);
    const by = (await aliceClient.getStatusRebloggedBy(original.id)).data;
    assert.deepEqual(by.map((a) => a.id), [bobAccount.id]);
    const notes = (await aliceClient.getNotifications({ limit: 40 })).data;
    assert.ok(notes.some((n) => n.type === 'reblog' && n.account.id === bobAccount.id && n.status.id === original.id));
    const { data: undone } = await bobClient.unreblogStatus(original.id);
    assert.equal(undone.id, original.id);
    assert.equal(undone.reblogged, false);
    assert.equal(undone.reblogs_count, 0);
    assert.equal((await aliceClient.getStatusRebloggedBy(original.id)).data.length, 0);
  });

  it('saves and reads the notifications read marker', async () => {
    const notes = (await aliceClient.getNotifications({ limit: 1 })).data;
    assert.equal(notes.length, 1);
    const saved = await aliceClient.saveMarkers({ notifications: { last_read_id: notes[0].id } });
    assert.equal(saved.status, 200);
    const { data: markers } = await aliceClient.getMarkers(['notifications']);
    assert.equal(markers.notifications.last_read_id, notes[0].id);
    assert.equal(typeof markers.notifications.version, 'number');
    const unread = await api(server.url, 'GET', '/api/v1/notifications/unread_count', { token: alice.token });
    assert.equal(unread.status, 200);
    assert.equal(unread.body.count, 0);
  });
});
