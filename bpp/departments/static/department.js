// Department officers' page (/department/): the requesting officer asks for workers (a work order) and books them
// once approved; the approving officer approves or rejects; both follow each visit and read the monthly invoices.
// It talks to /staff/api/login and the department API (/department/api/...). Hindi first, English with a tap.
"use strict";

const LOGIN = "/staff/api/login";
const API = "/department/api";
const LANG_KEY = "sevamitra.department.lang";
const SESSION_KEY = "sevamitra.department.session";
const REQUESTER = "department_requester";
const APPROVER = "department_approver";

const TEXT = {
  "app.title": { hi: "सेवा मित्र — सरकारी विभाग", en: "Seva Mitra — government departments" },
  "login.title": { hi: "विभाग अधिकारी लॉग इन", en: "Department officer log in" },
  "login.username": { hi: "उपयोगकर्ता नाम", en: "Username" },
  "login.password": { hi: "पासवर्ड", en: "Password" },
  "login.submit": { hi: "लॉग इन करें", en: "Log in" },
  "login.not_officer": {
    hi: "यह पेज सरकारी विभागों के अधिकारियों के लिए है। सेवा मित्र स्टाफ़ /staff/ पर लॉग इन करें।",
    en: "This page is for government departments' officers. Seva Mitra staff log in at /staff/.",
  },
  "logout": { hi: "लॉग आउट", en: "Log out" },
  "logged_out": { hi: "आप लॉग आउट हो गए।", en: "You have logged out." },
  "refresh": { hi: "ताज़ा करें", en: "Refresh" },
  "actions": { hi: "कार्रवाई", en: "Actions" },
  "empty": { hi: "अभी कुछ नहीं है।", en: "Nothing here yet." },
  "role.department_requester": { hi: "माँगने वाले अधिकारी", en: "Requesting officer" },
  "role.department_approver": { hi: "स्वीकृति देने वाले अधिकारी", en: "Approving officer" },
  "account.department": { hi: "विभाग", en: "Department" },
  "account.gstin": { hi: "GSTIN · DDO कोड", en: "GSTIN · DDO code" },
  "account.unbilled": { hi: "पूरी विज़िट, बिल बाकी", en: "Visits done, not yet invoiced" },
  "account.receivable": { hi: "बिलों का बकाया", en: "Invoices unpaid" },
  "tab.orders": { hi: "कार्यादेश", en: "Work orders" },
  "tab.new": { hi: "नया कार्यादेश", en: "New work order" },
  "tab.invoices": { hi: "मासिक बिल", en: "Monthly invoices" },
  "orders.title": { hi: "विभाग के कार्यादेश", en: "The department's work orders" },
  "orders.hint_requester": {
    hi: "स्वीकृति देने वाले अधिकारी की स्वीकृति के बाद “कर्मी बुक करें” दबाएँ: हर कर्मी और हर दिन की एक विज़िट बनती है।",
    en: "Once the approving officer approves, press “Book workers”: one visit is made for each worker and day.",
  },
  "orders.hint_approver": {
    hi: "स्वीकृति की प्रतीक्षा वाले कार्यादेश खोलें और स्वीकृत या कारण सहित अस्वीकार करें। स्वीकृति से पहले कोई कर्मी बुक नहीं होता।",
    en: "Open the work orders awaiting approval and approve them, or reject them with a reason. No worker is booked before approval.",
  },
  "orders.number": { hi: "संख्या", en: "Number" },
  "orders.service": { hi: "सेवा", en: "Service" },
  "orders.size": { hi: "कर्मी × दिन", en: "Workers × days" },
  "orders.days": { hi: "दिन", en: "Days" },
  "orders.estimate": { hi: "अनुमानित राशि", en: "Estimate" },
  "orders.status": { hi: "स्थिति", en: "Status" },
  "orders.open": { hi: "खोलें", en: "Open" },
  "status.awaiting_approval": { hi: "स्वीकृति की प्रतीक्षा", en: "Awaiting approval" },
  "status.approved": { hi: "स्वीकृत — बुक करना बाकी", en: "Approved — to be booked" },
  "status.booked": { hi: "बुक", en: "Booked" },
  "status.rejected": { hi: "अस्वीकृत", en: "Rejected" },
  "status.withdrawn": { hi: "वापस लिया", en: "Withdrawn" },
  "order.title": { hi: "कार्यादेश {number}", en: "Work order {number}" },
  "order.site": { hi: "कार्यालय", en: "Office" },
  "order.contact": { hi: "संपर्क (OTP इन्हें SMS से)", en: "Contact (gets the OTP by SMS)" },
  "order.start": { hi: "रोज़ पहुँचने का समय", en: "Arrival each day" },
  "order.purpose": { hi: "उद्देश्य", en: "Purpose" },
  "order.requested": { hi: "माँगा", en: "Asked by" },
  "order.approval": { hi: "स्वीकृति", en: "Approved by" },
  "order.closing": { hi: "अस्वीकृत / वापस", en: "Rejected / withdrawn by" },
  "order.progress": { hi: "पूरी विज़िट", en: "Visits completed" },
  "order.approve": { hi: "स्वीकृत करें", en: "Approve" },
  "order.reject": { hi: "अस्वीकार करें", en: "Reject" },
  "order.reason": { hi: "अस्वीकार करने का कारण", en: "Reason for rejecting" },
  "order.book": { hi: "कर्मी बुक करें", en: "Book workers" },
  "order.withdraw": { hi: "वापस लें", en: "Withdraw" },
  "order.approved": { hi: "कार्यादेश {number} स्वीकृत हुआ। माँगने वाले अधिकारी अब कर्मी बुक कर सकते हैं।", en: "Work order {number} is approved. The requesting officer can now book the workers." },
  "order.rejected": { hi: "कार्यादेश {number} अस्वीकृत हुआ।", en: "Work order {number} is rejected." },
  "order.withdrawn": { hi: "कार्यादेश {number} वापस लिया गया।", en: "Work order {number} is withdrawn." },
  "order.booked": { hi: "{count} विज़िट बुक हुईं; हर दिन की विज़िट अलग-अलग सत्यापित कर्मियों को दी जाती हैं।", en: "{count} visits booked; each day's visits go to different verified workers." },
  "order.visits": { hi: "विज़िट", en: "Visits" },
  "visit.day": { hi: "दिन", en: "Day" },
  "visit.place": { hi: "कर्मी क्र.", en: "Worker no." },
  "visit.order": { hi: "ऑर्डर", en: "Order" },
  "visit.status": { hi: "स्थिति", en: "Status" },
  "visit.worker": { hi: "कर्मी", en: "Worker" },
  "visit.Created": { hi: "बना", en: "Created" },
  "visit.Accepted": { hi: "कर्मी की प्रतीक्षा / तय", en: "Waiting for / with a worker" },
  "visit.In-progress": { hi: "काम जारी", en: "In progress" },
  "visit.Completed": { hi: "पूरा", en: "Completed" },
  "visit.Cancelled": { hi: "रद्द", en: "Cancelled" },
  "new.title": { hi: "कर्मी माँगें (नया कार्यादेश)", en: "Ask for workers (new work order)" },
  "new.hint": {
    hi: "कार्यादेश स्वीकृति देने वाले अधिकारी के पास जाता है। विज़िट पर कोई भुगतान नहीं: हर महीने का एक GST बिल विभाग को आता है।",
    en: "The work order goes to the approving officer. Nothing is paid at the visit: the department gets one GST invoice a month.",
  },
  "new.service": { hi: "सेवा", en: "Service" },
  "new.service_option": { hi: "{name} — ₹{total} प्रति विज़िट (GST सहित), {opens}–{closes}", en: "{name} — ₹{total} a visit (with GST), {opens}–{closes}" },
  "new.workers": { hi: "कितने कर्मी", en: "How many workers" },
  "new.first_day": { hi: "पहला दिन", en: "First day" },
  "new.day_count": { hi: "लगातार कितने दिन", en: "How many days in a row" },
  "new.start": { hi: "रोज़ पहुँचने का समय", en: "Arrival time each day" },
  "new.address": { hi: "कार्यालय का पूरा पता", en: "The office's full address" },
  "new.pincode": { hi: "पिनकोड", en: "Pincode" },
  "new.contact_name": { hi: "कार्यालय में संपर्क व्यक्ति", en: "Contact at the office" },
  "new.contact_phone": { hi: "संपर्क का मोबाइल (10 अंक; OTP इसी पर)", en: "Contact's mobile (10 digits; gets the OTP)" },
  "new.purpose": { hi: "उद्देश्य (वैकल्पिक)", en: "Purpose (optional)" },
  "new.estimate": { hi: "{visits} विज़िट × ₹{total} = लगभग ₹{sum}", en: "{visits} visits × ₹{total} = about ₹{sum}" },
  "new.submit": { hi: "स्वीकृति के लिए भेजें", en: "Send for approval" },
  "new.sent": { hi: "कार्यादेश {number} स्वीकृति के लिए भेजा गया।", en: "Work order {number} was sent for approval." },
  "invoices.title": { hi: "विभाग के मासिक GST बिल", en: "The department's monthly GST invoices" },
  "invoices.hint": {
    hi: "हर महीने के अंत में एक बिल, उस महीने की सभी पूरी विज़िट के साथ। भुगतान कोषागार से होता है; सेवा मित्र उसे दर्ज करता है।",
    en: "One invoice at the end of each month with every visit completed in it. The treasury pays; Seva Mitra records it.",
  },
  "invoices.number": { hi: "बिल संख्या", en: "Invoice no." },
  "invoices.month": { hi: "महीना", en: "Month" },
  "invoices.visits": { hi: "विज़िट", en: "Visits" },
  "invoices.total": { hi: "कुल", en: "Total" },
  "invoices.outstanding": { hi: "बकाया", en: "Outstanding" },
  "invoices.print": { hi: "बिल देखें / छापें", en: "View / print" },
  "error.network": { hi: "सर्वर से संपर्क नहीं हो सका। इंटरनेट जाँचें और फिर कोशिश करें।", en: "Could not reach the server. Check the connection and try again." },
  "error.server": { hi: "सर्वर में गड़बड़ी हुई। थोड़ी देर बाद फिर कोशिश करें।", en: "The server had a problem. Try again in a little while." },
  "error.unknown": { hi: "कुछ गलत हो गया। फिर कोशिश करें।", en: "Something went wrong. Try again." },
};

const state = {
  lang: localStorage.getItem(LANG_KEY) === "en" ? "en" : "hi",
  session: readSession(),
  tab: "orders",
  me: null,
  services: [],
  orders: [],
  order: null,
  invoices: [],
  messages: {},
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

function ok(key, vars) {
  return { tone: "ok", ...both(key, vars), errors: [] };
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

function role() {
  return state.session ? state.session.role : null;
}

function rows(tbody, list, build, columns) {
  tbody.replaceChildren(...(list.length ? list.map(build) : [el("tr", {}, el("td", { colspan: columns, class: "empty", text: t("empty") }))]));
}

function formatDay(iso) {
  return new Date(`${iso}T00:00:00+05:30`).toLocaleDateString(state.lang === "hi" ? "hi-IN" : "en-IN", {
    timeZone: "Asia/Kolkata", day: "numeric", month: "short", year: "numeric",
  });
}

function formatTime(value) {
  return value ? new Date(value).toLocaleString(state.lang === "hi" ? "hi-IN" : "en-IN", {
    timeZone: "Asia/Kolkata", dateStyle: "medium", timeStyle: "short" }) : "—";
}

function serviceName(service) {
  return state.lang === "hi" ? service.name_hi : service.name_en;
}

// ---- the API ------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.problem = problemFrom(status, body);
  }
}

/** What went wrong, in both languages: every wrong field of a 422, or the refusal's own words (and its field). */
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

async function api(method, path, json, base = API) {
  const headers = state.session ? { Authorization: `Bearer ${state.session.token}` } : {};
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(base + path, { method, headers, body });
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

/** Run one user action with its button disabled; a failure is shown in `slot`. */
async function act(slot, work, button) {
  if (button) button.disabled = true;
  say(slot, null);
  try {
    await work();
  } catch (error) {
    if (error.endedSession) return;
    if (!(error instanceof ApiError)) console.error(error);
    say(slot, error instanceof ApiError ? error.problem : { tone: "error", ...TEXT["error.unknown"], errors: [] });
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
  if (unplaced.length) {
    box.append(el("ul", {}, unplaced.map((error) => el("li", { "data-field": error.field },
      error.field ? el("code", { text: error.field }) : null, " ", pick(error)))));
  }
}

// ---- log in and out ------------------------------------------------------------------------------

async function logIn(event) {
  event.preventDefault();
  const login = event.target;
  await act("login", async () => {
    const answer = await api("POST", "", { username: login.username.value.trim(), password: login.password.value }, LOGIN);
    if (![REQUESTER, APPROVER].includes(answer.role)) {
      say("login", { tone: "error", ...both("login.not_officer"), errors: [] });
      return;
    }
    state.session = answer;
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(answer));
    login.password.value = "";
    renderAll();
    await loadEverything();
  }, byId("login-submit"));
}

function endSession(message) {
  sessionStorage.removeItem(SESSION_KEY);
  Object.assign(state, { session: null, me: null, services: [], orders: [], order: null, invoices: [], messages: {}, tab: "orders" });
  renderAll();
  say("login", message);
}

async function loadEverything() {
  await act("orders", async () => {
    const [me, orders, invoices, services] = await Promise.all([
      api("GET", "/me"), api("GET", "/work-orders"), api("GET", "/invoices"), api("GET", "/services"),
    ]);
    Object.assign(state, { me, orders, invoices, services });
    renderAll();
  });
}

async function reloadLists() {
  const [me, orders, invoices] = await Promise.all([api("GET", "/me"), api("GET", "/work-orders"), api("GET", "/invoices")]);
  Object.assign(state, { me, orders, invoices });
}

// ---- work orders ---------------------------------------------------------------------------------

async function openOrder(number, button) {
  await act("orders", async () => {
    state.order = await api("GET", `/work-orders/${encodeURIComponent(number)}`);
    say("order", null);
    byId("reject-form").hidden = true;
    renderOrder();
    byId("order-detail").scrollIntoView({ block: "nearest" });
  }, button);
}

async function decide(action, button, json) {
  const number = state.order.number;
  await act("order", async () => {
    const answer = await api("POST", `/work-orders/${encodeURIComponent(number)}/${action}`, json);
    state.order = await api("GET", `/work-orders/${encodeURIComponent(number)}`);
    const done = { approve: "order.approved", reject: "order.rejected", withdraw: "order.withdrawn", book: "order.booked" };
    say("order", ok(done[action], { number, count: (answer.visits || []).length }));
    byId("reject-form").hidden = true;
    await reloadLists();
    renderAll();
  }, button);
}

function orderActions(order) {
  const buttons = [];
  if (role() === APPROVER && order.status === "awaiting_approval") {
    buttons.push(el("button", { type: "button", id: "approve", text: t("order.approve"),
      onclick: (event) => decide("approve", event.currentTarget) }));
    buttons.push(el("button", { type: "button", class: "secondary", id: "reject-open", text: t("order.reject"),
      onclick: () => { byId("reject-form").hidden = false; byId("reject-form").elements.reason.focus(); } }));
  }
  if (role() === REQUESTER && ["awaiting_approval", "approved"].includes(order.status)) {
    // offered before approval too: the answer then says, in the officer's language, that approval comes first
    buttons.push(el("button", { type: "button", id: "book", text: t("order.book"),
      onclick: (event) => decide("book", event.currentTarget, { language: state.lang }) }));
    buttons.push(el("button", { type: "button", class: "secondary", id: "withdraw", text: t("order.withdraw"),
      onclick: (event) => decide("withdraw", event.currentTarget) }));
  }
  return buttons;
}

function statusCell(status) {
  return el("span", { class: `status-${status}`, text: t(`status.${status}`) });
}

function renderOrders() {
  byId("orders-hint").textContent = t(role() === APPROVER ? "orders.hint_approver" : "orders.hint_requester");
  rows(byId("orders-table").tBodies[0], state.orders, (order) => el("tr", { "data-number": order.number },
    el("td", {}, el("code", { text: order.number })),
    el("td", { text: serviceName(order.service) }),
    el("td", { class: "num", text: `${order.workers} × ${order.days.length}` }),
    el("td", { text: `${formatDay(order.days[0])} – ${formatDay(order.days[order.days.length - 1])}` }),
    el("td", { class: "num", text: `₹${order.estimate}` }),
    el("td", { class: "order-status" }, statusCell(order.status)),
    el("td", {}, el("button", { type: "button", class: "secondary", "data-action": "open", text: t("orders.open"),
      onclick: (event) => openOrder(order.number, event.currentTarget) }))), 7);
}

function renderOrder() {
  const order = state.order;
  byId("order-detail").hidden = !order;
  if (!order) return;
  byId("order-title").textContent = t("order.title", { number: order.number });
  const decision = (made) => (made ? `${made.name} · ${formatTime(made.at)}${made.note ? ` — ${made.note}` : ""}` : "—");
  byId("order-facts").replaceChildren(...[
    ["orders.status", statusCell(order.status), "order-status"],
    ["orders.service", serviceName(order.service)],
    ["orders.size", `${order.workers} × ${order.days.length} = ${order.visit_count}`],
    ["orders.days", order.days.map(formatDay).join(", ")],
    ["order.start", order.start],
    ["order.site", `${order.site.address} ${order.site.pincode}`],
    ["order.contact", `${order.site.contact_name} · ${order.site.contact_phone}`],
    ["order.purpose", order.purpose || "—"],
    ["orders.estimate", `₹${order.estimate}`],
    ["order.requested", decision(order.requested)],
    ["order.approval", decision(order.approval), "order-approval"],
    ["order.closing", decision(order.closing)],
    ["order.progress", `${order.completed} / ${order.visits.length}`, "order-progress"],
  ].flatMap(([key, shown, id]) => [el("dt", { text: t(key) }), el("dd", { id }, shown)]));
  byId("order-actions").replaceChildren(...orderActions(order));
  rows(byId("visits-table").tBodies[0], order.visits, (visit) => el("tr", { "data-order": visit.order_id },
    el("td", { text: formatDay(visit.day) }),
    el("td", { class: "num", text: String(visit.place) }),
    el("td", {}, el("code", { text: visit.order_id })),
    el("td", { class: "visit-status", text: t(`visit.${visit.status}`) }),
    el("td", { class: "visit-worker", text: visit.worker_name || "—" })), 5);
}

// ---- a new work order ---------------------------------------------------------------------------

function consecutiveDays(first, count) {
  const days = [];
  const start = new Date(`${first}T00:00:00Z`);
  for (let index = 0; index < count; index += 1) {
    days.push(new Date(start.getTime() + index * 86400000).toISOString().slice(0, 10));
  }
  return days;
}

function renderServices() {
  const select = byId("new-service");
  const chosen = select.value;
  select.replaceChildren(...state.services.map((service) => el("option", { value: service.id,
    text: t("new.service_option", { name: serviceName(service), total: service.visit_total, opens: service.opens, closes: service.closes }) })));
  if (chosen) select.value = chosen;
  renderEstimate();
}

function renderEstimate() {
  const values = byId("new-form").elements;
  const service = state.services.find((candidate) => candidate.id === values.item_id.value);
  const visits = (Number(values.workers.value) || 0) * (Number(values.day_count.value) || 0);
  byId("new-estimate").textContent = service && visits
    ? t("new.estimate", { visits, total: service.visit_total, sum: (visits * Number(service.visit_total)).toFixed(2) }) : "";
}

async function askForWorkers(event) {
  event.preventDefault();
  const values = event.target.elements;
  const first = values.first_day.value;
  await act("new", async () => {
    const asked = await api("POST", "/work-orders", {
      item_id: values.item_id.value,
      workers: Number(values.workers.value) || 0,
      days: first ? consecutiveDays(first, Number(values.day_count.value) || 1) : [],
      start: values.start.value,
      address: values.address.value.trim(),
      pincode: values.pincode.value.trim(),
      contact_name: values.contact_name.value.trim(),
      contact_phone: values.contact_phone.value.trim(),
      purpose: values.purpose.value.trim(),
    });
    say("new", ok("new.sent", { number: asked.number }));
    await reloadLists();
    renderAll();
  }, byId("new-submit"));
}

// ---- invoices -------------------------------------------------------------------------------------

function renderInvoices() {
  rows(byId("invoices-table").tBodies[0], state.invoices, (invoice) => el("tr", { "data-invoice": invoice.number },
    el("td", {}, el("code", { text: invoice.number })),
    el("td", { text: invoice.month }),
    el("td", { class: "num", text: String(invoice.visits) }),
    el("td", { class: "num", text: `₹${invoice.total}` }),
    el("td", { class: "num", text: `₹${invoice.outstanding}` }),
    el("td", {}, el("a", { href: invoice.print_url, target: "_blank", rel: "noopener", "data-action": "print",
      text: t("invoices.print") }))), 6);
}

// ---- the page ------------------------------------------------------------------------------------

function renderAccount() {
  const me = state.me;
  byId("department-name").textContent = me ? `${me.account.department} — ${me.account.office}` : "";
  if (!me) return;
  byId("who-name").textContent = me.officer.display_name;
  byId("account-facts").replaceChildren(...[
    ["account.department", `${me.account.department} — ${me.account.office} (${me.account.id})`],
    ["account.gstin", `${me.account.gstin} · ${me.account.ddo_code}`],
    ["account.unbilled", `₹${me.account.unbilled}`],
    ["account.receivable", `₹${me.account.receivable}`, "account-receivable"],
  ].flatMap(([key, text, id]) => [el("dt", { text: t(key) }), el("dd", { id, text })]));
}

function renderAll() {
  document.documentElement.lang = state.lang;
  document.title = t("app.title");
  document.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
  byId("lang-hi").setAttribute("aria-pressed", String(state.lang === "hi"));
  byId("lang-en").setAttribute("aria-pressed", String(state.lang === "en"));
  const session = state.session;
  byId("login-screen").hidden = Boolean(session);
  byId("desk").hidden = !session;
  byId("who").hidden = !session;
  if (session) {
    byId("who-role").textContent = t(`role.${session.role}`);
    document.querySelectorAll("[data-roles]").forEach((node) => { node.hidden = !node.dataset.roles.split(" ").includes(session.role); });
    if (state.tab === "new" && session.role !== REQUESTER) state.tab = "orders";
    document.querySelectorAll("[data-tab]").forEach((button) => button.setAttribute("aria-selected", String(button.dataset.tab === state.tab)));
    document.querySelectorAll(".tab-panel").forEach((panel) => { panel.hidden = panel.id !== `tab-${state.tab}`; });
    renderAccount();
    renderOrders();
    renderOrder();
    renderServices();
    renderInvoices();
  }
  Object.keys(state.messages).forEach(renderMessage);
}

function setLanguage(lang) {
  state.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  renderAll();
}

function showTab(name) {
  state.tab = name;
  renderAll();
}

function start() {
  byId("lang-hi").addEventListener("click", () => setLanguage("hi"));
  byId("lang-en").addEventListener("click", () => setLanguage("en"));
  byId("logout").addEventListener("click", () => endSession({ tone: "ok", ...TEXT.logged_out, errors: [] }));
  byId("login-form").addEventListener("submit", logIn);
  document.querySelectorAll("[data-tab]").forEach((button) => button.addEventListener("click", () => showTab(button.dataset.tab)));
  byId("orders-refresh").addEventListener("click", loadEverything);
  byId("invoices-refresh").addEventListener("click", loadEverything);
  byId("reject-form").addEventListener("submit", (event) => {
    event.preventDefault();
    decide("reject", byId("reject-submit"), { reason: event.target.elements.reason.value.trim() });
  });
  const asking = byId("new-form");
  asking.addEventListener("submit", askForWorkers);
  asking.addEventListener("input", renderEstimate);
  renderAll();
  if (state.session) loadEverything();
}

document.addEventListener("DOMContentLoaded", start);
