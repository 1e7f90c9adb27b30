// What the cluster tests and benchmarks need to know about the cluster `scripts/cluster.sh up`
// started: its URLs, read from `scripts/cluster.sh env` (the same CLUSTER_DIR and
// CLUSTER_PORT_BASE environment as the `up` that started it).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { api, repoRoot } from '../e2e/harness.mjs';

export const clusterScript = path.join(repoRoot, 'scripts', 'cluster.sh');

export function clusterEnv() {
  const out = execFileSync('bash', [clusterScript, 'env'], { encoding: 'utf8' });
  const env = {};
  for (const line of out.trim().split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) env[line.slice(0, i)] = line.slice(i + 1).replace(/^'(.*)'$/, '$1');
  }
  return env;
}

// A run-unique prefix for usernames (letters and digits; usernames allow 30 characters).
export function runPrefix(tag) {
  return `${tag}${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

// Fails with the response when its status is not `expected`.
export function expectStatus(res, expected, what) {
  if (res.status !== expected) {
    const body = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
    throw new Error(`${what}: expected HTTP ${expected}, got ${res.status}: ${body.slice(0, 500)}`);
  }
  return res.body;
}

// An app registered at `url` (any node: apps live in the shared store).
export async function registerApp(url, name) {
  return expectStatus(
    await api(url, 'POST', '/api/v1/apps', {
      form: { client_name: name, redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read write follow' },
    }),
    200,
    'POST /api/v1/apps',
  );
}

// Password grant at `url` with `app`: a fresh access token.
export async function signIn(url, app, username, password) {
  return api(url, 'POST', '/oauth/token', {
    form: {
      grant_type: 'password',
      client_id: app.client_id,
      client_secret: app.client_secret,
      username,
      password,
      scope: 'read write follow',
    },
  });
}

// Polls `probe` (async, resolves true when the change is seen) every 20 ms for at most
// `limitMs`; resolves to the milliseconds until it was seen, or null when it never was.
export async function msUntil(probe, limitMs) {
  const t0 = performance.now();
  for (;;) {
    if (await probe()) return performance.now() - t0;
    if (performance.now() - t0 > limitMs) return null;
    await new Promise((r) => setTimeout(r, 20));
  }
}
