// Crash consistency under a like storm: thousands of distinct accounts (made in bulk by
// `kindred admin seed-load`) like one post with 64 requests in flight; the server is SIGKILLed
// mid-storm and restarted. Every like acknowledged with HTTP 200 must be there, and
// favourites_count must equal what favourited_by pages through.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';

import { api, freshDataDir, kindredBin, parseLinks, removeDataDir, requireBinary, startServer } from './harness.mjs';

const ACCOUNTS = 3000;
const IN_FLIGHT = 64;
const KILL_AFTER_ACKS = 1500;

async function likers(url, token, statusId) {
  const names = [];
  let next = `/api/v1/statuses/${statusId}/favourited_by?limit=80`;
  for (let pages = 0; next; pages++) {
    assert.ok(pages < 1000, 'paging ends');
    const res = await api(url, 'GET', next, { token });
    assert.equal(res.status, 200);
    if (res.body.length === 0) break;
    names.push(...res.body.map((a) => a.username));
    next = parseLinks(res.headers.get('link')).next;
  }
  return names;
}

for (const mode of [[], ['--sync']]) {
  const label = mode.length ? 'with --sync' : 'by default';
  describe(`crash during a like storm (${label})`, () => {
    let server;
    let dataDir;
    after(async () => {
      await server?.stop().catch(() => {});
      await removeDataDir(dataDir);
    });

    it('keeps every acknowledged like of the hot post', { timeout: 300_000 }, async () => {
      await requireBinary();
      dataDir = await freshDataDir('kindred-storm-');
      const tokensFile = path.join(dataDir, 'tokens.txt');
      await promisify(execFile)(kindredBin, [
        'admin', 'seed-load', '--data-dir', dataDir, '--accounts', String(ACCOUNTS), '--tokens-out', tokensFile,
      ]);
      const tokens = (await readFile(tokensFile, 'utf8')).trim().split('\n');
      assert.equal(tokens.length, ACCOUNTS);

      server = await startServer({ dataDir, args: mode });
      const post = await api(server.url, 'POST', '/api/v1/statuses', { token: tokens[0], form: { status: 'Sunset' } });
      assert.equal(post.status, 200);
      const statusId = post.body.id;

      const acked = new Set(); // usernames whose like got a 200
      let next = 1;
      let killed = false;
      let killing;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (!killed && next < tokens.length) {
            const i = next++;
            let res;
            try {
              res = await api(server.url, 'POST', `/api/v1/statuses/${statusId}/favourite`, { token: tokens[i], timeoutMs: 10_000 });
            } catch {
              assert.ok(killed, 'requests fail only after the kill');
              return;
            }
            assert.equal(res.status, 200, JSON.stringify(res.body));
            acked.add(`load${i}`);  // seed-load writes account load<i>'s token on line i (from 0)
            if (acked.size >= KILL_AFTER_ACKS && !killed) {
              killed = true;
              killing = server.kill();
            }
          }
        }),
      );
      assert.ok(killed, `reached ${KILL_AFTER_ACKS} acknowledgements`);
      await killing;

      server = await startServer({ dataDir, args: mode });
      const names = await likers(server.url, tokens[0], statusId);
      const listed = new Set(names);
      assert.equal(listed.size, names.length, 'favourited_by has no duplicates');
      const lost = [...acked].filter((n) => !listed.has(n));
      assert.deepEqual(lost, [], 'no acknowledged like was lost');
      const status = await api(server.url, 'GET', `/api/v1/statuses/${statusId}`, { token: tokens[0] });
      assert.equal(status.body.favourites_count, names.length, 'favourites_count equals favourited_by');
      console.log(`${label}: ${acked.size} likes acknowledged before SIGKILL, ${names.length} present after restart`);
    });
  });
}
