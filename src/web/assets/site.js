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
