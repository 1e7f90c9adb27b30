// The web pages of the demo instance in a real browser (Debian's Chromium through playwright-core):
// every page kind at phone and desktop size, light and dark, passes axe (nothing serious or
// critical), breaks no Content Security Policy rule and logs no error, and is screenshotted to
// build/test-output/web/ (`make screenshots` copies them to docs/screenshots/). Then the memorial
// post without JavaScript (photo, caption, likes, pinned comment first, support card, the next
// page of comments through a plain link), the skip link by keyboard, every link on the pages,
// the site icon, and the error pages (HTML for a browser, JSON for an API client).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { api, rebase } from '../e2e/harness.mjs';
import { SCHEMES, SIZES, checkPage, newContext, openPage, startAll, stopAll } from './browser.mjs';
import { assertHtmlHeaders, findDemoPages, getPage } from './site.mjs';

let server;
let browser;
let demo;
// One context per (size, scheme), shared by the page kinds.
const contexts = new Map();

before(async () => {
  ({ server, browser } = await startAll({ args: ['--demo'] }));
  demo = await findDemoPages(server.url);
});

after(() => stopAll({ server, browser }));

async function contextFor(size, scheme) {
  const key = `${size}-${scheme}`;
  if (!contexts.has(key)) contexts.set(key, await newContext(browser, { size, scheme }));
  return contexts.get(key);
}

// name: the screenshot's name; path: a function, as the URLs are known only once the server runs.
const PAGE_KINDS = [
  { name: 'home', path: () => '/' },
  { name: 'explore', path: () => '/explore' },
  { name: 'tag', path: () => '/tags/tour' },
  { name: 'profile', path: () => '/@lena' },
  { name: 'post', path: () => demo.memorialUrl },
  { name: 'reply', path: () => demo.replyUrl },
  { name: 'sign-in', path: () => '/auth/sign_in' },
  { name: 'not-found', path: () => '/@nobody-here', status: 404 },
];

describe('every page kind, phone and desktop, light and dark', () => {
  for (const kind of PAGE_KINDS) {
    it(`${kind.name}: headers`, async () => {
      const res = await getPage(server.url, kind.path());
      assert.equal(res.status, kind.status ?? 200, `${kind.name} at ${kind.path()}`);
      assertHtmlHeaders(res.headers, `${kind.name} at ${kind.path()}`);
    });
    for (const size of Object.keys(SIZES)) {
      for (const scheme of SCHEMES) {
        it(`${kind.name}, ${size}, ${scheme}`, { timeout: 60_000 }, async () => {
          const page = await openPage(await contextFor(size, scheme));
          try {
            await page.goto(rebase(kind.path(), server.url));
            await checkPage(page, kind.name, { status: kind.status });
          } finally {
            await page.close();
          }
        });
      }
    }
  }
});

// The ids of the top-level comments shown, in order.
async function commentIds(page) {
  return page.locator('section.comments ol.comment-list > li.comment[id]').evaluateAll((lis) => lis.map((li) => li.id));
}

describe('the memorial post without JavaScript', () => {
  let context;
  let page;
  before(async () => {
    context = await newContext(browser, { size: 'phone', scheme: 'light', javaScriptEnabled: false });
    page = await openPage(context);
    const res = await page.goto(demo.memorialUrl);
    assert.equal(res.status(), 200);
  });
  after(async () => {
    await context?.close();
  });

  it('passes the page checks (no CSP violation, no console error) and is screenshotted', async () => {
    await checkPage(page, 'post');
  });

  it('shows the photo with its alt text, the caption and the time', async () => {
    const photos = page.locator('article.post ul.photos img[width][height][alt]');
    assert.equal(await photos.count(), demo.memorial.media_attachments.length, 'one img per photo, with width, height and alt');
    const img = photos.first();
    const alt = await img.getAttribute('alt');
    assert.equal(alt, demo.memorial.media_attachments[0].description, 'the alt text is the photo description');
    assert.ok(await img.isVisible(), 'the photo is visible');
    assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), 'the photo loaded');
    const caption = await page.locator('article.post div.caption').first().innerText();
    assert.match(caption, /One year ago today we said hello and goodbye to our daughter Iris/);
    assert.ok(await page.locator('article.post time[datetime]').first().isVisible(), 'a visible time[datetime]');
  });

  it('says who liked it, with the exact count in a data element', async () => {
    // "Liked by <a>Jonas Berg</a> and <data value="4">4</data> others": the people named and the
    // exact number of the others add up to the post's likes (no "4K" rounding).
    const likes = page.locator('article.post p.likes').first();
    assert.match(await likes.innerText(), /Liked by/);
    const values = await likes.locator('data[value]').evaluateAll((els) => els.map((e) => e.getAttribute('value')));
    assert.equal(values.length, 1, `one <data value> in p.likes (found ${JSON.stringify(values)})`);
    assert.match(values[0], /^\d+$/, 'an exact integer value');
    const named = await likes.locator('a').count();
    assert.equal(
      Number(values[0]) + (Number(values[0]) === demo.memorial.favourites_count ? 0 : named),
      demo.memorial.favourites_count,
      `p.likes names ${named} people and counts ${values[0]}; the post has ${demo.memorial.favourites_count} likes`,
    );
  });

  it("shows the comments with Lena's pinned one first, and not the held one", async () => {
    const first = page.locator('section.comments ol.comment-list > li.comment').first();
    const pinned = first.locator('.pinned');
    assert.equal(await pinned.count(), 1, 'the first comment is marked pinned');
    assert.match(await pinned.innerText(), /Pinned/i);
    assert.match(await first.innerText(), /We lost our son at 24 weeks/, "the pinned comment is Tom's");
    assert.equal(await page.locator('section.comments .pinned').count(), 1, 'one pinned comment');
    const text = await page.locator('section.comments').innerText();
    assert.doesNotMatch(text, /Attention seeker/, "Kai's held comment is not shown");
    const order = await page.locator('nav.comment-order a').allInnerTexts();
    assert.ok(order.some((t) => /Top/i.test(t)) && order.some((t) => /Most recent/i.test(t)), `order links: ${JSON.stringify(order)}`);
  });

  it('shows the support card with both organisations, phone, email and whether they are open', async () => {
    const card = page.locator('aside.support');
    assert.equal(await card.count(), 1, 'one aside.support');
    assert.ok(await card.isVisible());
    const heading = card.locator('h2, h3, h4').first();
    assert.ok((await heading.innerText()).trim().length > 0, 'the card has a heading');
    const orgs = (await card.locator('li.support-org').allInnerTexts()).join('\n');
    assert.match(orgs, /The Miscarriage Association/);
    assert.match(orgs, /Tommy['’]s/);
    assert.ok((await card.locator('a[href^="tel:"]').count()) >= 1, 'a tel: link');
    assert.ok((await card.locator('a[href^="mailto:"]').count()) >= 1, 'a mailto: link');
    const states = await card.locator('.open-state').allInnerTexts();
    assert.ok(states.length >= 1, 'an .open-state');
    for (const s of states) assert.match(s, /Open now|Closed|hours not known/i);
  });

  it('follows "More comments" as a plain link to the next page, repeating no comment', async (t) => {
    const more = page.locator('a.more-comments');
    if ((await more.count()) === 0) {
      t.skip(`no a.more-comments: the demo's memorial post has ${demo.memorial.replies_count} replies, fewer than a page`);
      return;
    }
    const firstPage = await commentIds(page);
    assert.equal(firstPage.length, 20, 'a full first page has 20 comments');
    assert.equal(new Set(firstPage).size, firstPage.length, 'no id repeats on the first page');
    const href = await more.first().getAttribute('href');
    assert.ok(href && !href.startsWith('javascript:') && href !== '#', `a real link: ${href}`);
    await Promise.all([page.waitForURL((u) => u.toString() !== demo.memorialUrl), more.first().click()]);
    await checkPage(page, 'post-comments-2');
    const secondPage = await commentIds(page);
    assert.ok(secondPage.length >= 1, 'the next page shows comments');
    const repeated = secondPage.filter((id) => firstPage.includes(id));
    assert.deepEqual(repeated, [], 'no comment of the first page repeats on the second');
    await page.goto(demo.memorialUrl);
  });

  it("shows a reply's parent on the reply's page", async () => {
    const p = await openPage(context);
    try {
      await p.goto(demo.replyUrl);
      await checkPage(p, 'reply');
      const parent = p.locator('section.in-reply-to');
      assert.equal(await parent.count(), 1, 'a section.in-reply-to');
      assert.match(await parent.innerText(), /One year ago today/);
      assert.match(await p.locator('article.post').last().innerText(), /We lost our son/);
    } finally {
      await p.close();
    }
  });
});

describe('by keyboard', () => {
  it('reaches the skip link first, with a visible focus ring', async () => {
    const context = await newContext(browser, { size: 'desktop', scheme: 'light' });
    try {
      const page = await openPage(context);
      await page.goto(demo.memorialUrl);
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {
          tag: el.tagName,
          cls: el.className,
          text: el.textContent.trim(),
          href: el.getAttribute('href'),
          focusVisible: el.matches(':focus-visible'),
          outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
          outlineStyle: style.outlineStyle,
          outlineWidth: parseFloat(style.outlineWidth) || 0,
          boxShadow: style.boxShadow,
          visible: box.width > 1 && box.height > 1 && box.bottom > 0 && box.top < innerHeight && style.visibility !== 'hidden',
        };
      });
      assert.equal(focused.tag, 'A', `the first Tab focuses a link (got ${JSON.stringify(focused)})`);
      assert.match(focused.cls, /\bskip-link\b/);
      assert.equal(focused.text, 'Skip to content');
      assert.equal(focused.href, '#main');
      assert.ok(focused.focusVisible, 'the skip link matches :focus-visible');
      assert.ok(focused.visible, `the focused skip link is on screen: ${JSON.stringify(focused)}`);
      const ring = (focused.outlineStyle !== 'none' && focused.outlineWidth > 0) || focused.boxShadow !== 'none';
      assert.ok(ring, `a focus ring: outline ${focused.outline}, box-shadow ${focused.boxShadow}`);
      await page.keyboard.press('Enter');
      // The hash changes within the document, and the browser may report it a moment after the
      // key press returns (a CI run once read the URL before it had).
      const hash = await page
        .waitForFunction(() => location.hash === '#main', null, { timeout: 5_000 })
        .then(() => page.evaluate(() => location.hash), () => page.evaluate(() => location.hash));
      assert.equal(hash, '#main', 'Enter follows the skip link');
    } finally {
      await context.close();
    }
  });
});

describe('links', () => {
  it('every same-origin link on the pages leads to a page that answers 200', { timeout: 60_000 }, async () => {
    const context = await newContext(browser, { size: 'desktop', scheme: 'light', javaScriptEnabled: false });
    const links = new Map(); // url -> the page it was found on
    try {
      for (const kind of PAGE_KINDS) {
        const page = await openPage(context);
        await page.goto(rebase(kind.path(), server.url));
        const hrefs = await page.locator('a[href]:not([href^="#"])').evaluateAll((as) => as.map((a) => a.href));
        for (const href of hrefs) {
          const u = new URL(href);
          if (u.origin !== new URL(server.url).origin) continue;
          u.hash = '';
          if (!links.has(u.toString())) links.set(u.toString(), kind.name);
        }
        await page.close();
      }
    } finally {
      await context.close();
    }
    const broken = [];
    for (const [link, from] of links) {
      const res = await fetch(link, { headers: { Accept: 'text/html' } });
      await res.arrayBuffer();
      if (res.status !== 200) broken.push(`${link} (on ${from}): HTTP ${res.status}`);
    }
    assert.ok(links.size > 10, `links found: ${links.size}`);
    assert.deepEqual(broken, [], 'broken links');
  });
});

describe('the site icon', () => {
  it('names an icon that is served, or serves /favicon.ico (browsers ask for it otherwise)', async () => {
    const context = await newContext(browser, { size: 'desktop', scheme: 'light', javaScriptEnabled: false });
    try {
      const page = await openPage(context);
      await page.goto(rebase('/explore', server.url));
      const icons = await page.locator('link[rel~="icon"]').evaluateAll((els) => els.map((l) => l.href));
      const wanted = icons.length ? icons : [rebase('/favicon.ico', server.url)];
      for (const href of wanted) {
        if (href.startsWith('data:')) continue;
        const res = await fetch(rebase(href, server.url));
        assert.equal(res.status, 200, `the icon ${href}: HTTP ${res.status} (the page names ${icons.length ? JSON.stringify(icons) : 'no icon'})`);
        assert.match(res.headers.get('content-type') ?? '', /^image\//, `the icon ${href} is an image`);
      }
    } finally {
      await context.close();
    }
  });
});

describe('error pages', () => {
  it('answers a browser with a 404 page and an API client with JSON', async () => {
    const html = await getPage(server.url, '/@nobody');
    assert.equal(html.status, 404);
    assert.match(html.headers.get('content-type') ?? '', /^text\/html;\s*charset=utf-8$/i);
    assert.match(html.text, /^<!doctype html>/i);
    assertHtmlHeaders(html.headers, '404 page');
    const json = await api(server.url, 'GET', '/@nobody', { headers: { Accept: 'application/json' } });
    assert.equal(json.status, 404);
    assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(typeof json.body?.error, 'string', `{"error": ...}, got ${JSON.stringify(json.body)}`);
  });
});
