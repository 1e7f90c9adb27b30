// good.mjs: the soak test's well-behaved clients (bench/soak.sh starts it; Node 18+, no packages).
//
//   node bench/soak/good.mjs --base URL --tokens FILE --statuses FILE --hot ID --out FILE
//        --t0 EPOCH_MS --duration S --sample S [--rate N] [--media-every S] [--signup-every S]
//
// Sends RATE requests per second at a fixed pace (an open loop: requests are started on schedule
// whether or not earlier ones have been answered, at most MAX_INFLIGHT at once) from t0 for
// `duration` seconds, as the accounts in --tokens (one access token per line) at random:
//
//   25%  GET  /api/v1/statuses/:id                        a status from the pool
//   15%  GET  /api/v1/timelines/public?limit=20
//    8%  GET  /api/v1/statuses/:id/favourited_by?limit=40  the hot post half the time
//    8%  GET  /api/v1/statuses/:id/context                 the hot post half the time
//    4%  GET  /api/v1/kindred/statuses/HOT/comments        the hot post's comments, top order
//   15%  POST /api/v1/statuses/:id/favourite              the hot post 30% of the time
//    8%  POST /api/v1/statuses/:id/unfavourite            a like this client made earlier
//    8%  POST /api/v1/statuses                            a new post (joins the pool)
//    9%  POST /api/v1/statuses  in_reply_to_id            a reply, to the hot post 25% of the time
//
// and beside that pace, one after another: every --media-every seconds a photo post (a small PNG
// to POST /api/v2/media, GET /api/v1/media/:id until processed if it answered 202, then a status
// with it), and every --signup-every seconds a new account made the way a Mastodon app does it
// (POST /api/v1/apps, a client_credentials token, POST /api/v1/accounts, then the password
// grant); the new account joins the pool. Each sign-up comes from its own loopback address
// (127.0.1.x), since sign-ups are rate-limited per IP (5 per 30 minutes); everything else is
// signed in and so limited per account (300 requests per 5 minutes), which the pool spreads thin.
// The pool of statuses starts with --statuses (one id per line) and keeps the 5,000 newest.
//
// Every answer is checked against the status codes that request may get (200; 202 for an upload
// still processing, 206 for media still processing); anything else is an error, and 429 is counted
// apart from the other errors. Latency is from sending the request to the last byte of the answer.
//
// Output: at t0 + k * sample (the last interval ends at t0 + duration) one JSON line per interval
// is appended to --out:
//   {"k","t","req","err","e5xx","e429","neterr","p50","p99","max","max_route","late","inflight",
//    "signups","uploads","errors":[up to 5 samples "route code body..."],
//    "routes":{route: [count, p50, p99, max]}}
// (req: answers and failures in the interval; err: unexpected answers and network errors, 429
// excluded; late: requests not started because MAX_INFLIGHT were open), and at the end one line
// {"summary": {route: {code: count}}} with every answer of the run. Exit status 0 unless the
// script itself failed.
import http from 'node:http';
import { readFileSync, appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { gradientPng, PASSWORD } from '../../tests/e2e/harness.mjs';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' },
    tokens: { type: 'string' },
    statuses: { type: 'string' },
    hot: { type: 'string' },
    out: { type: 'string' },
    t0: { type: 'string' },
    duration: { type: 'string' },
    sample: { type: 'string' },
    rate: { type: 'string', default: '100' },
    'media-every': { type: 'string', default: '15' },
    'signup-every': { type: 'string', default: '60' },
  },
});
for (const k of ['base', 'tokens', 'statuses', 'hot', 'out', 't0', 'duration', 'sample']) {
  if (!opt[k]) {
    console.error(`good.mjs: --${k} is required`);
    process.exit(2);
  }
}
const BASE = new URL(opt.base);
const HOT = opt.hot;
const T0 = Number(opt.t0);
const DURATION_MS = Number(opt.duration) * 1000;
const SAMPLE_MS = Number(opt.sample) * 1000;
const RATE = Number(opt.rate);
const MEDIA_EVERY_MS = Number(opt['media-every']) * 1000;
const SIGNUP_EVERY_MS = Number(opt['signup-every']) * 1000;
const MAX_INFLIGHT = 256;
const REQUEST_TIMEOUT_MS = 30_000;
const POOL_MAX = 5000;

const tokens = readFileSync(opt.tokens, 'utf8').split('\n').filter(Boolean);
const statuses = readFileSync(opt.statuses, 'utf8').split('\n').filter(Boolean);
const liked = []; // [token, status id] pairs this client liked and has not unliked yet (bounded)

const agent = new http.Agent({ keepAlive: true, maxSockets: 32, timeout: 60_000 });
const pick = (a) => a[Math.floor(Math.random() * a.length)];
const chance = (p) => Math.random() < p;
const addStatus = (id) => {
  statuses.push(id);
  if (statuses.length > POOL_MAX) statuses.splice(0, statuses.length - POOL_MAX);
};

// ---------------------------------------------------------------- per-interval counters
let iv = newInterval();
function newInterval() {
  return { req: 0, err: 0, e5xx: 0, e429: 0, neterr: 0, lat: [], max: 0, maxRoute: '', late: 0,
           signups: 0, uploads: 0, errors: [], routes: {} };
}
const summary = {}; // route -> code -> count, for the whole run

// record(route, code, ms, ok, body): one answer (code 0: a network error or timeout).
function record(route, code, ms, ok, body) {
  iv.req++;
  (summary[route] ??= {})[code] = (summary[route][code] ?? 0) + 1;
  iv.lat.push(ms);
  (iv.routes[route] ??= []).push(ms);
  if (ms > iv.max) {
    iv.max = ms;
    iv.maxRoute = route;
  }
  if (ok) return;
  if (code === 429) {
    iv.e429++;
    return;
  }
  iv.err++;
  if (code === 0) iv.neterr++;
  if (code >= 500) iv.e5xx++;
  if (iv.errors.length < 5) iv.errors.push(`${route} ${code} ${String(body).slice(0, 160)}`);
}

// ---------------------------------------------------------------- one HTTP request
// request(route, method, path, {token, form, json, body, contentType, localAddress, expect}):
// resolves to {code, body (text), json (parsed or null)}; never rejects. `route` names the
// request in the counters; `expect` lists the acceptable codes (default [200]).
function request(route, method, path, o = {}) {
  const expect = o.expect ?? [200];
  let payload = o.body;
  const headers = { Accept: 'application/json' };
  if (o.token) headers.Authorization = `Bearer ${o.token}`;
  if (o.form) {
    payload = new URLSearchParams(o.form).toString();
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  } else if (o.json) {
    payload = JSON.stringify(o.json);
    headers['Content-Type'] = 'application/json';
  } else if (o.contentType) {
    headers['Content-Type'] = o.contentType;
  }
  if (payload !== undefined) headers['Content-Length'] = Buffer.byteLength(payload);
  else if (method !== 'GET') headers['Content-Length'] = 0;
  return new Promise((resolve) => {
    const t = performance.now();
    let settled = false;
    const done = (code, body) => {
      if (settled) return;
      settled = true;
      const ms = performance.now() - t;
      record(route, code, ms, expect.includes(code), body);
      let json = null;
      if (code >= 200 && code < 300) {
        try {
          json = JSON.parse(body);
        } catch {
          // not JSON
        }
      }
      resolve({ code, body, json });
    };
    const req = http.request(
      {
        host: BASE.hostname,
        port: BASE.port,
        method,
        path,
        headers,
        // Sign-ups bring their own source address: a one-off connection, not the shared pool.
        ...(o.localAddress ? { localAddress: o.localAddress, agent: false } : { agent }),
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => done(res.statusCode, Buffer.concat(chunks).toString('utf8')));
        res.on('error', (e) => done(0, `response: ${e.message}`));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', (e) => done(0, `${e.code ?? ''} ${e.message}`));
    req.end(payload);
  });
}

// ---------------------------------------------------------------- the mix
const MIX = [
  [25, 'status', () => request('status', 'GET', `/api/v1/statuses/${pick(statuses)}`, { token: pick(tokens) })],
  [15, 'public', () => request('public', 'GET', '/api/v1/timelines/public?limit=20', { token: pick(tokens) })],
  [8, 'favourited_by', () =>
    request('favourited_by', 'GET', `/api/v1/statuses/${chance(0.5) ? HOT : pick(statuses)}/favourited_by?limit=40`,
      { token: pick(tokens) })],
  [8, 'context', () =>
    request('context', 'GET', `/api/v1/statuses/${chance(0.5) ? HOT : pick(statuses)}/context`, { token: pick(tokens) })],
  [4, 'comments', () => request('comments', 'GET', `/api/v1/kindred/statuses/${HOT}/comments`, { token: pick(tokens) })],
  [15, 'favourite', async () => {
    const token = pick(tokens);
    const id = chance(0.3) ? HOT : pick(statuses);
    const r = await request('favourite', 'POST', `/api/v1/statuses/${id}/favourite`, { token });
    if (r.code === 200) {
      liked.push([token, id]);
      if (liked.length > 20000) liked.splice(0, 10000);
    }
  }],
  [8, 'unfavourite', () => {
    const [token, id] = liked.length
      ? liked.splice(Math.floor(Math.random() * liked.length), 1)[0]
      : [pick(tokens), pick(statuses)];
    return request('unfavourite', 'POST', `/api/v1/statuses/${id}/unfavourite`, { token });
  }],
  [8, 'post', async () => {
    const r = await request('post', 'POST', '/api/v1/statuses',
      { token: pick(tokens), form: { status: `Soak post ${Date.now()}: light on the water #soak` } });
    if (r.json?.id) addStatus(r.json.id);
  }],
  [9, 'reply', async () => {
    const to = chance(0.25) ? HOT : pick(statuses);
    const r = await request('reply', 'POST', '/api/v1/statuses',
      { token: pick(tokens), form: { status: `Lovely, ${Math.random().toString(36).slice(2, 8)}`, in_reply_to_id: to } });
    if (r.json?.id) addStatus(r.json.id);
  }],
];
const MIX_TOTAL = MIX.reduce((s, [w]) => s + w, 0);
function mixed() {
  let r = Math.random() * MIX_TOTAL;
  for (const [w, , fn] of MIX) {
    if ((r -= w) < 0) return fn();
  }
  return MIX[0][2]();
}

// A photo post: upload a small PNG (its colours differ every time, so every upload is a new
// file), wait for processing if the upload answered 202, post a status with it.
let uploadSeq = 0;
async function photoPost() {
  const token = pick(tokens);
  const png = gradientPng(96, 64, uploadSeq++);
  const boundary = `soak${Date.now()}${uploadSeq}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\nSoak photo ${uploadSeq}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="soak.png"\r\nContent-Type: image/png\r\n\r\n`),
    png,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const up = await request('media_upload', 'POST', '/api/v2/media',
    { token, body, contentType: `multipart/form-data; boundary=${boundary}`, expect: [200, 202] });
  if (!up.json?.id) return;
  if (up.code === 202) {
    for (let i = 0; i < 60; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const m = await request('media_get', 'GET', `/api/v1/media/${up.json.id}`, { token, expect: [200, 206] });
      if (m.code !== 206) break;
    }
  }
  const r = await request('photo_post', 'POST', '/api/v1/statuses',
    { token, form: { status: 'Soak photo post', 'media_ids[]': up.json.id } });
  if (r.json?.id) {
    addStatus(r.json.id);
    iv.uploads++;
  }
}

// A new account, as a Mastodon app makes one, from its own loopback address.
let signupSeq = 0;
const runTag = Date.now().toString(36);
async function signUp() {
  const n = signupSeq++;
  const localAddress = `127.0.1.${1 + (n % 250)}`;
  const username = `soak_${runTag}_${n}`;
  const app = await request('signup_app', 'POST', '/api/v1/apps', {
    localAddress,
    form: { client_name: `soak-${n}`, redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read write follow' },
  });
  if (!app.json) return;
  const creds = { client_id: app.json.client_id, client_secret: app.json.client_secret };
  const appToken = await request('signup_app_token', 'POST', '/oauth/token', {
    localAddress,
    form: { grant_type: 'client_credentials', redirect_uri: 'urn:ietf:wg:oauth:2.0:oob', scope: 'read write follow', ...creds },
  });
  if (!appToken.json) return;
  const acct = await request('signup_account', 'POST', '/api/v1/accounts', {
    localAddress,
    token: appToken.json.access_token,
    json: { username, email: `${username}@example.test`, password: PASSWORD, agreement: true, locale: 'en' },
  });
  if (!acct.json) return;
  const grant = await request('signin_password', 'POST', '/oauth/token', {
    localAddress,
    form: { grant_type: 'password', username, password: PASSWORD, scope: 'read write follow', ...creds },
  });
  if (!grant.json?.access_token) return;
  tokens.push(grant.json.access_token);
  iv.signups++;
}

// ---------------------------------------------------------------- schedule
let inflight = 0;
const track = (p) => {
  inflight++;
  Promise.resolve(p).finally(() => inflight--);
};
const sleepUntil = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));
const END = T0 + DURATION_MS;
const boundaries = [];
for (let b = T0 + SAMPLE_MS; b < END; b += SAMPLE_MS) boundaries.push(b);
boundaries.push(END);

function flush(k) {
  const s = iv;
  iv = newInterval();
  const r2 = (x) => (x === null ? null : Math.round(x * 100) / 100);
  const q = (a, p) => (a.length ? r2(a[Math.min(a.length - 1, Math.floor(a.length * p))]) : null);
  s.lat.sort((a, b) => a - b);
  const routes = {};
  for (const [route, a] of Object.entries(s.routes)) {
    a.sort((x, y) => x - y);
    routes[route] = [a.length, q(a, 0.5), q(a, 0.99), r2(a[a.length - 1])];
  }
  const line = {
    k, t: Math.round((Date.now() - T0) / 1000), req: s.req, err: s.err, e5xx: s.e5xx, e429: s.e429, neterr: s.neterr,
    p50: q(s.lat, 0.5), p99: q(s.lat, 0.99), max: s.lat.length ? r2(s.max) : null, max_route: s.maxRoute,
    late: s.late, inflight, signups: s.signups, uploads: s.uploads, errors: s.errors, routes,
  };
  appendFileSync(opt.out, JSON.stringify(line) + '\n');
  for (const e of s.errors) console.error(`good: interval ${k}: ${e}`);
}

await sleepUntil(T0);
let sent = 0;
let nextMedia = T0 + MEDIA_EVERY_MS / 2;
let nextSignup = T0 + Math.min(SIGNUP_EVERY_MS / 4, 5000);
let k = 0;
const pacer = setInterval(() => {
  const now = Date.now();
  if (now >= END) return;
  const due = Math.floor(((now - T0) / 1000) * RATE) - sent;
  for (let i = 0; i < due; i++) {
    sent++;
    if (inflight >= MAX_INFLIGHT) {
      iv.late++;
      continue;
    }
    track(mixed());
  }
  if (MEDIA_EVERY_MS > 0 && now >= nextMedia) {
    nextMedia += MEDIA_EVERY_MS;
    track(photoPost());
  }
  if (SIGNUP_EVERY_MS > 0 && now >= nextSignup) {
    nextSignup += SIGNUP_EVERY_MS;
    track(signUp());
  }
}, 5);
for (const b of boundaries) {
  await sleepUntil(b);
  if (b === END) {
    clearInterval(pacer);
    // Let what is in flight finish (it counts in the last interval).
    for (let i = 0; i < 100 && inflight > 0; i++) await new Promise((r) => setTimeout(r, 50));
  }
  flush(++k);
}
appendFileSync(opt.out, JSON.stringify({ summary }) + '\n');
agent.destroy();
process.exit(0);
