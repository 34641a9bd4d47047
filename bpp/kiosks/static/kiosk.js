// Kiosk counter (/kiosk/): a Jan Seva Kendra operator books for a walk-in citizen in three screens — 1 the service
// and the place, 2 the fee and the time, 3 the citizen and her cash — prints her receipt, and reads the kiosk's
// statement. It talks to /staff/api/login and the kiosk API (/staff/api/kiosk/...). Hindi first, English with a tap.
"use strict";

const API = "/staff/api";
const LANG_KEY = "sevamitra.kiosk.lang";
const SESSION_KEY = "sevamitra.kiosk.session";
const SCREENS = ["service", "slot", "citizen"];
// where each field the booking API may name is entered (an error there brings its screen back)
const FIELD_SCREEN = {
  pincode: "service", address: "service", item_id: "service", point: "service",
  slot: "slot", name: "citizen", phone: "citizen", language: "citizen", cash_taken: "citizen",
};

const TEXT = {
  "app.title": { hi: "सेवा मित्र — कियोस्क काउंटर", en: "Seva Mitra — kiosk counter" },
  "login.title": { hi: "कियोस्क लॉग इन", en: "Kiosk log in" },
  "login.username": { hi: "उपयोगकर्ता नाम", en: "Username" },
  "login.password": { hi: "पासवर्ड", en: "Password" },
  "login.submit": { hi: "लॉग इन करें", en: "Log in" },
  "login.not_kiosk": {
    hi: "यह पेज कियोस्क संचालकों के लिए है। सेवा मित्र स्टाफ़ /staff/ पर लॉग इन करें।",
    en: "This page is for kiosk operators. Seva Mitra staff log in at /staff/.",
  },
  "logout": { hi: "लॉग आउट", en: "Log out" },
  "logged_out": { hi: "आप लॉग आउट हो गए।", en: "You have logged out." },
  "refresh": { hi: "ताज़ा करें", en: "Refresh" },
  "empty": { hi: "अभी कुछ नहीं है।", en: "Nothing here yet." },
  "kiosk.district": { hi: "ज़िला", en: "District" },
  "kiosk.commission": { hi: "हर पूरी बुकिंग पर कमीशन", en: "Commission per completed booking" },
  "kiosk.cash_due": { hi: "सेवा मित्र को जमा करना है", en: "To deposit with Seva Mitra" },
  "kiosk.owed_to_you": { hi: "सेवा मित्र आपको देगा: ₹{amount}", en: "Seva Mitra owes you ₹{amount}" },
  "tab.book": { hi: "नई बुकिंग", en: "New booking" },
  "tab.statement": { hi: "खाता विवरण", en: "Statement" },
  "book.title": { hi: "काउंटर पर आए नागरिक की बुकिंग", en: "Booking for a walk-in citizen" },
  "book.screen_service": { hi: "1. सेवा और पता", en: "1. Service and address" },
  "book.screen_slot": { hi: "2. शुल्क और समय", en: "2. Fee and time" },
  "book.screen_citizen": { hi: "3. नागरिक और भुगतान", en: "3. Citizen and payment" },
  "book.pincode": { hi: "पिनकोड", en: "Pincode" },
  "book.address": { hi: "पूरा पता (मकान, गली, मोहल्ला)", en: "Full address (house, street, area)" },
  "book.service_query": { hi: "सेवा का नाम लिखें (हिंदी या अंग्रेज़ी)", en: "Type the service (Hindi or English)" },
  "book.type_service": { hi: "सेवा का नाम लिखते ही मिलती सेवाएँ यहाँ दिखेंगी।", en: "Matching services show here as you type." },
  "book.no_service": { hi: "इस नाम की कोई सेवा नहीं मिली; दूसरा शब्द आज़माएँ।", en: "No service by that name; try another word." },
  "book.choose_service": { hi: "कोई सेवा चुनें।", en: "Choose a service." },
  "book.district": { hi: "ज़िला: {district}", en: "District: {district}" },
  "book.to_quote": { hi: "शुल्क और समय देखें →", en: "See fee and times →" },
  "book.to_citizen": { hi: "आगे →", en: "Next →" },
  "book.back": { hi: "← पीछे", en: "← Back" },
  "book.fixed_fee": { hi: "तय शुल्क:", en: "Fixed fee:" },
  "book.tax": { hi: "GST", en: "GST" },
  "book.pay_note": {
    hi: "नागरिक से यही राशि अभी नकद लें; कर्मी घर पर कोई पैसा नहीं लेगा।",
    en: "Take exactly this from the citizen in cash now; the worker takes no money at the door.",
  },
  "book.time": { hi: "समय", en: "Time" },
  "book.now": { hi: "अभी — सबसे जल्दी {time}", en: "Now — earliest {time}" },
  "book.name": { hi: "नागरिक का नाम", en: "Citizen's name" },
  "book.phone": { hi: "मोबाइल नंबर (10 अंक)", en: "Mobile number (10 digits)" },
  "book.language": { hi: "SMS की भाषा", en: "SMS language" },
  "book.cash_taken": { hi: "मैंने नागरिक से ₹{total} नकद ले लिए हैं", en: "I have taken ₹{total} in cash from the citizen" },
  "book.cash_needed": { hi: "पहले शुल्क नकद लें, फिर निशान लगाएँ।", en: "Take the fee in cash first, then tick this." },
  "book.submit": { hi: "बुक करें और रसीद दें", en: "Book and give the receipt" },
  "book.booked": { hi: "बुकिंग {id} हो गई (₹{total}); {phone} पर SMS भेजा गया।", en: "Booked {id} (₹{total}); an SMS goes to {phone}." },
  "receipt.title": { hi: "सेवा मित्र — रसीद", en: "Seva Mitra — receipt" },
  "receipt.order": { hi: "ऑर्डर संख्या", en: "Order number" },
  "receipt.service": { hi: "सेवा", en: "Service" },
  "receipt.fee": { hi: "शुल्क (नकद, कियोस्क पर)", en: "Fee (cash, at the kiosk)" },
  "receipt.booked_at": { hi: "बुकिंग की तारीख", en: "Booked on" },
  "receipt.slot": { hi: "कर्मी का समय", en: "Worker's time" },
  "receipt.citizen": { hi: "नागरिक", en: "Citizen" },
  "receipt.address": { hi: "पता", en: "Address" },
  "receipt.note": {
    hi: "कर्मी का नाम और OTP SMS से आएगा। शुल्क दे दिया गया है: कर्मी को कोई पैसा न दें। हेल्पलाइन {helpline}",
    en: "The worker's name and the OTP come by SMS. The fee is paid: give the worker no money. Helpline {helpline}",
  },
  "receipt.print": { hi: "रसीद छापें", en: "Print receipt" },
  "receipt.next": { hi: "अगला नागरिक", en: "Next citizen" },
  "statement.title": { hi: "कियोस्क का खाता", en: "The kiosk's account" },
  "statement.period": { hi: "अवधि", en: "Period" },
  "statement.days7": { hi: "पिछले 7 दिन", en: "Last 7 days" },
  "statement.days30": { hi: "पिछले 30 दिन", en: "Last 30 days" },
  "statement.days90": { hi: "पिछले 90 दिन", en: "Last 90 days" },
  "statement.opening": { hi: "अवधि से पहले बकाया", en: "Due before the period" },
  "statement.bookings": { hi: "बुकिंग", en: "Bookings" },
  "statement.collected": { hi: "लिया गया शुल्क", en: "Fees taken" },
  "statement.earned": { hi: "कमाया कमीशन", en: "Commission earned" },
  "statement.refunded": { hi: "नागरिकों को लौटाया", en: "Returned to citizens" },
  "statement.deposited": { hi: "जमा किया", en: "Deposited" },
  "statement.cash_due": { hi: "अब जमा करना है", en: "To deposit now" },
  "statement.when": { hi: "कब", en: "When" },
  "statement.what": { hi: "क्या", en: "What" },
  "statement.order": { hi: "ऑर्डर", en: "Order" },
  "statement.change": { hi: "राशि", en: "Amount" },
  "statement.commission": { hi: "कमीशन", en: "Commission" },
  "statement.due_after": { hi: "बकाया", en: "Due" },
  "statement.receipt": { hi: "रसीद", en: "Receipt" },
  "kind.kiosk_collection": { hi: "बुकिंग का शुल्क लिया", en: "Fee taken for a booking" },
  "kind.completion": { hi: "बुकिंग पूरी: आपका कमीशन", en: "Booking completed: your commission" },
  "kind.cancellation": { hi: "बुकिंग रद्द: नागरिक को लौटाया", en: "Booking cancelled: returned to the citizen" },
  "kind.cancellation_fee_refund": { hi: "रद्दीकरण शुल्क नागरिक को लौटाया", en: "Cancellation fee returned to the citizen" },
  "kind.kiosk_deposit": { hi: "सेवा मित्र में जमा (पर्ची {receipt})", en: "Deposited with Seva Mitra (slip {receipt})" },
  "error.fields": { hi: "कुछ फ़ील्ड गलत हैं; उन्हें ठीक करके फिर भेजें।", en: "Some fields are wrong; correct them and send again." },
  "error.network": { hi: "सर्वर से संपर्क नहीं हो सका। इंटरनेट जाँचें और फिर कोशिश करें।", en: "Could not reach the server. Check the connection and try again." },
  "error.server": { hi: "सर्वर में गड़बड़ी हुई। थोड़ी देर बाद फिर कोशिश करें।", en: "The server had a problem. Try again in a little while." },
  "error.unknown": { hi: "कुछ गलत हो गया। फिर कोशिश करें।", en: "Something went wrong. Try again." },
};

const state = {
  lang: localStorage.getItem(LANG_KEY) === "en" ? "en" : "hi",
  session: readSession(),
  tab: "book",
  kiosk: null,
  screen: "service",
  area: null,
  found: [],
  item: null,
  quote: null,
  receipt: null,
  statement: null,
  messages: {},
  searchTimer: null,
};

// ---- small helpers ------------------------------------------------------------------------------

function readSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

function fill(template, vars) {
  return Object.entries(vars).reduce((text, [name, value]) => text.replaceAll(`{${name}}`, String(value)), template);
}

function t(key, vars = {}) {
  const entry = TEXT[key];
  return entry ? fill(entry[state.lang], vars) : key;
}

function both(key, vars = {}) {
  return { hi: fill(TEXT[key].hi, vars), en: fill(TEXT[key].en, vars) };
}

function pick(pair) {
  return (pair && (pair[state.lang] || pair.en || pair.hi)) || "";
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

function byId(id) {
  return document.getElementById(id);
}

function formatTime(value) {
  if (!value) return "—";
  const locale = state.lang === "hi" ? "hi-IN" : "en-IN";
  return new Date(value).toLocaleString(locale, { timeZone: "Asia/Kolkata", dateStyle: "medium", timeStyle: "short" });
}

function form() {
  return byId("book-form");
}

function value(name) {
  return form().elements[name].value.trim();
}

// ---- the API ------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.problem = problemFrom(status, body);
  }
}

/** What went wrong, in both languages: every wrong field of a 422, or the refusal's own words. */
function problemFrom(status, body) {
  const detail = body ? body.detail : null;
  const errors = ((body && body.errors) || []).map((raw) => ({ field: raw.field || "", en: raw.en || raw.error || "", hi: raw.hi || raw.en || "" }));
  if (detail && detail.field) errors.push({ field: detail.field, en: detail.en || "", hi: detail.hi || detail.en || "" });
  let message;
  if (detail && (detail.en || detail.hi)) message = { en: detail.en || detail.hi, hi: detail.hi || detail.en };
  else if (status === 0) message = TEXT["error.network"];
  else if (status >= 500) message = TEXT["error.server"];
  else message = TEXT["error.unknown"];
  return { tone: "error", ...message, errors };
}

async function api(method, path, json) {
  const headers = state.session ? { Authorization: `Bearer ${state.session.token}` } : {};
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(API + path, { method, headers, body });
  } catch {
    throw new ApiError(0, null);
  }
  const raw = await response.text();
  if (response.ok) return raw ? JSON.parse(raw) : null;
  let parsed = null;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = null;
  }
  const error = new ApiError(response.status, parsed);
  if (response.status === 401 && state.session) {
    error.endedSession = true;
    endSession(error.problem);
  }
  throw error;
}

/** Run one user action with its button disabled; a failure is shown in `slot` (and brings back its field's screen). */
async function act(slot, work, button) {
  if (button) button.disabled = true;
  say(slot, null);
  try {
    await work();
  } catch (error) {
    if (error.endedSession) return;
    if (!(error instanceof ApiError)) console.error(error);
    const problem = error instanceof ApiError ? error.problem : { tone: "error", ...TEXT["error.unknown"], errors: [] };
    if (slot === "book") backToScreenOf(problem);
    say(slot, problem);
  } finally {
    if (button) button.disabled = false;
  }
}

// ---- messages ------------------------------------------------------------------------------------

function say(slot, message) {
  state.messages[slot] = message;
  renderMessage(slot);
}

function renderMessage(slot) {
  const box = document.querySelector(`[data-msg="${slot}"]`);
  if (!box) return;
  const message = state.messages[slot];
  const target = box.dataset.form ? byId(box.dataset.form) : null;
  if (target) {
    target.querySelectorAll("[data-error-for]").forEach((node) => { node.textContent = ""; });
    target.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
  }
  box.replaceChildren();
  box.className = "msg";
  box.hidden = !message;
  if (!message) return;
  box.classList.add(`msg-${message.tone}`);
  box.append(el("p", { text: pick(message) }));
  const unplaced = [];
  for (const error of message.errors || []) {
    const name = error.field.split(".")[0];
    const spot = target && name ? target.querySelector(`[data-error-for="${CSS.escape(name)}"]`) : null;
    if (!spot) {
      unplaced.push(error);
      continue;
    }
    spot.textContent = `${spot.textContent} ${pick(error)}`.trim();
    const input = spot.parentElement.querySelector("input, select, textarea");
    if (input) input.setAttribute("aria-invalid", "true");
  }
  if (unplaced.length) box.append(el("ul", {}, unplaced.map((error) => el("li", { text: pick(error) }))));
}

// ---- log in and out ------------------------------------------------------------------------------

async function logIn(event) {
  event.preventDefault();
  const login = event.target;
  await act("login", async () => {
    const answer = await api("POST", "/login", { username: login.username.value.trim(), password: login.password.value });
    if (answer.role !== "kiosk_operator") {
      say("login", { tone: "error", ...both("login.not_kiosk"), errors: [] });
      return;
    }
    state.session = answer;
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(answer));
    login.password.value = "";
    renderAll();
    await loadKiosk();
  }, byId("login-submit"));
}

function endSession(message) {
  sessionStorage.removeItem(SESSION_KEY);
  Object.assign(state, { session: null, kiosk: null, statement: null, receipt: null, messages: {} });
  resetBooking();
  renderAll();
  say("login", message);
}

async function loadKiosk() {
  await act("book", async () => {
    state.kiosk = await api("GET", "/kiosk");
    renderKiosk();
  });
}

// ---- screen 1: the service and the place -----------------------------------------------------------

async function lookUpPincode() {
  const pincode = value("pincode");
  state.area = null;
  renderBooking();
  if (!pincode) return;
  state.area = await api("GET", `/kiosk/places/${encodeURIComponent(pincode)}`);
  renderBooking();
}

async function searchServices() {
  const query = value("service_query");
  state.found = query ? await api("GET", `/kiosk/services?q=${encodeURIComponent(query)}`) : [];
  if (state.item && !state.found.some((item) => item.id === state.item.id)) state.item = null;
  if (!state.item && state.found.length === 1) state.item = state.found[0];
  renderBooking();
}

function queueServiceSearch() {
  clearTimeout(state.searchTimer);
  state.searchTimer = setTimeout(() => act("book", searchServices), 250);
}

async function toQuote(button) {
  await act("book", async () => {
    if (!state.item) {
      say("book", { tone: "error", ...both("book.choose_service"), errors: [{ field: "item_id", ...both("book.choose_service") }] });
      return;
    }
    state.quote = await api("POST", "/kiosk/quotes", { item_id: state.item.id, pincode: value("pincode") });
    showScreen("slot");
  }, button);
}

// ---- screen 3: the citizen, her cash, the booking ----------------------------------------------------

async function book(event) {
  event.preventDefault();
  if (state.screen !== "citizen") return;
  const chosen = form().querySelector("#book-slots input:checked");
  await act("book", async () => {
    if (!form().elements.cash_taken.checked) {
      say("book", { tone: "error", ...both("book.cash_needed"), errors: [{ field: "cash_taken", ...both("book.cash_needed") }] });
      return;
    }
    const answer = await api("POST", "/kiosk/orders", {
      item_id: state.item ? state.item.id : "", name: value("name"), phone: value("phone"), address: value("address"),
      pincode: value("pincode"), slot: chosen ? chosen.value : "now", language: value("language"),
    });
    state.receipt = answer.receipt;
    say("book", { tone: "ok", ...both("book.booked", { id: answer.order.id, total: answer.order.total, phone: value("phone") }), errors: [] });
    resetBooking();
    renderAll();
    byId("receipt").scrollIntoView({ block: "nearest" });
    await loadKiosk();
  }, byId("book-submit"));
}

function showScreen(screen) {
  state.screen = screen;
  renderBooking();
  const first = form().querySelector(`[data-screen="${screen}"] input, [data-screen="${screen}"] textarea`);
  if (first) first.focus();
}

function backToScreenOf(problem) {
  const screens = problem.errors.map((wrong) => FIELD_SCREEN[wrong.field.split(".")[0]]).filter(Boolean);
  const earliest = SCREENS.find((screen) => screens.includes(screen));
  if (earliest && SCREENS.indexOf(earliest) < SCREENS.indexOf(state.screen)) {
    state.screen = earliest;
    renderBooking();
  }
}

function resetBooking() {
  form().reset();
  Object.assign(state, { screen: "service", area: null, found: [], item: null, quote: null });
}

// ---- the statement ---------------------------------------------------------------------------------

async function loadStatement() {
  await act("statement", async () => {
    [state.statement, state.kiosk] = await Promise.all([
      api("GET", `/kiosk/statement?days=${byId("statement-days").value}`), api("GET", "/kiosk"),
    ]);
    renderStatement();
    renderKiosk();
  }, byId("statement-refresh"));
}

async function showReceipt(orderId, button) {
  await act("statement", async () => {
    state.receipt = await api("GET", `/kiosk/orders/${encodeURIComponent(orderId)}/receipt`);
    renderReceipt();
    byId("receipt").scrollIntoView({ block: "nearest" });
  }, button);
}

// ---- drawing ---------------------------------------------------------------------------------------

function applyText() {
  document.documentElement.lang = state.lang;
  document.title = t("app.title");
  document.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
  byId("lang-hi").setAttribute("aria-pressed", String(state.lang === "hi"));
  byId("lang-en").setAttribute("aria-pressed", String(state.lang === "en"));
}

function renderAll() {
  applyText();
  const session = state.session;
  byId("login-screen").hidden = Boolean(session);
  byId("counter").hidden = !session;
  byId("who").hidden = !session;
  if (session) byId("who-name").textContent = session.display_name;
  document.querySelectorAll("[data-tab]").forEach((button) => button.setAttribute("aria-selected", String(button.dataset.tab === state.tab)));
  document.querySelectorAll(".tab-panel").forEach((panel) => { panel.hidden = panel.id !== `tab-${state.tab}`; });
  renderKiosk();
  renderBooking();
  renderStatement();
  renderReceipt();
  Object.keys(state.messages).forEach(renderMessage);
}

function renderKiosk() {
  const kiosk = state.kiosk;
  byId("kiosk-name").textContent = kiosk ? `${kiosk.name} · ${kiosk.id}` : "";
  byId("kiosk-district").textContent = kiosk ? kiosk.district_name : "";
  byId("kiosk-commission").textContent = kiosk ? `₹${kiosk.commission_per_booking}` : "";
  const due = byId("kiosk-due");
  const owed = kiosk && Number(kiosk.cash_due) < 0;
  due.textContent = !kiosk ? "" : owed ? t("kiosk.owed_to_you", { amount: kiosk.cash_due.replace("-", "") }) : `₹${kiosk.cash_due}`;
  due.classList.toggle("owed", Boolean(kiosk) && Number(kiosk.cash_due) > 0);
}

function renderBooking() {
  form().querySelectorAll("[data-screen]").forEach((screen) => { screen.hidden = screen.dataset.screen !== state.screen; });
  byId("book-steps").querySelectorAll("li").forEach((step) => step.classList.toggle("current", step.dataset.screen === state.screen));
  byId("book-district").textContent = state.area ? t("book.district", { district: state.area.district }) : "";
  const box = byId("book-services");
  if (!state.found.length) {
    box.replaceChildren(el("p", { class: "hint", text: t(value("service_query") ? "book.no_service" : "book.type_service") }));
  } else {
    box.replaceChildren(...state.found.map((item) => el("label", { class: "choice service-choice", "data-item-id": item.id },
      el("input", { type: "radio", name: "item_id", value: item.id, checked: state.item && state.item.id === item.id,
        onchange: () => { state.item = item; renderBooking(); } }), " ",
      el("span", { lang: "hi", class: "name-hi", text: item.name_hi }), " · ", el("span", { lang: "en", text: item.name_en }), " · ",
      el("strong", { text: `₹${item.total}` }))));
  }
  renderQuote();
  byId("book-cash-taken").textContent = state.quote ? t("book.cash_taken", { total: state.quote.total }) : "";
}

function renderQuote() {
  const quote = state.quote;
  const box = byId("book-quote");
  if (!quote) {
    box.replaceChildren();
    return;
  }
  const name = pick({ hi: quote.item.name_hi, en: quote.item.name_en });
  const lines = quote.lines.map((line) => `${line.title === "tax" ? t("book.tax") : name}: ₹${line.amount}`).join(" + ");
  const checked = form().querySelector("#book-slots input:checked");
  const slots = quote.slots.map((slot, index) => {
    const slotValue = index === 0 ? "now" : slot.start;
    return el("label", { class: "choice" },
      el("input", { type: "radio", name: "slot", value: slotValue, checked: checked ? checked.value === slotValue : index === 0 }), " ",
      index === 0 ? t("book.now", { time: formatTime(slot.start) }) : formatTime(slot.start));
  });
  box.replaceChildren(
    el("p", { class: "fee-line" }, el("span", { text: t("book.fixed_fee") }), " ",
      el("strong", { id: "book-total", text: `₹${quote.total}` }), el("small", { text: ` (${lines})` })),
    el("p", { class: "hint", text: t("book.pay_note") }),
    el("fieldset", {}, el("legend", { text: t("book.time") }), el("div", { class: "choices", id: "book-slots" }, slots),
      el("small", { class: "field-error", "data-error-for": "slot" })));
}

/** Rupees as the API writes them ("-10.00"), with the rupee sign after a minus. */
function money(amount) {
  return amount.startsWith("-") ? `−₹${amount.slice(1)}` : `₹${amount}`;
}

function renderStatement() {
  const shown = state.statement;
  const totals = byId("statement-totals");
  const tbody = byId("statement-table").tBodies[0];
  if (!shown) {
    totals.replaceChildren();
    tbody.replaceChildren();
    return;
  }
  totals.replaceChildren(...[
    ["statement.opening", money(shown.opening_due)], ["statement.bookings", String(shown.bookings)],
    ["statement.collected", money(shown.collected)], ["statement.earned", money(shown.commission)],
    ["statement.refunded", money(shown.refunded)], ["statement.deposited", money(shown.deposited)],
    ["statement.cash_due", money(shown.cash_due)],
  ].flatMap(([key, text]) => [el("dt", { text: t(key) }), el("dd", { id: `total-${key.split(".")[1]}`, text })]));
  const lines = [...shown.lines].reverse();  // newest first
  tbody.replaceChildren(...(lines.length ? lines.map((line) => el("tr", { "data-kind": line.kind },
    el("td", { text: formatTime(line.at) }),
    el("td", { text: t(`kind.${line.kind}`, { receipt: line.receipt || "" }) }),
    el("td", {}, line.order_id ? el("code", { text: line.order_id }) : "—", " ",
      line.kind === "kiosk_collection" ? el("button", { type: "button", class: "secondary", text: t("statement.receipt"),
        onclick: (event) => showReceipt(line.order_id, event.currentTarget) }) : null),
    el("td", { class: "num", text: money(line.change) }),
    el("td", { class: "num", text: line.commission === "0.00" ? "—" : money(line.commission) }),
    el("td", { class: "num", text: money(line.due_after) })))
    : [el("tr", {}, el("td", { colspan: 6, class: "empty", text: t("empty") }))]));
}

function renderReceipt() {
  const receipt = state.receipt;
  byId("receipt").hidden = !receipt;
  if (!receipt) return;
  byId("receipt-kiosk").textContent = `${receipt.kiosk.name} · ${receipt.kiosk.id} · ${receipt.kiosk.district_name}`;
  byId("receipt-facts").replaceChildren(...[
    ["receipt.order", receipt.order_id, "receipt-order"],
    ["receipt.service", `${receipt.item.name_hi} / ${receipt.item.name_en}`, "receipt-service"],
    ["receipt.fee", money(receipt.fee), "receipt-fee"],
    ["receipt.booked_at", formatTime(receipt.booked_at), "receipt-date"],
    ["receipt.slot", receipt.slot ? formatTime(receipt.slot.start) : "—", "receipt-slot"],
    ["receipt.citizen", receipt.customer_name, "receipt-citizen"],
    ["receipt.address", `${receipt.address} ${receipt.pincode}`, "receipt-address"],
  ].flatMap(([key, text, id]) => [el("dt", { text: t(key) }), el("dd", { id, text })]));
  byId("receipt-note").textContent = t("receipt.note", { helpline: receipt.helpline });
}

// ---- start -----------------------------------------------------------------------------------------

function setLanguage(lang) {
  state.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  renderAll();
}

function showTab(name) {
  state.tab = name;
  renderAll();
  if (name === "statement") loadStatement();
}

function start() {
  byId("lang-hi").addEventListener("click", () => setLanguage("hi"));
  byId("lang-en").addEventListener("click", () => setLanguage("en"));
  byId("logout").addEventListener("click", () => endSession({ tone: "ok", ...TEXT.logged_out, errors: [] }));
  byId("login-form").addEventListener("submit", logIn);
  document.querySelectorAll("[data-tab]").forEach((button) => button.addEventListener("click", () => showTab(button.dataset.tab)));
  const booking = form();
  booking.addEventListener("submit", book);
  booking.elements.pincode.addEventListener("change", () => act("book", lookUpPincode));
  booking.elements.service_query.addEventListener("input", queueServiceSearch);
  byId("book-to-quote").addEventListener("click", (event) => toQuote(event.currentTarget));
  byId("book-to-citizen").addEventListener("click", () => showScreen("citizen"));
  booking.querySelectorAll("[data-back]").forEach((button) => button.addEventListener("click", () => showScreen(button.dataset.back)));
  byId("statement-days").addEventListener("change", loadStatement);
  byId("statement-refresh").addEventListener("click", loadStatement);
  byId("receipt-print").addEventListener("click", () => window.print());
  byId("receipt-close").addEventListener("click", () => {
    state.receipt = null;
    say("book", null);
    renderReceipt();
    showTab("book");
  });
  renderAll();
  if (state.session) loadKiosk();
}

document.addEventListener("DOMContentLoaded", start);
