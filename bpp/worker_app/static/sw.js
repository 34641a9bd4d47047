// Seva Mitra worker app's service worker: keeps the app shell so the installed app opens without a network.
// The shell is fetched from the network first (a new version arrives at once), from the cache when the network fails
// or is too slow. The worker API is never cached: the app keeps its last job and its unsent steps itself.
// It also shows each offer pushed while the app is closed (Web Push, bpp/workforce/offer_alerts.py) as a notification
// with Accept and Decline; a tap opens the app on that offer, which sends the answer with its own login.
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

// ---- offers pushed while the app is closed ----------------------------------------------------------
const OFFER_VIBRATION = [400, 150, 400, 150, 400]; // long enough to notice in a pocket

self.addEventListener("push", (event) => {
  let offer = null;
  try {
    offer = event.data ? event.data.json() : null;
  } catch (_) {
    // not ours: nothing to show
  }
  if (!offer || offer.type !== "offer") return;
  event.waitUntil(self.registration.showNotification(
    `नया काम: ${offer.service.hi} · New job: ${offer.service.en}`,
    {
      body: `${offer.distance_km} किमी दूर · तय शुल्क ₹${offer.fee}\n${offer.distance_km} km away · fixed fee ₹${offer.fee}`,
      tag: `offer-${offer.offer_id}`, // a repeat of the same offer replaces its notification
      renotify: true,
      requireInteraction: true, // stays until she answers: the offer is open for only a minute
      vibrate: OFFER_VIBRATION,
      icon: "/worker/static/icon-192.png",
      lang: "hi",
      timestamp: Date.now(),
      data: { offerId: offer.offer_id, expiresAt: offer.expires_at },
      actions: [
        { action: "accept", title: "स्वीकार करें · Accept" },
        { action: "decline", title: "मना करें · Decline" },
      ],
    },
  ));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const { offerId } = event.notification.data || {};
  if (offerId === undefined) return;
  const answer = event.action === "accept" || event.action === "decline" ? event.action : "";
  event.waitUntil(openOffer(offerId, answer));
});

async function openOffer(offerId, answer) {
  // An open app is brought forward and told; otherwise the app opens on the offer (the answer in its address).
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const app = windows.find((client) => new URL(client.url).pathname.startsWith("/worker/"));
  if (app) {
    app.postMessage({ type: "open-offer", offerId, answer });
    await app.focus();
    return;
  }
  await self.clients.openWindow(`/worker/#offer=${offerId}${answer ? `&answer=${answer}` : ""}`);
}
