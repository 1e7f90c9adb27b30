// Mastodon's streaming API as a real client library uses it: megalodon's WebSocket streaming
// (userStreaming, localStreaming) against the real server, receiving update, notification and
// delete events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import generator from 'megalodon';

import { removeDataDir, registerUser, startServer } from './harness.mjs';

// Resolves with the first `event` that `socket` emits and `accept` accepts; rejects after 10 s.
function nextEvent(socket, event, accept = () => true) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.removeListener(event, listener);
      reject(new Error(`no ${event} event within 10 s`));
    }, 10_000);
    function listener(value) {
      if (!accept(value)) return;
      clearTimeout(timer);
      socket.removeListener(event, listener);
      resolve(value);
    }
    socket.on(event, listener);
  });
}

describe('megalodon streams from Kindred', () => {
  let server;
  let alice;
  let bob;
  let aliceClient;
  let bobClient;
  const sockets = [];

  before(async () => {
    // The base URL names the bound port, so that urls.streaming_api reaches this server.
    server = await startServer({ baseUrl: null });
    alice = await registerUser(server.url, 'alice');
    bob = await registerUser(server.url, 'bob');
    aliceClient = generator('mastodon', server.url, alice.token);
    bobClient = generator('mastodon', server.url, bob.token);
  });

  after(async () => {
    for (const s of sockets) s.stop();
    if (!server) return;
    await server.stop();
    await removeDataDir(server.dataDir);
  });

  async function open(streaming) {
    const socket = await streaming;
    sockets.push(socket);
    socket.on('error', () => {});  // asserted through the events awaited instead
    await nextEvent(socket, 'connect');
    return socket;
  }

  it('names a streaming URL that follows the base URL', async () => {
    const instance = await aliceClient.getInstance();
    assert.equal(instance.data.urls.streaming_api, server.url.replace(/^http/, 'ws'));
  });

  it('receives update, notification and delete', async () => {
    const bobAccount = (await bobClient.verifyAccountCredentials()).data;
    await aliceClient.followAccount(bobAccount.id);
    const user = await open(aliceClient.userStreaming());
    const local = await open(aliceClient.localStreaming());

    // A followed account's post reaches alice's user stream and the local stream.
    const updateOnUser = nextEvent(user, 'update');
    const updateOnLocal = nextEvent(local, 'update');
    const posted = (await bobClient.postStatus('Streaming sunset')).data;
    assert.equal((await updateOnUser).id, posted.id);
    const local_update = await updateOnLocal;
    assert.equal(local_update.id, posted.id);
    assert.equal(local_update.account.username, 'bob');
    assert.match(local_update.content, /Streaming sunset/);

    // A like of alice's post notifies her.
    const own = (await aliceClient.postStatus('Like this one')).data;
    const notified = nextEvent(user, 'notification', (n) => n.type === 'favourite');
    await bobClient.favouriteStatus(own.id);
    const notification = await notified;
    assert.equal(notification.account.username, 'bob');
    assert.equal(notification.status.id, own.id);

    // Deleting the post tells both streams.
    const deletedOnUser = nextEvent(user, 'delete');
    const deletedOnLocal = nextEvent(local, 'delete');
    await bobClient.deleteStatus(posted.id);
    assert.equal(await deletedOnUser, posted.id);
    assert.equal(await deletedOnLocal, posted.id);
  });
});
