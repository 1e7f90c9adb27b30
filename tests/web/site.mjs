// Server-side helpers for the web page tests: finding the demo's pages through the API, signing
// in, uploading a photo, and the headers every HTML page carries. The browser side is browser.mjs.
import assert from 'node:assert/strict';

import { api, gradientPng, rebase } from '../e2e/harness.mjs';

export const DEMO_PASSWORD = 'kindred-demo';

// Signs a demo account in with the password grant; resolves to its access token.
export async function signIn(url, username, password = DEMO_PASSWORD) {
  const app = await api(url, 'POST', '/api/v1/apps', {
    form: { client_name: 'web-tests', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read write follow' },
  });
  assert.equal(app.status, 200, JSON.stringify(app.body));
  const token = await api(url, 'POST', '/oauth/token', {
    form: {
      grant_type: 'password', client_id: app.body.client_id, client_secret: app.body.client_secret,
      username, password, scope: 'read write follow',
    },
  });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  return token.body.access_token;
}

// GET that must answer 200 with JSON; resolves to the body.
export async function getJson(url, path, token) {
  const res = await api(url, 'GET', path, { token });
  assert.equal(res.status, 200, `GET ${path}: HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

// The demo's pages, as URLs on the test server (the server's own URLs name no port; see
// harness.mjs rebase()):
//   memorial: Lena's post remembering Iris (photo, likes, pinned comment, support card)
//   reply:    Tom's reply to it (pinned by Lena), whose page shows the post it answers
// and the API views of both, for comparing what the pages say.
export async function findDemoPages(url) {
  const token = await signIn(url, 'sam');
  const lena = await getJson(url, '/api/v1/accounts/lookup?acct=lena', token);
  const posts = await getJson(url, `/api/v1/accounts/${lena.id}/statuses?exclude_replies=true&limit=40`, token);
  const memorial = posts.find((s) => s.content.includes('Iris'));
  assert.ok(memorial, "Lena's post about Iris is in the demo");
  const context = await getJson(url, `/api/v1/statuses/${memorial.id}/context`, token);
  const direct = context.descendants.filter((s) => s.in_reply_to_id === memorial.id);
  const reply = direct.find((s) => s.account.acct === 'tom') ?? direct[0];
  assert.ok(reply, 'a reply to the memorial post');
  assert.ok(memorial.url && reply.url, 'statuses carry the URL of their page');
  return {
    token,
    lena,
    memorial,
    reply,
    context,
    memorialUrl: rebase(memorial.url, url),
    replyUrl: rebase(reply.url, url),
    profileUrl: rebase(lena.url ?? '/@lena', url),
  };
}

// Uploads a small PNG with `description` as its alt text and waits until it is processed;
// resolves to the media attachment.
export async function uploadPhoto(url, token, { description, width = 640, height = 480, seed = 1 } = {}) {
  const form = new FormData();
  form.append('file', new Blob([gradientPng(width, height, seed)], { type: 'image/png' }), `photo${seed}.png`);
  if (description !== undefined) form.append('description', description);
  const res = await fetch(rebase('/api/v2/media', url), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    body: form,
  });
  const body = await res.json();
  assert.ok(res.status === 200 || res.status === 202, `POST /api/v2/media: HTTP ${res.status}: ${JSON.stringify(body)}`);
  let media = body;
  for (let i = 0; i < 200 && !media.url; i++) {
    await new Promise((r) => setTimeout(r, 25));
    const again = await api(url, 'GET', `/api/v1/media/${body.id}`, { token });
    if (again.status === 200) media = again.body;
  }
  assert.ok(media.url, `media ${body.id} was processed`);
  return media;
}

// Posts a status; resolves to it.
export async function postStatus(url, token, json) {
  const res = await api(url, 'POST', '/api/v1/statuses', { token, json });
  assert.equal(res.status, 200, `POST /api/v1/statuses: HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

// GET of a page as a browser asks for it.
export async function getPage(url, path, { accept = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' } = {}) {
  const res = await fetch(rebase(path, url), { headers: { Accept: accept }, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

// The security headers every HTML page carries (docs/SECURITY.md): a strict Content Security
// Policy, no MIME sniffing, no referrer beyond the site, and the charset named.
export function assertHtmlHeaders(headers, where) {
  const csp = headers.get('content-security-policy') ?? '';
  assert.ok(csp, `${where}: a Content-Security-Policy header`);
  const directives = new Map(
    csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
      const [name, ...values] = d.split(/\s+/);
      return [name.toLowerCase(), values.join(' ')];
    }),
  );
  const has = (name, value) => (directives.get(name) ?? '').split(' ').includes(value);
  assert.ok(has('default-src', "'none'") || has('default-src', "'self'"), `${where}: default-src 'none' or 'self' in ${csp}`);
  for (const [name, value] of [
    ['script-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['frame-ancestors', "'none'"],
    ['form-action', "'self'"],
  ]) {
    assert.ok(has(name, value), `${where}: ${name} ${value} in ${csp}`);
  }
  assert.ok(!/'unsafe-inline'|'unsafe-eval'/.test(directives.get('script-src') ?? ''), `${where}: no unsafe script-src in ${csp}`);
  assert.equal(headers.get('x-content-type-options'), 'nosniff', `${where}: X-Content-Type-Options`);
  assert.equal(headers.get('referrer-policy'), 'same-origin', `${where}: Referrer-Policy`);
  assert.equal(headers.get('content-type')?.toLowerCase().replace(/\s+/g, ''), 'text/html;charset=utf-8', `${where}: Content-Type`);
}
