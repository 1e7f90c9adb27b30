// The README's Mastodon API coverage table is true: every route it lists answers, with the
// route's own answer (a result, a validation error, "Record not found" for a made-up id), never
// the router's unknown-route 404, another route's 404 or a 405. Each row is asked once with a signed-in person's token
// and made-up ids, on a throwaway server.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { api, registerUser, removeDataDir, repoRoot, startServer } from './harness.mjs';

const ROW = /^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`\s*\|\s*(yes|off|streaming)\s*\|/;
// Routes without parameters that Mastodon answers 404 "Record not found" when asked without
// arguments, and that no parameterised route could answer for: the lookup of a status by URL,
// a trending link's timeline, and a report without an account.
const NOT_FOUND_WITHOUT_ARGUMENTS = new Set(['GET /api/oembed', 'GET /api/v1/timelines/link', 'POST /api/v1/reports']);
const SAMPLE = { id: '1', account_id: '1', name: 'photography', group_key: 'ungrouped-1', reaction_name: '🌷' };

// The table's routes, from the README section that holds it.
async function coverageRows() {
  const readme = await fs.readFile(path.join(repoRoot, 'README.md'), 'utf8');
  const rows = [];
  for (const line of readme.split('\n')) {
    const m = ROW.exec(line);
    if (m) rows.push({ method: m[1], route: m[2], answer: m[3] });
  }
  return rows;
}

describe('the README\'s Mastodon API coverage table', () => {
  let server;
  let token;

  before(async () => {
    server = await startServer();
    token = (await registerUser(server.url, 'ann')).token;
  });

  after(async () => {
    if (!server) return;
    await server.stop();
    await removeDataDir(server.dataDir);
  });

  it('lists the documented client routes, each once', async () => {
    const rows = await coverageRows();
    assert.ok(rows.length >= 186, `the table has ${rows.length} rows`);
    const seen = new Set();
    for (const r of rows) {
      const key = `${r.method} ${r.route}`;
      assert.ok(!seen.has(key), `${key} is listed twice`);
      seen.add(key);
    }
  });

  it('has every listed route answer for itself', async () => {
    const unanswered = [];
    for (const { method, route, answer } of await coverageRows()) {
      if (answer === 'streaming') continue;  // WebSocket and event streams: tests/e2e/streaming
      const target = route.replace(/:([a-z_]+)/g, (_, name) => encodeURIComponent(SAMPLE[name] ?? '1'));
      const r = await api(server.url, method, target, {
        token, headers: { Accept: 'application/json, text/plain, */*' },
        ...(method === 'GET' || method === 'DELETE' ? {} : { json: {} }),
      });
      // A made-up id may be "Record not found"; a route without parameters is never a 404 (that
      // would be another route's answer: /api/v1/accounts/search taken for an account id).
      const ownNotFound = route.includes(':') || NOT_FOUND_WITHOUT_ARGUMENTS.has(`${method} ${route}`);
      const unknownRoute = (r.status === 404 && (r.body?.error === 'Not found' || !ownNotFound))
        || r.status === 405;
      if (unknownRoute) unanswered.push(`${method} ${route} -> ${r.status} ${JSON.stringify(r.body)}`);
    }
    assert.deepEqual(unanswered, [], 'routes the table lists but the server does not know');
  });
});
