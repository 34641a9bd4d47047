// Seva Mitra worker app's service worker: keeps the app shell so the installed app opens without a network.
// The shell is fetched from the network first (a new version arrives at once), from the cache when the network fails
// or is too slow. The worker API is never cached: the app keeps its last job and its unsent steps itself.
"use strict";

const CACHE = "sevamitra-worker-shell-v1";
const SHELL = [
  "/worker/",
  "/worker/static/app.js",
  "/worker/static/app.css",
  "/worker/static/app.webmanifest",
  "/worker/static/icon-192.png",
  "/worker/static/icon-512.png",
  "/worker/static/icon-maskable-512.png",
  "/worker/categories.json",
];
const NETWORK_WAIT_MS = 4000; // on a poor connection, the cached shell after this long

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !SHELL.includes(url.pathname)) return;
  event.respondWith(shellFile(event, url.pathname));
});

async function shellFile(event, path) {
  const cache = await caches.open(CACHE);
  const fromNetwork = fetch(event.request).then(async (response) => {
    if (response.ok) await cache.put(path, response.clone());
    return response;
  });
  event.waitUntil(fromNetwork.catch(() => undefined)); // a late answer still refreshes the cache
  const tooSlow = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS));
  try {
    const response = await Promise.race([fromNetwork, tooSlow]);
    if (response) return response;
  } catch (_) {
    // no network: the cached copy below
  }
  const cached = await cache.match(path);
  return cached || fromNetwork;
}
