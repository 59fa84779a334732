// ConvLab's service worker: after one visit, every lesson works with the network off.
//
// The page (index.html) names this build's files, and Trunk puts a hash of each file's content
// in its name: a file of that name never changes, so once cached it is served from the cache.
// The page itself comes from the network first, so that a new deployment is picked up on the
// next visit, and from the cache when the network is off or too slow for a classroom's Wi-Fi.
// Each page that arrives from the network has the files it names cached, with the bundled data
// the lessons fetch on demand, and the files of older builds dropped.

const CACHE = 'convlab';
/** The key of the page in the cache, whatever lesson and settings its address had. */
const PAGE = '/';
/** Fetched by the lessons when needed, not named by the page (the folders in public/). */
const BUNDLED = [
  '/data/mnist-10k.bin',
  '/weights/mnist_convnet.safetensors',
  '/weights/small_resnet.safetensors',
  '/images/camera.png',
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon.svg',
];
/** How long the page may take from the network before the cached one is shown. */
const PAGE_WAIT_MS = 4000;

/** The same-origin files a page names in its `href` and `src` attributes and its scripts' imports. */
function named(html) {
  const urls = new Set();
  for (const [, url] of html.matchAll(/(?:href|src|from|module_or_path:)\s*=?\s*['"](\/[^'"]+)['"]/g)) urls.add(url);
  return [...urls];
}

/** Caches `page` (a response from the network) and what it names; drops what older pages named. */
async function keep(page) {
  const cache = await caches.open(CACHE);
  const html = await page.clone().text();
  const wanted = new Set([PAGE, ...named(html), ...BUNDLED]);
  await cache.put(PAGE, page);
  for (const url of wanted) {
    if (url !== PAGE && !(await cache.match(url))) {
      const response = await fetch(url, { cache: 'no-cache' });
      if (response.ok) await cache.put(url, response);
    }
  }
  for (const request of await cache.keys()) {
    if (!wanted.has(new URL(request.url).pathname)) await cache.delete(request);
  }
}

/** The page: from the network (cached for later), else from the cache. */
async function page(event) {
  const cached = caches.open(CACHE).then((cache) => cache.match(PAGE));
  const network = fetch(event.request);
  // Caching the page must never stand between it and the browser: a failure here is only a
  // page not kept for offline use.
  network
    .then((response) => {
      if (!response.ok) return;
      const kept = keep(response.clone()).catch(() => {});
      try {
        event.waitUntil(kept);
      } catch {
        // Past the event's lifetime: the caching goes on without holding the worker awake.
      }
    })
    .catch(() => {});
  const slow = new Promise((late) => setTimeout(late, PAGE_WAIT_MS));
  const first = await Promise.race([network.catch(() => null), slow.then(() => null)]);
  return first ?? (await cached) ?? network;
}

self.addEventListener('install', (event) => {
  self.skipWaiting();
  event.waitUntil(fetch(PAGE, { cache: 'no-cache' }).then((response) => (response.ok ? keep(response) : undefined)));
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(event));
    return;
  }
  event.respondWith(
    caches.match(url.pathname).then((hit) => hit ?? fetch(request)),
  );
});
