// Crash consistency of status search: posts acknowledged with HTTP 200 are found by search after
// a SIGKILL (which lands before the index's next commit, at most a second after the last post),
// and search finds exactly the posts that exist: one unique word per post finds that post, and a
// word they share finds all of them, none deleted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { api, mapLimit, parseLinks, registerUser, removeDataDir, startServer } from './harness.mjs';

const POSTS = 150;
const DELETED = 10;
const IN_FLIGHT = 8;

function must(res, what, status = 200) {
  assert.equal(res.status, status, `${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const word = (i) => `tidepool${String(i).padStart(4, '0')}x`;

// Every id a list answers, following rel="next" links.
async function allPages(url, token, first) {
  const ids = [];
  let next = first;
  for (let pages = 0; next; pages++) {
    assert.ok(pages < 100, `${first}: paging does not end`);
    const res = await api(url, 'GET', next, { token });
    const page = must(res, `GET ${next}`);
    if (page.length === 0) break;
    ids.push(...page.map((s) => s.id));
    const link = parseLinks(res.headers.get('link')).next;
    next = link ? link.replace(/^https?:\/\/[^/]+/, '') : null;
  }
  return ids;
}

// Every status a search for `q` finds, paging by offset.
async function searchAll(url, token, q) {
  const ids = [];
  for (let offset = 0; ; offset += 40) {
    const body = must(
      await api(url, 'GET', `/api/v2/search?type=statuses&limit=40&offset=${offset}&q=${encodeURIComponent(q)}`, { token }),
      `search ${q}`,
    );
    ids.push(...body.statuses.map((s) => s.id));
    if (body.statuses.length < 40) return ids;
  }
}

describe('crash consistency of the search index', () => {
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

  it('finds every acknowledged post after SIGKILL, and nothing deleted', { timeout: 300_000 }, async () => {
    const author = await registerUser(server.url, 'writer');
    const me = must(await api(server.url, 'GET', '/api/v1/accounts/verify_credentials', { token: author.token }), 'me');
    const posted = new Map(); // post number -> id
    await mapLimit(
      Array.from({ length: POSTS }, (_, i) => i),
      IN_FLIGHT,
      async (i) => {
        const s = must(
          await api(server.url, 'POST', '/api/v1/statuses', {
            token: author.token,
            json: { status: `Low tide ${word(i)} rockpool crabs`, visibility: i % 3 === 0 ? 'private' : 'public' },
          }),
          'POST /api/v1/statuses',
        );
        posted.set(i, s.id);
      },
    );
    // Some deleted just before the kill, while their removal may still be queued.
    for (let i = 0; i < DELETED; i++) {
      must(await api(server.url, 'DELETE', `/api/v1/statuses/${posted.get(i)}`, { token: author.token }), 'DELETE');
    }
    const { signal } = await server.kill();
    assert.equal(signal, 'SIGKILL');

    server = await startServer({ dataDir });
    const { url } = server;

    // The posts that exist, as the author's own list has them.
    const existing = await allPages(url, author.token, `/api/v1/accounts/${me.id}/statuses?limit=40`);
    assert.equal(existing.length, POSTS - DELETED, 'every acknowledged post and no deleted one is stored');

    // A shared word finds exactly them.
    const found = await searchAll(url, author.token, 'rockpool');
    assert.deepEqual([...found].sort(), [...existing].sort(), 'search finds exactly the stored posts');
    // Newest first.
    assert.deepEqual(found, [...found].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1)), 'newest first');

    // Each post's own word finds it alone; a deleted post's word finds nothing.
    await mapLimit([...posted.entries()], 8, async ([i, id]) => {
      const ids = await searchAll(url, author.token, word(i));
      assert.deepEqual(ids, i < DELETED ? [] : [id], `search for ${word(i)}`);
    });

    // Indexing goes on after the restart.
    const fresh = must(
      await api(url, 'POST', '/api/v1/statuses', { token: author.token, json: { status: 'after the crash rockpool' } }),
      'POST after restart',
    );
    for (let tries = 0; ; tries++) {
      const ids = await searchAll(url, author.token, 'after crash rockpool');
      if (ids.includes(fresh.id)) break;
      assert.ok(tries < 100, 'a post after the restart is found within 5 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
