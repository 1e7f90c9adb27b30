// Crash consistency: favourites acknowledged with HTTP 200 survive a SIGKILL, and every status's
// favourites_count equals the number of accounts /favourited_by lists after restart.
//
// 40 fans stream POST /api/v1/statuses/:id/favourite at an author's 10 statuses, 40 requests in
// flight, each fan liking each status at most once (400 possible). After ~300 acknowledgements
// the server is SIGKILLed mid-stream; requests in flight then fail and are ignored (they may or
// may not have landed: both are fine, as long as the counts agree with the lists).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { api, mapLimit, parseLinks, registerUser, removeDataDir, startServer } from './harness.mjs';

const FANS = 40;
const STATUSES = 10;
const KILL_AFTER_ACKS = 300;
const STREAM_DEADLINE_MS = 90_000;

// A seeded shuffle, so a failing order can be replayed (the seed is printed).
function shuffled(items, seed) {
  let x = seed >>> 0 || 1;
  const rand = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function must(res, what, status = 200) {
  assert.equal(res.status, status, `${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

// Every account id /api/v1/statuses/:id/favourited_by returns, following rel="next" links.
async function favouritedBy(url, token, statusId, limit) {
  const ids = [];
  const seen = new Set();
  let next = `/api/v1/statuses/${statusId}/favourited_by?limit=${limit}`;
  for (let pages = 0; next; pages++) {
    assert.ok(pages < 1000, `favourited_by of ${statusId}: paging does not end`);
    assert.ok(!seen.has(next), `favourited_by of ${statusId}: next link repeats: ${next}`);
    seen.add(next);
    const res = await api(url, 'GET', next, { token });
    const page = must(res, `GET ${next}`);
    assert.ok(Array.isArray(page), `GET ${next} returns an array`);
    assert.ok(page.length <= limit, `GET ${next}: ${page.length} > limit ${limit}`);
    if (page.length === 0) break;
    ids.push(...page.map((a) => a.id));
    next = parseLinks(res.headers.get('link')).next;
  }
  return ids;
}

describe('crash consistency of favourites', () => {
  let server;
  let dataDir;

  before(async () => {
    server = await startServer();
    dataDir = server.dataDir;
  });

  after(async () => {
    await server?.stop().catch(() => {});
    await removeDataDir(dataDir);
  });

  it('keeps every acknowledged favourite and exact counts across SIGKILL', { timeout: 300_000 }, async () => {
    const seed = Number(process.env.KINDRED_E2E_SEED ?? Date.now() % 2 ** 31);
    console.log(`crash test seed ${seed} (KINDRED_E2E_SEED=${seed} to replay the order)`);

    // Fixtures: an author with 10 statuses and 40 fans, each fan's account id known.
    const author = await registerUser(server.url, 'author');
    const statusIds = [];
    for (let i = 0; i < STATUSES; i++) {
      const s = must(
        await api(server.url, 'POST', '/api/v1/statuses', { token: author.token, json: { status: `photo ${i}` } }),
        'POST /api/v1/statuses',
      );
      statusIds.push(s.id);
    }
    const fans = await mapLimit(
      Array.from({ length: FANS }, (_, i) => `fan${String(i).padStart(2, '0')}`),
      4,
      async (name) => {
        const user = await registerUser(server.url, name);
        const me = must(
          await api(server.url, 'GET', '/api/v1/accounts/verify_credentials', { token: user.token }),
          'verify_credentials',
        );
        return { ...user, accountId: me.id };
      },
    );

    // The stream: each fan walks its own shuffled list of statuses, one request at a time.
    const acked = new Map(statusIds.map((id) => [id, new Set()])); // status id -> fan indexes
    let ackCount = 0;
    let killed = false;
    let killing;
    const unexpected = [];
    const deadline = Date.now() + STREAM_DEADLINE_MS;

    await Promise.all(
      fans.map(async (fan, f) => {
        for (const statusId of shuffled(statusIds, seed + f)) {
          if (killed || Date.now() > deadline) return;
          let res;
          try {
            res = await api(server.url, 'POST', `/api/v1/statuses/${statusId}/favourite`, {
              token: fan.token,
              timeoutMs: 10_000,
            });
          } catch (err) {
            if (!killed) unexpected.push(`${fan.username} -> ${statusId}: ${err.cause?.code ?? err.message}`);
            return;
          }
          if (res.status !== 200) {
            if (!killed) unexpected.push(`${fan.username} -> ${statusId}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
            return;
          }
          // Acknowledged, even if it arrives after the kill: the server promised it.
          acked.get(statusId).add(f);
          if (res.body?.favourited !== true) unexpected.push(`${fan.username} -> ${statusId}: 200 without favourited: true`);
          if (++ackCount >= KILL_AFTER_ACKS && !killed) {
            killed = true;
            killing = server.kill();
          }
        }
      }),
    );

    assert.deepEqual(unexpected, [], 'no favourite failed before the kill');
    assert.ok(killed, `the stream reached ${KILL_AFTER_ACKS} acknowledgements (got ${ackCount})`);
    const { signal } = await killing;
    assert.equal(signal, 'SIGKILL');
    console.log(`${ackCount} favourites acknowledged before SIGKILL`);

    // Restart on the same data directory.
    server = await startServer({ dataDir });
    const { url } = server;

    // 1. Every acknowledged favourite is there, as its fan sees the status.
    const pairs = [];
    for (const [statusId, fanSet] of acked) for (const f of fanSet) pairs.push([statusId, f]);
    await mapLimit(pairs, 8, async ([statusId, f]) => {
      const s = must(
        await api(url, 'GET', `/api/v1/statuses/${statusId}`, { token: fans[f].token }),
        `GET status ${statusId} as ${fans[f].username}`,
      );
      assert.equal(s.favourited, true, `${fans[f].username}'s acknowledged favourite of ${statusId} survived`);
    });

    // 2. Per status: favourited_by has no duplicates, holds every acknowledged fan, agrees with the
    //    count, and reads the same whatever the page size.
    const likersByStatus = new Map();
    for (const statusId of statusIds) {
      const ids = await favouritedBy(url, author.token, statusId, 80);
      assert.equal(new Set(ids).size, ids.length, `favourited_by of ${statusId} has duplicates`);
      const small = await favouritedBy(url, author.token, statusId, 7);
      assert.deepEqual(small, ids, `favourited_by of ${statusId}: pages of 7 and of 80 agree`);
      for (const f of acked.get(statusId)) {
        assert.ok(ids.includes(fans[f].accountId), `${fans[f].username} is in favourited_by of ${statusId}`);
      }
      const status = must(await api(url, 'GET', `/api/v1/statuses/${statusId}`, { token: author.token }), 'GET status');
      assert.equal(status.favourites_count, ids.length, `favourites_count of ${statusId} equals favourited_by`);
      likersByStatus.set(statusId, new Set(ids));
    }

    // 3. Both directions agree: each fan's favourited flag and /api/v1/favourites match
    //    favourited_by (the two edges are written in one batch).
    await mapLimit(fans, 8, async (fan) => {
      const expected = statusIds.filter((id) => likersByStatus.get(id).has(fan.accountId));
      const favs = must(await api(url, 'GET', '/api/v1/favourites?limit=40', { token: fan.token }), 'GET favourites');
      assert.deepEqual(
        favs.map((s) => s.id).sort(),
        [...expected].sort(),
        `${fan.username}'s /api/v1/favourites matches favourited_by`,
      );
      for (const statusId of statusIds) {
        const s = must(await api(url, 'GET', `/api/v1/statuses/${statusId}`, { token: fan.token }), 'GET status');
        assert.equal(s.favourited, likersByStatus.get(statusId).has(fan.accountId), `${fan.username} on ${statusId}`);
      }
    });

    // 4. The restarted server keeps counting exactly: a new like adds one, a repeat adds none.
    const statusId = statusIds.find((id) => likersByStatus.get(id).size < FANS);
    if (statusId) {
      const countBefore = likersByStatus.get(statusId).size;
      const newcomer = fans.find((fan) => !likersByStatus.get(statusId).has(fan.accountId));
      const liked = must(
        await api(url, 'POST', `/api/v1/statuses/${statusId}/favourite`, { token: newcomer.token }),
        'favourite after restart',
      );
      assert.equal(liked.favourites_count, countBefore + 1);
      const again = must(
        await api(url, 'POST', `/api/v1/statuses/${statusId}/favourite`, { token: newcomer.token }),
        'repeat favourite after restart',
      );
      assert.equal(again.favourites_count, countBefore + 1);
    }

    const { code, signal: stopSignal } = await server.stop();
    assert.ok(code === 0 || stopSignal === 'SIGTERM', `clean shutdown on SIGTERM (code ${code}, signal ${stopSignal})`);
  });
});
