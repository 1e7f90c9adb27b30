// Kindred as a person with `toot` (the Mastodon command-line client, Debian's package) meets it:
// sign in to the demo instance with a password, look someone up, follow and unfollow them. toot
// finds accounts through GET /api/v2/search (type=accounts, resolve=true) and picks the exact acct.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { api, removeDataDir, startServer } from './harness.mjs';

const DEMO_PASSWORD = 'kindred-demo';
const TOOT = '/usr/bin/toot';

// Runs toot with its configuration in `home`, `input` on stdin; resolves with its output.
function toot(home, args, input = '') {
  return new Promise((resolve) => {
    const child = execFile(TOOT, args, {
      env: { ...process.env, XDG_CONFIG_HOME: home, HOME: home, NO_COLOR: '1', TERM: 'dumb' },
      timeout: 30_000,
    }, (error, stdout, stderr) => resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }));
    child.stdin.end(input);
  });
}

async function tootInstalled() {
  try {
    await fs.access(TOOT);
    return true;
  } catch {
    return false;
  }
}

describe('toot against the demo instance', () => {
  let server;
  let home;
  let instance;

  before(async () => {
    assert.ok(await tootInstalled(), 'toot is installed (scripts/setup.sh installs Debian\'s toot)');
    // The server's own address as its base URL, so that its domain is the host:port toot names.
    server = await startServer({ args: ['--demo'], baseUrl: null });
    instance = new URL(server.url).host;  // 127.0.0.1:PORT
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'kindred-toot-'));
    const login = await toot(home, ['login_cli', '--disable-https', '-i', instance, '-e', 'jonas'], DEMO_PASSWORD);
    assert.equal(login.code, 0, `toot login_cli failed:\n${login.stdout}\n${login.stderr}`);
  });

  after(async () => {
    if (home) await fs.rm(home, { recursive: true, force: true });
    if (!server) return;
    await server.stop();
    await removeDataDir(server.dataDir);
  });

  async function relationshipWith(username) {
    const token = JSON.parse(await fs.readFile(path.join(home, 'toot', 'config.json'), 'utf8'));
    const user = Object.values(token.users)[0];
    const lookup = await api(server.url, 'GET', `/api/v1/accounts/lookup?acct=${username}`);
    assert.equal(lookup.status, 200);
    const rel = await api(server.url, 'GET', `/api/v1/accounts/relationships?id[]=${lookup.body.id}`,
      { token: user.access_token });
    assert.equal(rel.status, 200);
    return rel.body[0];
  }

  it('whoami names the signed-in account', async () => {
    const r = await toot(home, ['whoami']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /@jonas/);
  });

  it('whois finds an account by name, with or without @ and the instance', async () => {
    for (const name of ['hiro', '@hiro', `@hiro@${instance}`]) {
      const r = await toot(home, ['whois', name]);
      assert.equal(r.code, 0, `toot whois ${name}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /@hiro/, `toot whois ${name}`);
      assert.match(r.stdout, /Hiro/, 'the display name');
    }
    const missing = await toot(home, ['whois', 'nobody-by-this-name']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stdout + missing.stderr, /Account not found/);
  });

  it('follow and unfollow change the relationship the API reports', async () => {
    assert.equal((await relationshipWith('hiro')).following, false, 'jonas does not follow hiro in the demo');
    const follow = await toot(home, ['follow', 'hiro']);
    assert.equal(follow.code, 0, follow.stdout + follow.stderr);
    assert.match(follow.stdout, /You are now following hiro/);
    assert.equal((await relationshipWith('hiro')).following, true);
    const unfollow = await toot(home, ['unfollow', 'hiro']);
    assert.equal(unfollow.code, 0, unfollow.stdout + unfollow.stderr);
    assert.equal((await relationshipWith('hiro')).following, false);
  });

  it('search finds people by the start of their name', async () => {
    const r = await toot(home, ['search', 'hi']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /@hiro/);
  });
});
