// Crash consistency of photos: uploads acknowledged with a URL survive a SIGKILL whole, and no
// record ever names a missing or half-written file.
//
// Four uploaders stream photos (POST /api/v2/media) while a fifth client posts the ready ones;
// the server is SIGKILLed mid-stream, restarted on the same data directory, and then every
// acknowledged upload must still be there with both its files serving complete images, every
// acknowledged post must still show its photos, and no temp file may be left in the media dir.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import { api, gradientPng, parseLinks, rebase, registerUser, removeDataDir, startServer } from './harness.mjs';

const UPLOADERS = 4;
const KILL_AFTER_ACKS = 24;
const PNG_SIGNATURE = '89504e470d0a1a0a';
const JPEG_SIGNATURE = 'ffd8ff';

async function upload(url, token, seed) {
  const form = new FormData();
  form.append('file', new Blob([gradientPng(900, 600, seed)], { type: 'image/png' }), `p${seed}.png`);
  form.append('description', `photo ${seed}`);
  const res = await fetch(`${url}/api/v2/media`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

// Every file under dir, recursively.
async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

async function checkImage(url, fileUrl, what) {
  const res = await fetch(rebase(fileUrl, url));
  assert.equal(res.status, 200, `${what}: GET ${fileUrl}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const head = bytes.subarray(0, 8).toString('hex');
  assert.ok(head.startsWith(JPEG_SIGNATURE) || head === PNG_SIGNATURE, `${what}: not an image`);
  // A whole JPEG ends with EOI; a whole PNG with the IEND chunk.
  const tail = bytes.subarray(bytes.length - 12).toString('hex');
  assert.ok(tail.endsWith('ffd9') || tail.includes('49454e44'), `${what}: the file is cut short`);
}

describe('crash consistency of photo uploads', () => {
  let server;
  let dataDir;

  after(async () => {
    await server?.stop().catch(() => {});
    if (dataDir) await removeDataDir(dataDir);
  });

  it('keeps every acknowledged upload and post whole across SIGKILL', { timeout: 300_000 }, async () => {
    server = await startServer();
    dataDir = server.dataDir;
    const user = await registerUser(server.url, 'photographer');

    const acked = new Map();   // media id -> media entity, answered 200
    const posted = new Map();  // status id -> media ids, answered 200
    let seed = 0;
    let killed = false;

    const uploader = async () => {
      while (!killed) {
        const mine = ++seed;
        let res;
        try {
          res = await upload(server.url, user.token, mine);
        } catch {
          return; // the server died under us
        }
        if (res.status === 200) {
          acked.set(res.body.id, res.body);
          if (acked.size >= KILL_AFTER_ACKS && !killed) {
            killed = true;
            await server.kill();
          }
        } else if (!killed) {
          assert.ok(res.status === 202, `upload ${mine}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
    };
    const poster = async () => {
      const used = new Set();
      while (!killed) {
        const ready = [...acked.keys()].filter((id) => !used.has(id)).slice(0, 2);
        if (ready.length === 0) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        ready.forEach((id) => used.add(id));
        try {
          const res = await api(server.url, 'POST', '/api/v1/statuses', {
            token: user.token,
            json: { status: 'from the crash test', media_ids: ready },
          });
          if (res.status === 200) posted.set(res.body.id, ready);
        } catch {
          return;
        }
      }
    };
    await Promise.all([...Array.from({ length: UPLOADERS }, uploader), poster()]);
    assert.ok(killed, 'the server was killed mid-stream');
    assert.ok(acked.size >= KILL_AFTER_ACKS);

    server = await startServer({ dataDir });
    // Every post that survived, acknowledged or not (a post in flight at the kill may have
    // landed, taking its uploads with it), with the media it shows.
    const me = (await api(server.url, 'GET', '/api/v1/accounts/verify_credentials', { token: user.token })).body;
    const shown = new Map();  // status id -> media ids
    let next = `/api/v1/accounts/${me.id}/statuses?limit=40`;
    for (let pages = 0; next && pages < 100; pages++) {
      const res = await api(server.url, 'GET', next, { token: user.token });
      assert.equal(res.status, 200);
      if (res.body.length === 0) break;
      for (const s of res.body) {
        shown.set(s.id, s.media_attachments.map((m) => m.id));
        for (const m of s.media_attachments) await checkImage(server.url, m.url, `photo ${m.id}`);
      }
      next = parseLinks(res.headers.get('link')).next;
    }
    for (const [statusId, mediaIds] of posted) {
      assert.deepEqual(shown.get(statusId), mediaIds, `post ${statusId} acknowledged before the crash`);
    }
    const attached = new Set([...shown.values()].flat());
    for (const [id, media] of acked) {
      if (attached.has(id)) continue;
      const res = await api(server.url, 'GET', `/api/v1/media/${id}`, { token: user.token });
      assert.equal(res.status, 200, `upload ${id} acknowledged before the crash: HTTP ${res.status}`);
      assert.equal(res.body.url, media.url);
      await checkImage(server.url, res.body.url, `upload ${id}`);
      await checkImage(server.url, res.body.preview_url, `preview of ${id}`);
    }
    const leftovers = (await filesUnder(path.join(dataDir, 'media'))).filter(
      (f) => !/[0-9a-f]{64}\.(jpg|png)$/.test(f));
    assert.deepEqual(leftovers, [], 'no temp files survive a restart');
    console.log(`crash_media: ${acked.size} uploads and ${posted.size} posts acknowledged, all intact`);
  });
});
