// End-to-end test harness: runs the real `kindred` binary on a loopback port with a fresh data
// directory, and talks to it over HTTP with Node's global fetch.
//
// The binary is build/release/kindred (from the repo root) unless KINDRED_BIN names another.
// The server must print exactly one line to stdout once it accepts connections:
//   Kindred 0.1.0 listening on http://127.0.0.1:PORT
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const kindredBin = process.env.KINDRED_BIN
  ? path.resolve(process.env.KINDRED_BIN)
  : path.join(repoRoot, 'build', 'release', 'kindred');

export const PASSWORD = 'correct horse battery staple';

const STARTUP_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 30_000;
const STDERR_KEEP_BYTES = 64 * 1024;

// Servers still running when the test process exits are killed, so a failed test never leaves
// one behind.
const live = new Set();
process.on('exit', () => {
  for (const proc of live) {
    try {
      proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

// Throws a readable error when the binary is missing, instead of a bare ENOENT from spawn.
export async function requireBinary() {
  try {
    await access(kindredBin, fsConstants.X_OK);
  } catch {
    throw new Error(
      `Kindred binary not found or not executable: ${kindredBin}\n` +
        'Build it first with `make build` (or point KINDRED_BIN at a built binary).',
    );
  }
}

// A new empty directory under the system temp dir.
export async function freshDataDir(prefix = 'kindred-e2e-') {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

// Removes a data directory unless KINDRED_E2E_KEEP is set (to look at it after a failure).
export async function removeDataDir(dir) {
  if (!dir || process.env.KINDRED_E2E_KEEP) return;
  await rm(dir, { recursive: true, force: true });
}

// Starts the server and resolves once it prints its listening line.
//   args:    extra command-line arguments, appended after the defaults
//   dataDir: the data directory; a fresh temp dir when omitted (reuse one to test restarts)
// Resolves to {url, port, dataDir, proc, stop, kill, stderr}:
//   stop():   SIGTERM, then waits for exit (SIGKILL after 15 s); resolves to {code, signal}
//   kill():   SIGKILL, then waits for exit; resolves to {code, signal}
//   stderr(): what the server wrote to stderr so far (the last 64 KiB)
// Rejects after 20 s, or if the server exits first, with its stderr in the message.
//   baseUrl: --base-url (default 'http://127.0.0.1'); null leaves it out, so the server's URLs
//            name the port it picked (the web pages' forms check their Origin against it)
export async function startServer({ args = [], dataDir, baseUrl = 'http://127.0.0.1' } = {}) {
  await requireBinary();
  const ownDataDir = dataDir === undefined;
  dataDir ??= await freshDataDir();

  // The base URL cannot name the port before the server picks it, so it is left without one:
  // the tests talk to the URL from the listening line, and of URLs the server builds (Link
  // headers, nodeinfo) use only the path and query (see rebase()). `args` are appended, so they
  // must not repeat these options.
  const argv = [
    'serve',
    '--listen', '127.0.0.1:0',
    '--data-dir', dataDir,
    ...(baseUrl === null ? [] : ['--base-url', baseUrl]),
    '--access-log', 'off',
    '--rate-limits', 'off',
    ...args,
  ];
  const proc = spawn(kindredBin, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);

  let stderrText = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk) => {
    // Always drained: a full pipe would block the server's logging.
    stderrText += chunk;
    if (stderrText.length > 2 * STDERR_KEEP_BYTES) stderrText = stderrText.slice(-STDERR_KEEP_BYTES);
  });
  const stderr = () => stderrText.slice(-STDERR_KEEP_BYTES);

  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      live.delete(proc);
      resolve({ code, signal });
    });
    // A process that failed to spawn emits 'error' and may never emit 'exit'.
    proc.on('error', () => {
      if (proc.pid === undefined) {
        live.delete(proc);
        resolve({ code: null, signal: null });
      }
    });
  });

  const ready = new Promise((resolve, reject) => {
    let stdoutText = '';
    let settled = false;
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn(value);
    };
    const fail = (why) =>
      settle(
        reject,
        new Error(
          `kindred did not start: ${why}\n` +
            `command: ${kindredBin} ${argv.join(' ')}\n` +
            `stdout:\n${stdoutText}\nstderr:\n${stderr() || '(empty)'}`,
        ),
      );
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      fail(`no "listening on" line within ${STARTUP_TIMEOUT_MS / 1000} s`);
    }, STARTUP_TIMEOUT_MS);

    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk) => {
      if (settled) return; // keep draining, stop parsing
      stdoutText += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(stdoutText);
      if (m) settle(resolve, m[1].replace(/\/+$/, ''));
    });
    proc.on('error', (err) => fail(`spawn failed: ${err.message}`));
    exited.then(({ code, signal }) => fail(`exited early (code ${code}, signal ${signal})`));
  });
  let url;
  try {
    url = await ready;
  } catch (err) {
    await exited;
    if (ownDataDir) await removeDataDir(dataDir);
    throw err;
  }

  const port = Number(new URL(url).port);

  async function signalAndWait(signal, timeoutMs) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    if (timeoutMs === undefined) return exited;
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const result = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (result) return result;
    proc.kill('SIGKILL');
    await exited;
    throw new Error(`kindred did not exit within ${timeoutMs / 1000} s of SIGTERM; killed\n${stderr()}`);
  }

  return {
    url,
    port,
    dataDir,
    proc,
    exited,
    stderr,
    stop: () => signalAndWait('SIGTERM', STOP_TIMEOUT_MS),
    kill: () => signalAndWait('SIGKILL'),
  };
}

// One HTTP request. `path` starts with '/' (or is a full URL, whose path and query are sent to
// `url`'s origin). `json` sends a JSON body, `form` an application/x-www-form-urlencoded one.
// Resolves to {status, headers (a fetch Headers), body (parsed JSON, else text)}; rejects only on
// network errors, so callers check `status`.
export async function api(url, method, path, { token, json, form, headers = {}, timeoutMs } = {}) {
  const target = rebase(path, url);
  const init = {
    method,
    headers: { Accept: 'application/json', ...headers },
    signal: AbortSignal.timeout(timeoutMs ?? REQUEST_TIMEOUT_MS),
  };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
    init.body = new URLSearchParams(form).toString();
  }
  const res = await fetch(target, init);
  const text = await res.text();
  let body = text;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
  }
  return { status: res.status, headers: res.headers, body };
}

// `link` (a path or a full URL the server built) moved onto `url`'s origin: the server's base URL
// has no port in these tests, so its absolute URLs are only trusted for path and query.
export function rebase(link, url) {
  const u = new URL(link, url);
  return new URL(u.pathname + u.search, url).toString();
}

// Parses an RFC 8288 Link header into {rel: url}.
export function parseLinks(header) {
  const links = {};
  if (!header) return links;
  for (const part of header.split(/,\s*(?=<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!m) continue;
    const rel = /rel="?([^";]+)"?/.exec(m[2]);
    if (rel) for (const r of rel[1].trim().split(/\s+/)) links[r] = m[1];
  }
  return links;
}

function expectStatus(res, expected, what) {
  if (res.status !== expected) {
    const body = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
    throw new Error(`${what}: expected HTTP ${expected}, got ${res.status}: ${body}`);
  }
  return res.body;
}

// Registers an app, gets an app token, and signs up `username`, the way Mastodon clients do.
// Resolves to {token, username, clientId, clientSecret}.
export async function registerUser(url, username) {
  const app = expectStatus(
    await api(url, 'POST', '/api/v1/apps', {
      form: {
        client_name: `kindred-e2e-${username}`,
        redirect_uris: 'urn:ietf:wg:oauth:2.0:oob',
        scopes: 'read write follow',
      },
    }),
    200,
    'POST /api/v1/apps',
  );
  const appToken = expectStatus(
    await api(url, 'POST', '/oauth/token', {
      form: {
        grant_type: 'client_credentials',
        client_id: app.client_id,
        client_secret: app.client_secret,
        redirect_uri: 'urn:ietf:wg:oauth:2.0:oob',
        scope: 'read write follow',
      },
    }),
    200,
    'POST /oauth/token (client_credentials)',
  );
  const user = expectStatus(
    await api(url, 'POST', '/api/v1/accounts', {
      token: appToken.access_token,
      json: {
        username,
        email: `${username}@example.test`,
        password: PASSWORD,
        agreement: true,
        locale: 'en',
      },
    }),
    200,
    `POST /api/v1/accounts (${username})`,
  );
  if (typeof user.access_token !== 'string' || user.access_token === '') {
    throw new Error(`POST /api/v1/accounts (${username}): no access_token in ${JSON.stringify(user)}`);
  }
  return {
    token: user.access_token,
    username,
    clientId: app.client_id,
    clientSecret: app.client_secret,
  };
}

// Runs `fn(item, index)` over `items` with at most `limit` calls in flight; results in order.
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// A small RGB PNG drawn here (a gradient), so nothing binary lives in the tree.
export function gradientPng(width, height, seed = 0) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);  // 8-bit RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([(x * 255) / width, (y * 255) / height, (seed * 37 + x * y) & 0xff], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
