// Link previews: a photo post's page carries Open Graph and Twitter card tags (an absolute image
// URL with its size and alt text); a sensitive post or one behind a content warning shows no image
// in a preview, and keeps its photos behind <details> on the page. Profiles ask not to be indexed
// unless their owner chose otherwise.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { api, rebase, registerUser } from '../e2e/harness.mjs';
import { SCHEMES, SIZES, checkPage, newContext, openPage, startAll, stopAll } from './browser.mjs';
import { postStatus, uploadPhoto } from './site.mjs';

const ALT = 'A red kite hanging over a field of barley, wings spread against a pale sky';

let server;
let browser;
let context;
let user;
let plain;
let sensitive;
let spoiler;
let media;

before(async () => {
  ({ server, browser } = await startAll());
  user = await registerUser(server.url, 'olga');
  media = await uploadPhoto(server.url, user.token, { description: ALT, width: 800, height: 600, seed: 3 });
  plain = await postStatus(server.url, user.token, { status: 'Kite day on the downs', media_ids: [media.id] });
  const m2 = await uploadPhoto(server.url, user.token, { description: 'An operation scar, healing', seed: 4 });
  sensitive = await postStatus(server.url, user.token, {
    status: 'Six weeks after the surgery', media_ids: [m2.id], sensitive: true,
  });
  const m3 = await uploadPhoto(server.url, user.token, { description: 'A plate of food', seed: 5 });
  spoiler = await postStatus(server.url, user.token, {
    status: 'What I ate today, every bite', media_ids: [m3.id], spoiler_text: 'food, eating',
  });
  // Previews are fetched without JavaScript, so the tags are read that way.
  context = await newContext(browser, { size: 'phone', scheme: 'light', javaScriptEnabled: false });
});

after(() => stopAll({ server, browser }));

// The page's <meta property|name=... content=...> as a map (repeated names keep the first).
async function metaTags(page) {
  const pairs = await page.locator('head meta').evaluateAll((els) =>
    els.map((m) => [m.getAttribute('property') ?? m.getAttribute('name'), m.getAttribute('content')]).filter(([k]) => k),
  );
  const map = new Map();
  for (const [k, v] of pairs) if (!map.has(k)) map.set(k, v);
  return map;
}

async function load(path) {
  const page = await openPage(context);
  const res = await page.goto(rebase(path, server.url));
  assert.equal(res.status(), 200, `${path}: HTTP ${res.status()}`);
  return page;
}

describe('link previews', () => {
  it('a photo post has Open Graph and Twitter card tags with the photo, its size and alt text', async () => {
    const page = await load(plain.url);
    try {
      const meta = await metaTags(page);
      assert.ok(meta.get('og:title')?.trim(), `og:title: ${meta.get('og:title')}`);
      assert.match(meta.get('og:description') ?? '', /Kite day on the downs/);
      const image = meta.get('og:image');
      assert.ok(image, 'og:image');
      assert.match(image, /^https?:\/\//, `og:image is an absolute URL: ${image}`);
      const width = meta.get('og:image:width');
      const height = meta.get('og:image:height');
      assert.match(width ?? '', /^[1-9]\d*$/, `og:image:width: ${width}`);
      assert.match(height ?? '', /^[1-9]\d*$/, `og:image:height: ${height}`);
      // The size given is the size of the image named: the original or the preview.
      const path = new URL(image).pathname;
      const sizes = [];
      if (path === new URL(media.url, server.url).pathname) sizes.push(media.meta?.original);
      if (media.preview_url && path === new URL(media.preview_url, server.url).pathname) sizes.push(media.meta?.small);
      for (const size of sizes.filter(Boolean)) {
        assert.deepEqual([Number(width), Number(height)], [size.width, size.height], `og:image size matches ${image}`);
      }
      assert.equal(Number(width) / Number(height), 800 / 600, 'og:image keeps the photo aspect ratio');
      const fetched = await fetch(rebase(image, server.url));
      assert.equal(fetched.status, 200, `og:image ${image} is served`);
      assert.match(fetched.headers.get('content-type') ?? '', /^image\//);
      assert.equal(meta.get('og:image:alt'), ALT, "og:image:alt is the photo's description");
      assert.equal(meta.get('twitter:card'), 'summary_large_image');
      await checkPage(page, 'og-post');
    } finally {
      await page.close();
    }
  });

  it('a sensitive post shows no image in a preview and keeps its photo behind a closed <details>', async () => {
    const page = await load(sensitive.url);
    try {
      const meta = await metaTags(page);
      assert.equal(meta.get('og:image'), undefined, `no og:image on a sensitive post (got ${meta.get('og:image')})`);
      assert.notEqual(meta.get('twitter:card'), 'summary_large_image', 'no large image card');
      const details = page.locator('details.sensitive');
      assert.ok((await details.count()) >= 1, 'details.sensitive');
      assert.equal(await details.first().getAttribute('open'), null, 'closed until opened');
      assert.equal(await page.locator('ul.photos img:not(details.sensitive img)').count(), 0, 'every photo is inside details.sensitive');
      assert.equal(await details.first().locator('img').first().isVisible(), false, 'the photo is hidden until opened');
      await details.first().locator('summary').click();
      assert.ok(await details.first().locator('img').first().isVisible(), 'opening it shows the photo');
    } finally {
      await page.close();
    }
  });

  it('a post behind a content warning shows no image and no text behind the warning', async () => {
    const page = await load(spoiler.url);
    try {
      const meta = await metaTags(page);
      assert.equal(meta.get('og:image'), undefined, `no og:image behind a content warning (got ${meta.get('og:image')})`);
      assert.doesNotMatch(meta.get('og:description') ?? '', /every bite/, 'the preview does not give away the text behind the warning');
      assert.doesNotMatch(meta.get('og:title') ?? '', /every bite/, 'nor its title');
      assert.doesNotMatch(meta.get('description') ?? '', /every bite/, 'nor the description');
      assert.doesNotMatch(await page.title(), /every bite/, 'nor the page title');
      const summary = page.locator('details.cw > summary');
      assert.equal(await summary.count(), 1, 'details.cw > summary');
      assert.match(await summary.innerText(), /food, eating/);
      assert.equal(await page.locator('details.cw').getAttribute('open'), null, 'closed until opened');
      await checkPage(page, 'og-cw');
    } finally {
      await page.close();
    }
  });

  it('the sensitive and content-warning pages pass the page checks at every size and scheme', { timeout: 60_000 }, async () => {
    for (const size of Object.keys(SIZES)) {
      for (const scheme of SCHEMES) {
        const ctx = await newContext(browser, { size, scheme });
        try {
          for (const [name, post] of [['sensitive', sensitive], ['content-warning', spoiler]]) {
            const page = await openPage(ctx);
            await page.goto(rebase(post.url, server.url));
            await checkPage(page, name);
            await page.close();
          }
        } finally {
          await ctx.close();
        }
      }
    }
  });

  it('a profile asks search engines not to index it by default', async () => {
    const page = await load('/@olga');
    try {
      const robots = await page.locator('meta[name="robots"]').evaluateAll((els) => els.map((m) => m.getAttribute('content')));
      assert.equal(robots.length, 1, `one robots meta tag: ${JSON.stringify(robots)}`);
      assert.match(robots[0], /^noindex\b/);
    } finally {
      await page.close();
    }
  });

  it('a profile whose owner opted in to search indexes (indexable) drops noindex', async () => {
    const pia = await registerUser(server.url, 'pia');
    const res = await api(server.url, 'PATCH', '/api/v1/accounts/update_credentials', { token: pia.token, json: { indexable: true } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const page = await load('/@pia');
    try {
      const robots = await page.locator('meta[name="robots"]').evaluateAll((els) => els.map((m) => m.getAttribute('content')));
      assert.ok(robots.every((c) => !/noindex/.test(c)), `no noindex once indexable: ${JSON.stringify(robots)}`);
    } finally {
      await page.close();
    }
  });
});
