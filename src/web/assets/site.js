// Kindred's pages work without this module; it only makes them nicer where a browser runs it:
// - times are shown in the reader's own time zone and language (the server writes UTC);
// - a row of several photos gets "Previous photo" and "Next photo" buttons.
// No network requests, no storage, nothing from another origin.

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' });

function localTimes(root) {
  for (const el of root.querySelectorAll('time[datetime]')) {
    const when = new Date(el.getAttribute('datetime'));
    if (Number.isNaN(when.getTime())) continue;
    el.title = el.textContent;  // the UTC time stays available on hover
    el.textContent = timeFormat.format(when);
  }
}

function carousel(list) {
  const items = [...list.children];
  if (items.length < 2) return;
  const controls = document.createElement('div');
  controls.className = 'carousel-controls';
  const make = (label, step) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.addEventListener('click', () => {
      const width = items[0].getBoundingClientRect().width;
      list.scrollBy({ left: step * width, behavior: 'auto' });
    });
    controls.append(button);
    return button;
  };
  const prev = make('Previous photo', -1);
  const next = make('Next photo', 1);
  const update = () => {
    const max = list.scrollWidth - list.clientWidth - 2;
    prev.disabled = list.scrollLeft <= 2;
    next.disabled = list.scrollLeft >= max;
  };
  list.addEventListener('scroll', update, { passive: true });
  list.after(controls);
  update();
}

localTimes(document);
for (const list of document.querySelectorAll('ul.photos.carousel')) carousel(list);

// --- Signed-in pages ---------------------------------------------------------------------
// Each form below works without this module (a POST and a page). With it, the same change is
// made through the API with the session's CSRF token (the page's own, from the form), and the
// page changes at once; if the server refuses, the page is put back exactly and says why.

const numberFormat = new Intl.NumberFormat(undefined);

async function callApi(method, path, csrf, body) {
  const response = await fetch(path, {
    method,
    body,
    credentials: 'same-origin',
    headers: { 'X-CSRF-Token': csrf, Accept: 'application/json' },
  });
  let json = null;
  try { json = await response.json(); } catch { /* an empty or HTML body */ }
  if (!response.ok) {
    const error = new Error((json && json.error) || `The server answered ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return json;
}

function sayNear(element, sentence) {
  let note = element.parentElement.querySelector(':scope > .action-error');
  if (!sentence) { note?.remove(); return; }
  if (!note) {
    note = document.createElement('p');
    note.className = 'field-error action-error';
    note.setAttribute('role', 'alert');
    element.after(note);
  }
  note.textContent = sentence;
}

// The like sentence of a post ("Liked by Ana and 1,234 others") keeps its exact number in a
// <data> element; `data-offset` says how many likes the sentence names apart from it.
function setLikeCount(scope, total) {
  const sentence = scope?.querySelector('[data-like-count]');
  if (!sentence) return;
  sentence.dataset.likeCount = String(total);
  const number = sentence.querySelector('data');
  if (!number) return;
  const shown = Math.max(0, total - Number(sentence.dataset.offset || 0));
  number.value = String(shown);
  number.textContent = numberFormat.format(shown);
  // "1 like" / "2 likes", "1 other" / "2 others": the word after the number follows it.
  const word = number.nextSibling;
  if (word && word.nodeType === Node.TEXT_NODE) {
    word.textContent = word.textContent.replace(/^(\s*)(like|other)s?\b/, (_, space, stem) =>
      `${space}${stem}${shown === 1 ? '' : 's'}`);
  }
}

function likeForm(form) {
  const button = form.querySelector('button');
  const id = form.action.match(/\/statuses\/(\d+)\//)?.[1];
  if (!button || !id) return;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (button.getAttribute('aria-busy') === 'true') return;
    const liked = button.getAttribute('aria-pressed') === 'true';
    const scope = form.closest('article, .post-footer');
    const sentence = scope?.querySelector('[data-like-count]');
    const before = sentence ? Number(sentence.dataset.likeCount) : null;
    // At once: pressed, and one more (or fewer) like.
    button.setAttribute('aria-pressed', String(!liked));
    button.setAttribute('aria-busy', 'true');
    if (before !== null) setLikeCount(scope, before + (liked ? -1 : 1));
    try {
      const status = await callApi('POST', `/api/v1/statuses/${id}/${liked ? 'unfavourite' : 'favourite'}`,
        form.elements.csrf.value);
      form.action = form.action.replace(/\/(un)?like$/, liked ? '/like' : '/unlike');
      if (status && typeof status.favourites_count === 'number') setLikeCount(scope, status.favourites_count);
      sayNear(form, '');
    } catch (error) {
      // Exactly as it was.
      button.setAttribute('aria-pressed', String(liked));
      if (before !== null) setLikeCount(scope, before);
      sayNear(form, error.status === 404 ? 'This post is no longer here.'
        : 'Your like could not be saved. Check your connection and try again.');
    } finally {
      button.removeAttribute('aria-busy');
    }
  });
}

// Endless scroll: a list marked data-feed gets its next page (the "Older posts" link, which
// carries the API's cursor) when the reader nears its end. Without this, the link is a link.
function endlessFeed(list) {
  let next = document.querySelector('a[data-feed-next]');
  if (!next || !('IntersectionObserver' in window)) return;
  let loading = false;
  const observer = new IntersectionObserver(async (entries) => {
    if (loading || !entries.some((e) => e.isIntersecting) || !next) return;
    loading = true;
    try {
      const response = await fetch(next.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
      if (!response.ok) throw new Error(String(response.status));
      const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
      const more = doc.querySelector('[data-feed]');
      for (const item of [...(more?.children || [])]) {
        const adopted = document.adoptNode(item);
        list.append(adopted);
        localTimes(adopted);
        for (const form of adopted.querySelectorAll('form[data-action="like"]')) likeForm(form);
      }
      const newer = doc.querySelector('a[data-feed-next]');
      if (newer) {
        next.href = newer.href;
      } else {
        observer.disconnect();
        next.closest('.paging')?.remove();
        next = null;
      }
    } catch {
      observer.disconnect();  // the link still works
    } finally {
      loading = false;
    }
  }, { rootMargin: '600px 0px' });
  observer.observe(next);
}

// The composer: each chosen photo is shown, uploaded at once with its progress, and replaced in
// the form by the upload's id; the form then posts without the files. An upload the server
// refuses is said next to its photo, in words, and the photo can be chosen again.
const uploadWords = {
  413: 'This photo is too large. Choose a smaller one.',
  422: 'This file is not a photo Kindred can read. Choose a JPEG, PNG, WebP, GIF, HEIC or AVIF image.',
  429: 'You have uploaded many photos in a short time. Wait a few minutes, then try again.',
};

function composer(form) {
  const csrf = form.elements.csrf.value;
  const pending = new Set();
  for (const input of form.querySelectorAll('input[type="file"][name^="photo"]')) {
    const n = input.name.slice(5);
    const field = input.closest('.field');
    input.addEventListener('change', () => {
      const file = input.files[0];
      if (!file) return;
      sayNear(input, '');
      let preview = field.querySelector('img.photo-preview');
      if (!preview) {
        preview = document.createElement('img');
        preview.className = 'photo-preview';
        preview.alt = `Photo ${n} as chosen`;
        field.append(preview);
      }
      preview.src = URL.createObjectURL(file);
      const progress = document.createElement('progress');
      progress.max = 100;
      progress.value = 0;
      progress.setAttribute('aria-label', `Uploading photo ${n}`);
      field.append(progress);
      const body = new FormData();
      body.append('file', file);
      const alt = form.elements[`alt${n}`]?.value;
      if (alt) body.append('description', alt);
      const request = new XMLHttpRequest();
      const done = new Promise((resolve) => {
        request.upload.addEventListener('progress', (e) => {
          if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
        });
        request.addEventListener('loadend', () => {
          progress.remove();
          let json = null;
          try { json = JSON.parse(request.responseText); } catch { /* not JSON */ }
          if (request.status === 200 || request.status === 202) {
            const hidden = document.createElement('input');
            hidden.type = 'hidden';
            hidden.name = `media_id${n}`;
            hidden.value = json.id;
            form.append(hidden);
            input.disabled = true;  // the file is not sent again with the form
            const note = document.createElement('p');
            note.className = 'uploaded';
            note.textContent = `Photo ${n} is uploaded.`;
            field.append(note);
          } else {
            input.value = '';
            preview.remove();
            sayNear(input, uploadWords[request.status] || (json && json.error) ||
              'The photo could not be uploaded. Check your connection and try again.');
          }
          resolve();
        });
      });
      request.open('POST', '/api/v2/media');
      request.setRequestHeader('X-CSRF-Token', csrf);
      request.setRequestHeader('Accept', 'application/json');
      request.send(body);
      pending.add(done);
      done.then(() => pending.delete(done));
    });
  }
  form.addEventListener('submit', async (event) => {
    if (pending.size === 0) return;
    event.preventDefault();
    await Promise.all([...pending]);
    form.requestSubmit();
  });
}

for (const form of document.querySelectorAll('form[data-action="like"]')) likeForm(form);
for (const list of document.querySelectorAll('[data-feed]')) endlessFeed(list);
for (const form of document.querySelectorAll('form[data-compose]')) composer(form);
