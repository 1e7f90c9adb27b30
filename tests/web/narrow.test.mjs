// Usable at 320 CSS pixels wide (WCAG 1.4.10 Reflow; also what 400% zoom of a 1280-pixel window
// gives, and well inside 200%): on every page kind nothing scrolls sideways but a row of photos
// made to, and the text is not cut.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { openPage, sidewaysOverflow, startAll, stopAll } from './browser.mjs';
import { findDemoPages } from './site.mjs';

let server;
let browser;
let pages;

before(async () => {
  ({ server, browser } = await startAll({ args: ['--demo'] }));
  const demo = await findDemoPages(server.url);
  pages = {
    home: `${server.url}/`,
    explore: `${server.url}/explore`,
    tag: `${server.url}/tags/tour`,
    profile: demo.profileUrl,
    post: demo.memorialUrl,
    reply: demo.replyUrl,
    'sign-in': `${server.url}/auth/sign_in`,
    'not-found': `${server.url}/@nobody-here`,
  };
});

after(() => stopAll({ server, browser }));

describe('at 320 pixels wide', () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`no page scrolls sideways (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const context = await browser.newContext({ viewport: { width: 320, height: 640 }, javaScriptEnabled });
      try {
        for (const [name, url] of Object.entries(pages)) {
          const page = await openPage(context);
          await page.goto(url);
          const overflow = await sidewaysOverflow(page);
          assert.ok(overflow.scroll <= overflow.width, `${name}: the page is ${overflow.scroll} px wide at ${overflow.width}`);
          assert.deepEqual(overflow.wide, [], `${name}: elements past the right edge`);
          await page.close();
        }
      } finally {
        await context.close();
      }
    });
  }
});
