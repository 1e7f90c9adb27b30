// page_through.mjs: check a like storm landed exactly.
//   node bench/lib/page_through.mjs BASE_URL STATUS_ID EXPECTED [TOKEN]
// 1. GET /api/v1/statuses/STATUS_ID and read favourites_count.
// 2. Page GET /api/v1/statuses/STATUS_ID/favourited_by?limit=80, following the Link rel="next"
//    header until there is none, and count the distinct account ids.
// Prints one line:
//   PAGER favourites_count=N pages=P accounts=M distinct=D duplicates=X seconds=S pages_per_s=R p50_ms=.. p99_ms=.. max_ms=..
// Exit status 0 when favourites_count == distinct == EXPECTED and there are no duplicates, else 1
// (2 on a transport or HTTP error).

const [base, statusId, expectedArg, token] = process.argv.slice(2);
if (!base || !statusId || !expectedArg) {
  console.error('usage: node page_through.mjs BASE_URL STATUS_ID EXPECTED [TOKEN]');
  process.exit(2);
}
const expected = Number(expectedArg);
const headers = token ? { Authorization: `Bearer ${token}` } : {};

async function get(url) {
  const res = await fetch(url, { headers });
  const body = await res.text();
  if (res.status !== 200) {
    console.error(`GET ${url} -> ${res.status}: ${body.slice(0, 300)}`);
    process.exit(2);
  }
  return { res, body };
}

function nextLink(link) {
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = part.match(/<([^>]+)>\s*;\s*rel="?next"?/);
    if (m) return m[1];
  }
  return null;
}

const status = JSON.parse((await get(`${base}/api/v1/statuses/${statusId}`)).body);
const favouritesCount = status.favourites_count;

const seen = new Set();
let accounts = 0;
let pages = 0;
const pageMs = [];
const t0 = performance.now();
let url = `${base}/api/v1/statuses/${statusId}/favourited_by?limit=80`;
while (url) {
  const p0 = performance.now();
  const { res, body } = await get(url);
  pageMs.push(performance.now() - p0);
  const list = JSON.parse(body);
  if (!Array.isArray(list)) {
    console.error(`GET ${url}: not an array: ${body.slice(0, 300)}`);
    process.exit(2);
  }
  if (list.length === 0) break;
  pages++;
  for (const a of list) {
    accounts++;
    seen.add(a.id);
  }
  // The Link header carries the instance's public base URL; keep our own scheme/host/port.
  const next = nextLink(res.headers.get('link'));
  if (!next) break;
  const u = new URL(next);
  url = `${base}${u.pathname}${u.search}`;
  if (pages % 2000 === 0) {
    process.stderr.write(`  pager: ${pages} pages, ${seen.size} accounts, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
}
const seconds = (performance.now() - t0) / 1000;
pageMs.sort((a, b) => a - b);
const pct = (p) => (pageMs.length ? pageMs[Math.min(pageMs.length - 1, Math.floor((pageMs.length * p) / 100))] : 0);
const ok = favouritesCount === expected && seen.size === expected && accounts === seen.size;
console.log(
  `PAGER favourites_count=${favouritesCount} pages=${pages} accounts=${accounts} distinct=${seen.size} ` +
    `duplicates=${accounts - seen.size} seconds=${seconds.toFixed(1)} pages_per_s=${(pages / seconds).toFixed(0)} ` +
    `p50_ms=${pct(50).toFixed(2)} p99_ms=${pct(99).toFixed(2)} max_ms=${(pageMs.at(-1) ?? 0).toFixed(2)} ` +
    `expected=${expected} ${ok ? 'OK' : 'MISMATCH'}`,
);
process.exit(ok ? 0 : 1);
