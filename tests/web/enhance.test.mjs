// The pages' one optional module (src/web/assets/site.js): with JavaScript on, a row of several
// photos gets working "Previous photo" and "Next photo" buttons, and times are shown in the
// reader's time zone (the UTC time stays in the title); with it off, neither appears and nothing
// is lost (pages.test.mjs checks the whole page without JavaScript).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { registerUser } from '../e2e/harness.mjs';
import { checkPage, newContext, openPage, startAll, stopAll } from './browser.mjs';
import { postStatus, uploadPhoto } from './site.mjs';

let server;
let browser;
let post;

before(async () => {
  ({ server, browser } = await startAll());
  const user = await registerUser(server.url, 'ines');
  const ids = [];
  for (let i = 0; i < 3; ++i) {
    const m = await uploadPhoto(server.url, user.token, { description: `Photo number ${i + 1} of the bay`, seed: 10 + i });
    ids.push(m.id);
  }
  post = await postStatus(server.url, user.token, { status: 'Three views of the bay', media_ids: ids });
});

after(() => stopAll({ server, browser }));

describe('the optional module', () => {
  it('adds photo-row buttons that scroll one photo at a time, and local times', async () => {
    const tokyo = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
    try {
      const page = await openPage(tokyo);
      await page.goto(`${server.url}/@ines/${post.id}`);
      await checkPage(page, 'carousel');
      const next = page.getByRole('button', { name: 'Next photo' });
      const prev = page.getByRole('button', { name: 'Previous photo' });
      assert.equal(await prev.isDisabled(), true, 'at the first photo, "Previous photo" is disabled');
      await next.click();
      await page.waitForFunction(() => document.querySelector('ul.photos').scrollLeft > 10);
      await page.waitForFunction(() => !document.querySelectorAll('.carousel-controls button')[0].disabled);
      // The time is written in Tokyo's zone (UTC+9), and the server's UTC text is kept as its title.
      const time = page.locator('article.post time').first();
      const iso = await time.getAttribute('datetime');
      const expected = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Tokyo' })
        .format(new Date(iso));
      assert.equal((await time.textContent()).trim(), expected);
      assert.match(await time.getAttribute('title'), /UTC$/);
    } finally {
      await tokyo.close();
    }
  });

  it('is absent without JavaScript: no buttons, UTC times', async () => {
    const context = await newContext(browser, { size: 'phone', scheme: 'light', javaScriptEnabled: false });
    try {
      const page = await openPage(context);
      await page.goto(`${server.url}/@ines/${post.id}`);
      assert.equal(await page.locator('.carousel-controls').count(), 0);
      assert.match((await page.locator('article.post time').first().textContent()).trim(), /UTC$/);
      assert.equal(await page.locator('ul.photos img').count(), 3, 'every photo is on the page');
    } finally {
      await context.close();
    }
  });
});
