// The failover test (`make test-failover`), on the cluster `scripts/cluster.sh up` started:
//
// 1. No acknowledged write without a synchronous standby: the standby is killed, a post made
//    then must not be acknowledged while it is down (synchronous_mode_strict); it is once the
//    standby is back, and it is there.
// 2. A like storm (many accounts liking one post, then the next post, ...) and a post storm (each
//    post with its own Idempotency-Key) run through HAProxy. A request that fails is sent again,
//    the same (same key), until it is answered 2xx; every 2xx is logged.
// 3. FAILOVER_KILLS times (default 10): the primary's Patroni and PostgreSQL are SIGKILLed (a
//    machine's death); once another member leads, the dead one's Patroni is started again so it
//    rejoins as the synchronous standby. The time from the kill to the first write acknowledged
//    that was sent after the kill is recorded. Then the storms pause (requests in flight finish),
//    and every acknowledged like and post is checked: each liked post's favourites_count equals
//    its favourited_by edges (paged to the end) and equals the acknowledged likers, every
//    acknowledged liker is among them, every acknowledged post reads back with its text.
// 4. At the end the posters' statuses_count equals the keys they used (a retried post counts once).
//
// Figures (per kill recovery seconds, median, max) go to stdout and FAILOVER_OUT
// (build/cluster-failover.txt). Exit status 1 when a check failed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { api, mapLimit, registerUser, repoRoot } from '../e2e/harness.mjs';
import { clusterEnv, clusterScript, runPrefix } from './cluster_env.mjs';

const KILLS = Number(process.env.FAILOVER_KILLS ?? 10);
const LIKERS = Number(process.env.FAILOVER_LIKERS ?? 200);
const LIKED_POSTS = Number(process.env.FAILOVER_LIKED_POSTS ?? 150);
const LIKE_WORKERS = Number(process.env.FAILOVER_LIKE_WORKERS ?? 8);
const POST_WORKERS = Number(process.env.FAILOVER_POST_WORKERS ?? 2);
const LIKE_RATE = Number(process.env.FAILOVER_LIKE_RATE ?? 150); // likes/s at most
const POST_RATE = Number(process.env.FAILOVER_POST_RATE ?? 20); // posts/s at most
const UP_SECONDS = Number(process.env.FAILOVER_UP_SECONDS ?? 4); // storm time before each kill
const OUT = process.env.FAILOVER_OUT ?? path.join(repoRoot, 'build', 'cluster-failover.txt');
const REQUEST_TIMEOUT_MS = 90_000;

const env = clusterEnv();
const HA = env.CLUSTER_HTTP_URL;
const prefix = runPrefix('f');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
const failures = [];
const lines = [];
function say(line) {
  console.log(line);
  lines.push(line);
}
function fail(what) {
  failures.push(what);
  say(`FAILED: ${what}`);
}
function cluster(...args) {
  return execFileSync('bash', [clusterScript, ...args], { encoding: 'utf8' }).trim();
}
// A leader and a synchronous standby, as Patroni reports them.
async function hasSync() {
  try {
    cluster('has-sync');
    return true;
  } catch {
    return false;
  }
}
async function waitFor(what, probe, limitMs) {
  const t0 = now();
  for (;;) {
    try {
      if (await probe()) return now() - t0;
    } catch {
      // not yet
    }
    if (now() - t0 > limitMs) throw new Error(`timed out after ${limitMs / 1000} s waiting for ${what}`);
    await sleep(100);
  }
}

// ------------------------------------------------------------------ the storms
// A gate the workers pass before each new request: closed while the checks run.
let gateOpen = true;
let gateWaiters = [];
let inFlight = 0;
let stopping = false;
async function gate() {
  while (!gateOpen) await new Promise((r) => gateWaiters.push(r));
}
function openGate() {
  gateOpen = true;
  const w = gateWaiters;
  gateWaiters = [];
  for (const r of w) r();
}
async function drain() {
  gateOpen = false;
  while (inFlight > 0) await sleep(20);
}
// One request at most every 1000/rate ms, over all the workers of a storm.
function pacer(rate) {
  let next = now();
  return async () => {
    const t = now();
    const at = Math.max(next, t);
    next = at + 1000 / rate;
    if (at > t) await sleep(at - t);
  };
}

// sendUntil2xx: the same request until a 2xx. Resolves to {res, sentAt, attempts}: sentAt is
// when the attempt that succeeded was sent.
const stats = { attempts: 0, errors: 0, acks: [], codes: {} }; // acks: {t (ack time), sentAt}
const GIVE_UP_MS = 300_000;
async function sendUntil2xx(method, urlPath, opts) {
  let attempts = 0;
  const start = now();
  for (;;) {
    attempts++;
    stats.attempts++;
    const sentAt = now();
    let res;
    try {
      res = await api(HA, method, urlPath, { ...opts, timeoutMs: REQUEST_TIMEOUT_MS });
    } catch (err) {
      res = { status: 0, body: String(err) };
    }
    if (res.status >= 200 && res.status < 300) {
      stats.acks.push({ t: now(), sentAt });
      return { res, sentAt, attempts };
    }
    // Every failure is retried, the same request: a 4xx too, since a node whose database
    // connection just died may answer one (counted by status in the figures).
    stats.errors++;
    const code = `${res.status}${res.status >= 400 && res.status < 500 ? ` ${JSON.stringify(res.body).slice(0, 80)}` : ''}`;
    stats.codes[code] = (stats.codes[code] ?? 0) + 1;
    if (now() - start > GIVE_UP_MS) {
      throw new Error(`${method} ${urlPath}: no 2xx in ${GIVE_UP_MS / 1000} s; last ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    await sleep(100);
  }
}

// ------------------------------------------------------------------ setup
say(`failover test: ${KILLS} kills, ${LIKERS} likers x ${LIKED_POSTS} posts, like storm <= ${LIKE_RATE}/s (${LIKE_WORKERS} workers), post storm <= ${POST_RATE}/s (${POST_WORKERS} workers)`);
say(`cluster: ${cluster('view').replace(/\n/g, '; ')}`);
const t0 = now();
const author = await registerUser(HA, `${prefix}a`);
const posters = await mapLimit([0, 1], 2, (i) => registerUser(HA, `${prefix}p${i}`));
const likers = await mapLimit(Array.from({ length: LIKERS }, (_, i) => `${prefix}l${i}`), 4, (n) => registerUser(HA, n));
const liked = [];
for (let i = 0; i < LIKED_POSTS; i++) {
  const r = await api(HA, 'POST', '/api/v1/statuses', { token: author.token, form: { status: `Liked post ${i}` } });
  if (r.status !== 200) throw new Error(`posting: ${r.status}`);
  liked.push(r.body.id);
}
say(`setup: ${LIKERS + 3} accounts, ${LIKED_POSTS} posts in ${((now() - t0) / 1000).toFixed(1)} s`);

// ------------------------------------------------------------------ 1. no ack without a sync standby
const syncCheckKeys = 1; // the one post of this check, by posters[0]
{
  const leader = cluster('leader');
  const standby = leader === 'pg1' ? 'pg2' : 'pg1';
  const names = execFileSync(
    '/usr/lib/postgresql/15/bin/psql',
    ['-X', '-tA', '-d', env.CLUSTER_ADMIN_URL, '-c', 'SHOW synchronous_standby_names'],
    { encoding: 'utf8' },
  ).trim();
  say(`sync check: leader ${leader}, synchronous_standby_names '${names}'`);
  if (names === '') fail('the primary has no synchronous_standby_names');
  cluster('kill', standby);
  const killedAt = now();
  // The write is sent once the standby is gone; it must not be acknowledged until it is back.
  const key = `${prefix}-sync-check`;
  let answered = null;
  const pending = api(HA, 'POST', '/api/v1/statuses', {
    token: posters[0].token,
    form: { status: 'Written while the standby was down' },
    headers: { 'Idempotency-Key': key },
    timeoutMs: 120_000,
  })
    .catch((err) => ({ status: 0, body: String(err) }))
    .then((r) => {
      answered = { at: now(), r };
      return r;
    });
  await sleep(8000);
  const view = cluster('view');
  if (answered && answered.r.status >= 200 && answered.r.status < 300) {
    fail(`a post was acknowledged ${((answered.at - killedAt) / 1000).toFixed(1)} s after the synchronous standby died, while it was down`);
  } else {
    say(`sync check: with ${standby} dead, a post got no acknowledgement for 8 s (${answered ? `answered ${answered.r.status}` : 'still waiting'}); members: ${view.replace(/\n/g, '; ')}`);
  }
  cluster('restart', standby);
  const back = await waitFor('the standby back in sync', hasSync, 180_000);
  const r = await pending;
  let ackAfter = null;
  if (r.status >= 200 && r.status < 300) {
    ackAfter = (answered.at - killedAt) / 1000;
  } else {
    // not answered in time, or answered with an error: retried with the same key
    const again = await sendUntil2xx('POST', '/api/v1/statuses', { token: posters[0].token, form: { status: 'Written while the standby was down' }, headers: { 'Idempotency-Key': key } });
    r.body = again.res.body;
  }
  const read = await api(HA, 'GET', `/api/v1/statuses/${r.body.id}`);
  if (read.status !== 200) fail(`the post written while the standby was down is missing (${read.status})`);
  say(`sync check: standby back in sync after ${(back / 1000).toFixed(1)} s; the blocked post was ${ackAfter === null ? 'answered with an error, then acknowledged on retry' : `acknowledged ${ackAfter.toFixed(1)} s after the kill, once the standby was back`}, and reads back`);
}

// ------------------------------------------------------------------ 2. storms
const likeAcks = new Map(); // post id -> Set of liker usernames acknowledged
const postAcks = []; // {key, id, text, poster}
const likeTasks = [];
for (let p = 0; p < liked.length; p++) for (let a = 0; a < likers.length; a++) likeTasks.push([p, a]);
let nextLike = 0;
let postSerial = 0;
const likePace = pacer(LIKE_RATE);
const postPace = pacer(POST_RATE);

async function likeWorker() {
  for (;;) {
    await gate();
    if (stopping || nextLike >= likeTasks.length) return;
    const [p, a] = likeTasks[nextLike++];
    await likePace();
    inFlight++;
    try {
      await sendUntil2xx('POST', `/api/v1/statuses/${liked[p]}/favourite`, { token: likers[a].token });
      if (!likeAcks.has(liked[p])) likeAcks.set(liked[p], new Set());
      likeAcks.get(liked[p]).add(likers[a].username);
    } finally {
      inFlight--;
    }
  }
}
async function postWorker(w) {
  for (;;) {
    await gate();
    if (stopping) return;
    const n = postSerial++;
    const key = `${prefix}-post-${n}`;
    const text = `Storm post ${n} (${key})`;
    const poster = posters[w % posters.length];
    await postPace();
    inFlight++;
    try {
      const { res } = await sendUntil2xx('POST', '/api/v1/statuses', { token: poster.token, form: { status: text }, headers: { 'Idempotency-Key': key } });
      postAcks.push({ key, id: res.body.id, text, poster: poster.username });
    } finally {
      inFlight--;
    }
  }
}

async function checkAll(label) {
  const t = now();
  let likesChecked = 0;
  await mapLimit([...likeAcks.keys()], 4, async (id) => {
    const acked = likeAcks.get(id);
    const st = await api(HA, 'GET', `/api/v1/statuses/${id}`);
    if (st.status !== 200) return fail(`${label}: liked post ${id} reads ${st.status}`);
    const edges = [];
    let next = `/api/v1/statuses/${id}/favourited_by?limit=80`;
    while (next) {
      const res = await api(HA, 'GET', next);
      if (res.status !== 200) return fail(`${label}: favourited_by ${id}: ${res.status}`);
      if (res.body.length === 0) break;
      edges.push(...res.body.map((a) => a.username));
      const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.headers.get('link') ?? '');
      next = m ? m[1] : null;
    }
    const distinct = new Set(edges);
    if (distinct.size !== edges.length) fail(`${label}: post ${id}: favourited_by lists ${edges.length - distinct.size} accounts twice`);
    if (st.body.favourites_count !== edges.length) fail(`${label}: post ${id}: favourites_count ${st.body.favourites_count} but ${edges.length} edges`);
    if (st.body.favourites_count < acked.size) fail(`${label}: post ${id}: favourites_count ${st.body.favourites_count} < ${acked.size} acknowledged`);
    if (st.body.favourites_count !== acked.size) fail(`${label}: post ${id}: favourites_count ${st.body.favourites_count} after ${acked.size} acknowledged likes (no like in flight)`);
    for (const u of acked) if (!distinct.has(u)) fail(`${label}: post ${id}: acknowledged like by ${u} is missing`);
    likesChecked += acked.size;
  });
  let postsChecked = 0;
  await mapLimit(postAcks, 8, async (p) => {
    const r = await api(HA, 'GET', `/api/v1/statuses/${p.id}`);
    if (r.status !== 200) return fail(`${label}: acknowledged post ${p.id} (${p.key}) reads ${r.status}`);
    if (!String(r.body.content).includes(p.key)) fail(`${label}: post ${p.id} has another text`);
    postsChecked++;
  });
  return { likesChecked, postsChecked, seconds: (now() - t) / 1000 };
}

const workers = [
  ...Array.from({ length: LIKE_WORKERS }, () => likeWorker()),
  ...Array.from({ length: POST_WORKERS }, (_, w) => postWorker(w)),
];

// ------------------------------------------------------------------ 3. kills
const recoveries = [];
for (let k = 1; k <= KILLS; k++) {
  await sleep(UP_SECONDS * 1000);
  const acksBefore = stats.acks.length;
  const killedAt = now();
  const dead = cluster('kill-primary');
  // A new leader, then the dead member back (as the standby).
  const elected = await waitFor('a new leader', async () => {
    const l = cluster('leader');
    return l !== '' && l !== dead;
  }, 120_000);
  cluster('restart', dead);
  const synced = await waitFor('a synchronous standby again', hasSync, 180_000);
  // The first write acknowledged that was sent after the kill.
  await waitFor('a write acknowledged after the kill', async () => stats.acks.slice(acksBefore).some((a) => a.sentAt >= killedAt), 120_000);
  const first = stats.acks.slice(acksBefore).filter((a) => a.sentAt >= killedAt).reduce((m, a) => Math.min(m, a.t), Infinity);
  const recovery = (first - killedAt) / 1000;
  recoveries.push(recovery);
  await drain();
  const c = await checkAll(`kill ${k}`);
  say(
    `kill ${k}: ${dead} killed; new leader after ${(elected / 1000).toFixed(1)} s, ${dead} back as sync standby after ${((elected + synced) / 1000).toFixed(1)} s; ` +
      `writes back after ${recovery.toFixed(1)} s; checked ${c.likesChecked} likes on ${likeAcks.size} posts and ${c.postsChecked} posts in ${c.seconds.toFixed(1)} s`,
  );
  openGate();
}

// ------------------------------------------------------------------ 4. the end
stopping = true;
openGate();
await Promise.all(workers);
const c = await checkAll('final');
for (const poster of posters) {
  const me = await api(HA, 'GET', '/api/v1/accounts/verify_credentials', { token: poster.token });
  const keys = postAcks.filter((p) => p.poster === poster.username).length + (poster === posters[0] ? syncCheckKeys : 0);
  if (me.body.statuses_count !== keys) fail(`${poster.username}: statuses_count ${me.body.statuses_count}, ${keys} Idempotency-Keys acknowledged`);
}
const ids = new Set(postAcks.map((p) => p.id));
if (ids.size !== postAcks.length) fail(`${postAcks.length - ids.size} acknowledged posts share an id`);

const sorted = [...recoveries].sort((a, b) => a - b);
const median = sorted.length ? (sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2) : NaN;
say(`final: ${c.likesChecked} acknowledged likes on ${likeAcks.size} posts and ${c.postsChecked} acknowledged posts all present; counts equal edges`);
say(`requests: ${stats.attempts} sent, ${stats.acks.length} acknowledged (2xx), ${stats.errors} failed and retried`);
say(`failed answers by status: ${Object.entries(stats.codes).map(([k, v]) => `${k}: ${v}`).join('; ') || 'none'}`);
say(`recovery seconds per kill: ${recoveries.map((r) => r.toFixed(1)).join(' ')}`);
say(`recovery: median ${median.toFixed(1)} s, max ${sorted.at(-1)?.toFixed(1)} s (${KILLS} kills)`);
say(`${failures.length === 0 ? 1 : 0} passed, ${failures.length === 0 ? 0 : 1} failed`);
mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, `${lines.join('\n')}\n`);
process.exit(failures.length === 0 ? 0 : 1);
