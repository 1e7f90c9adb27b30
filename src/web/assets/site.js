// Kindred's pages work without this module; it only makes them nicer where a browser runs it:
// - times are shown in the reader's own time zone and language (the server writes UTC);
// - a row of several photos gets "Previous photo" and "Next photo" buttons;
// - a post's page: its like and comment counts move as others like and comment (liveCounts);
// - signed in: likes show at once, the home feed scrolls on, the composer uploads with progress
//   (below). Requests go only to this site's API, with the page's CSRF token; no storage, nothing
//   from another origin.

// The words this module may say, from the page (the server's catalogue, src/web/text/en.txt,
// keys js.*, in <body data-words>), in the reader's language:
// {"like_failed": "...", "photo_uploaded": "Photo {n} is uploaded."}.
const catalogue = (() => {
  try { return JSON.parse(document.body.dataset.words || '{}'); } catch { return {}; }
})();
function words(key, args = {}) {
  const text = catalogue[key];
  if (!text) return '';
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in args ? String(args[name]) : whole));
}

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
  const prev = make(words('previous_photo'), -1);
  const next = make(words('next_photo'), 1);
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
    // The reader's own like is said aloud (others' likes arriving live are not: liveCounts).
    sentence?.setAttribute('aria-live', 'polite');
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
      sayNear(form, error.status === 404 ? words('post_gone') : words('like_failed'));
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
      // Sent to sign in (the session ended): the link stays, and leads there.
      if (!response.ok || response.redirected) throw new Error(String(response.status));
      const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
      const more = doc.querySelector('[data-feed]');
      if (!more) throw new Error('no feed in the next page');
      for (const item of [...more.children]) {
        // A post already shown (reblogged again on a later page) is not shown twice.
        if (item.dataset.id && list.querySelector(`[data-id="${CSS.escape(item.dataset.id)}"]`)) continue;
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
function composer(form) {
  const csrf = form.elements.csrf.value;
  // The upload of each slot in flight: a promise resolving to true (uploaded) or false.
  const pending = new Map();
  for (const input of form.querySelectorAll('input[type="file"][name^="photo"]')) {
    const n = input.name.slice(5);
    const field = input.closest('.field');
    let request = null;
    input.addEventListener('change', () => {
      const file = input.files[0];
      // A new choice replaces the last: its upload stops and its id leaves the form.
      request?.abort();
      form.querySelector(`input[type="hidden"][name="media_id${n}"]`)?.remove();
      field.querySelector('p.uploaded')?.remove();
      sayNear(input, '');
      if (!file) return;
      let preview = field.querySelector('img.photo-preview');
      if (!preview) {
        preview = document.createElement('img');
        preview.className = 'photo-preview';
        preview.alt = words('photo_as_chosen', { n });
        field.append(preview);
      }
      preview.src = URL.createObjectURL(file);
      const progress = document.createElement('progress');
      progress.max = 100;
      progress.value = 0;
      progress.setAttribute('aria-label', words('uploading_photo', { n }));
      field.append(progress);
      const body = new FormData();
      body.append('file', file);
      const alt = form.elements[`alt${n}`]?.value;
      if (alt) body.append('description', alt);
      const mine = new XMLHttpRequest();
      request = mine;
      const done = new Promise((resolve) => {
        mine.upload.addEventListener('progress', (e) => {
          if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
        });
        mine.addEventListener('loadend', () => {
          let ok = false;
          try {
            progress.remove();
            if (mine.status === 0 && request !== mine) return;  // replaced by a newer choice
            let json = null;
            try { json = JSON.parse(mine.responseText); } catch { /* not JSON */ }
            if ((mine.status === 200 || mine.status === 202) && json && json.id) {
              const hidden = document.createElement('input');
              hidden.type = 'hidden';
              hidden.name = `media_id${n}`;
              hidden.value = json.id;
              form.append(hidden);
              const note = document.createElement('p');
              note.className = 'uploaded';
              note.textContent = words('photo_uploaded', { n });
              field.append(note);
              ok = true;
            } else {
              input.value = '';
              preview.remove();
              sayNear(input, words(`upload_${mine.status}`) || (json && json.error) || words('upload_failed'));
            }
          } finally {
            if (request === mine) request = null;
            resolve(ok);
          }
        });
      });
      mine.open('POST', '/api/v2/media');
      mine.setRequestHeader('X-CSRF-Token', csrf);
      mine.setRequestHeader('Accept', 'application/json');
      mine.send(body);
      pending.set(n, done);
      done.then(() => { if (pending.get(n) === done) pending.delete(n); });
    });
  }
  form.addEventListener('submit', async (event) => {
    // An uploaded photo goes by its id; its file is not sent again.
    for (const input of form.querySelectorAll('input[type="file"][name^="photo"]')) {
      if (form.querySelector(`input[type="hidden"][name="media_id${input.name.slice(5)}"]`)) input.disabled = true;
    }
    if (pending.size === 0) return;
    event.preventDefault();
    const results = await Promise.all([...pending.values()]);
    if (results.every(Boolean)) {
      form.requestSubmit();
    } else {
      // A photo was refused while waiting: the person sees why before anything is posted.
      for (const input of form.querySelectorAll('input[type="file"]')) input.disabled = false;
      form.querySelector('.action-error')?.previousElementSibling?.focus();
    }
  });
}

// Live counts: while a post's page is open and in view, its like and comment counts follow the
// server's (GET /statuses/:id/live, Server-Sent Events, at most one change a second). Others'
// likes change the numbers quietly: a screen reader is not interrupted every second during a
// storm of them. A hidden tab holds no connection; coming back brings the counts of now.
function liveCounts(article) {
  const url = article.dataset.live;
  if (!url || typeof EventSource !== 'function') return;
  let source = null;
  const apply = (counts) => {
    const sentence = article.querySelector('[data-like-count]');
    const likes = counts.favourites_count;
    if (sentence && !counts.favourites_count_hidden && Number(sentence.dataset.likeCount) !== likes) {
      sentence.setAttribute('aria-live', 'off');
      if (!sentence.querySelector('data')) {
        // "No likes yet" becomes "1 like": a number and its word.
        sentence.dataset.offset = '0';
        sentence.replaceChildren(document.createElement('data'), document.createTextNode(' '));
      }
      setLikeCount(article, likes);
      const number = sentence.querySelector('data');
      if (sentence.dataset.offset === '0' && number.nextSibling === sentence.lastChild) {
        number.nextSibling.textContent = ` ${words(likes === 1 ? 'like_one' : 'like_other') || ''}`;
      }
    }
    const comments = document.querySelector('#comments-title data');
    if (comments && Number(comments.value) !== counts.replies_count) {
      comments.value = String(counts.replies_count);
      comments.textContent = numberFormat.format(counts.replies_count);
      if (counts.replies_count > shownComments) newComments();
    }
  };
  // Comments that came since the page was made are not in its list: one link says so, once,
  // and leads to them (the most recent first); "No comments yet" is no longer true.
  const shownComments = Number(document.querySelector('#comments-title data')?.value ?? 0);
  const newComments = () => {
    const section = document.querySelector('#comments');
    const recent = section?.querySelector('.comment-order a:last-child');
    if (!section || !recent || section.querySelector('.new-comments')) return;
    const note = document.createElement('p');
    note.className = 'new-comments';
    note.setAttribute('role', 'status');
    const link = document.createElement('a');
    link.href = `${recent.getAttribute('href')}#comments`;
    link.textContent = words('new_comments');
    note.append(link);
    recent.closest('nav').after(note);
    section.querySelector(':scope > p.empty')?.remove();
  };
  const close = () => {
    source?.close();
    source = null;
    delete article.dataset.liveState;
  };
  const open = () => {
    if (source) return;
    source = new EventSource(url);
    source.addEventListener('open', () => { article.dataset.liveState = 'open'; });
    source.addEventListener('counts', (event) => {
      try { apply(JSON.parse(event.data)); } catch { /* a malformed event changes nothing */ }
    });
    source.addEventListener('delete', close);  // gone, or no longer this reader's to see
  };
  document.addEventListener('visibilitychange', () => (document.hidden ? close() : open()));
  if (!document.hidden) open();
}

for (const form of document.querySelectorAll('form[data-action="like"]')) likeForm(form);
for (const article of document.querySelectorAll('article[data-live]')) liveCounts(article);
for (const list of document.querySelectorAll('[data-feed]')) endlessFeed(list);
for (const form of document.querySelectorAll('form[data-compose]')) composer(form);
