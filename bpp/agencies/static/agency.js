// Seva Mitra service-provider agencies: plain JavaScript, Hindi first. The firm applies (the contact person's phone
// proven with the sign-up OTP, /signup/api) and, once approved, logs in here (/staff/api/login, role agency) to add
// its workers and read their jobs, ratings and payouts (/agency/api). Labels live in T in Hindi and English; the
// API's messages arrive in both.
"use strict";

const LANG_KEY = "sevamitra.agency.lang";
const SESSION_KEY = "sevamitra.agency.session";
const DESK_KEY = "sevamitra.agency.desk";
const SCREENS = ["phone", "otp", "form", "status", "login", "desk"];
const FIELDS = ["name", "registration_number", "gstin", "pan", "address", "district", "contact_name", "password"];

const T = {
  title: { hi: "सेवा मित्र — सेवा प्रदाता पंजीकरण", en: "Seva Mitra — service-provider sign-up" },
  phone_heading: { hi: "संपर्क व्यक्ति का मोबाइल नंबर", en: "The contact person's mobile number" },
  phone_intro: {
    hi: "कर्मी उपलब्ध कराने वाली फ़र्में सेवा मित्र से जुड़ें। पहले इस नंबर पर OTP आएगा; यही नंबर एजेंसी का लॉगिन होगा।",
    en: "Firms that supply workers, join Seva Mitra. First we send an OTP to this number; it becomes the agency's login.",
  },
  login_link: { hi: "स्वीकृत एजेंसी? लॉग इन करें", en: "Approved agency? Log in" },
  login_heading: { hi: "एजेंसी लॉग इन", en: "Agency log in" },
  login_btn: { hi: "लॉग इन", en: "Log in" },
  apply_link: { hi: "नई एजेंसी का आवेदन", en: "Apply as a new agency" },
  login_wrong_role: { hi: "यह लॉगिन किसी एजेंसी का नहीं है।", en: "This login is not an agency's." },
  logout: { hi: "लॉग आउट", en: "Log out" },
  workers_heading: { hi: "आपके कर्मी", en: "Your workers" },
  col_name: { hi: "नाम", en: "Name" },
  col_stage: { hi: "सत्यापन", en: "Verification" },
  col_rating: { hi: "रेटिंग", en: "Rating" },
  col_order: { hi: "ऑर्डर", en: "Order" },
  col_status: { hi: "स्थिति", en: "Status" },
  col_amount: { hi: "राशि (₹)", en: "Amount (₹)" },
  col_batch: { hi: "भुगतान बैच", en: "Payout batch" },
  add_heading: { hi: "कर्मी जोड़ें", en: "Add a worker" },
  add_hint: {
    hi: "कर्मी का आवेदन ज़िला कार्यालय जाता है; स्वीकृति और पुलिस सत्यापन के बाद ही वह काम ले सकती/सकता है।",
    en: "The worker's application goes to the district office; only after approval and police verification can she take jobs.",
  },
  worker_phone: { hi: "कर्मी का अपना मोबाइल नंबर", en: "The worker's own mobile number" },
  trades_label: { hi: "काम", en: "Trades" },
  qualification_label: { hi: "योग्यता", en: "Qualification" },
  pincode_label: { hi: "कर्मी के घर का पिनकोड", en: "Pincode of the worker's home" },
  gps_btn: { hi: "कर्मी के घर का स्थान लें", en: "Take the location of the worker's home" },
  gps_done: { hi: "स्थान मिल गया।", en: "Location taken." },
  gps_failed: { hi: "स्थान नहीं मिल पाया। फ़ोन का GPS चालू करें और फिर दबाएँ।", en: "Could not find the location. Turn on the phone's GPS and tap again." },
  pin_label: { hi: "कर्मी ऐप का पिन (4 से 6 अंक)", en: "PIN for the worker app (4 to 6 digits)" },
  id_proof_label: { hi: "कर्मी का पहचान पत्र (आधार, वोटर कार्ड…): फ़ोटो या PDF", en: "The worker's ID proof (Aadhaar, voter card…): photo or PDF" },
  photo_label: { hi: "कर्मी की फ़ोटो", en: "The worker's photo" },
  add_btn: { hi: "कर्मी का आवेदन भेजें", en: "Send the worker's application" },
  added: { hi: "{name} का आवेदन ज़िला कार्यालय भेजा गया।", en: "{name}'s application was sent to the district office." },
  jobs_heading: { hi: "आपके कर्मियों के काम", en: "Your workers' jobs" },
  payouts_heading: { hi: "आपके कर्मियों के भुगतान", en: "Your workers' payouts" },
  "stage.draft": { hi: "दस्तावेज़ बाकी — भेजा नहीं गया", en: "Documents missing — not sent" },
  "stage.submitted": { hi: "ज़िला कार्यालय में", en: "With the district office" },
  "stage.rejected": { hi: "अस्वीकृत", en: "Rejected" },
  "stage.police_check": { hi: "स्वीकृत — पुलिस सत्यापन बाकी", en: "Approved — police verification to come" },
  "stage.police_pending": { hi: "पुलिस सत्यापन चल रहा है", en: "Police verification under way" },
  "stage.verified": { hi: "सत्यापित", en: "Verified" },
  "stage.struck_off": { hi: "पंजीकरण रद्द", en: "Struck off" },
  phone_label: { hi: "मोबाइल नंबर", en: "Mobile number" },
  otp_send: { hi: "OTP भेजें", en: "Send OTP" },
  otp_heading: { hi: "OTP डालें", en: "Enter the OTP" },
  otp_sent: { hi: "{phone} पर SMS से OTP भेजा गया है।", en: "An OTP was sent by SMS to {phone}." },
  otp_label: { hi: "SMS में आया 6 अंकों का OTP", en: "The 6-digit OTP from the SMS" },
  otp_check: { hi: "आगे बढ़ें", en: "Continue" },
  change_phone: { hi: "नंबर बदलें", en: "Change the number" },
  form_heading: { hi: "फ़र्म का आवेदन", en: "The firm's application" },
  form_phone: { hi: "सत्यापित नंबर: {phone}", en: "Verified number: {phone}" },
  name_label: { hi: "फ़र्म का नाम", en: "Firm's name" },
  registration_label: { hi: "पंजीकरण संख्या", en: "Registration number" },
  gstin_label: { hi: "GSTIN (15 वर्ण)", en: "GSTIN (15 characters)" },
  pan_label: { hi: "फ़र्म का PAN", en: "Firm's PAN" },
  address_label: { hi: "पता", en: "Address" },
  district_label: { hi: "ज़िला", en: "District" },
  contact_label: { hi: "संपर्क व्यक्ति का नाम", en: "Contact person's name" },
  password_label: { hi: "एजेंसी लॉगिन का पासवर्ड", en: "Password for the agency's login" },
  password_hint: { hi: "कम से कम {n} अक्षर। किसी को न बताएँ।", en: "At least {n} characters. Tell nobody." },
  apply_btn: { hi: "आवेदन भेजें", en: "Send application" },
  reason_heading: { hi: "ज़िला कार्यालय ने यह कारण बताया:", en: "The district office gave this reason:" },
  status_heading: { hi: "{name}", en: "{name}" },
  "status.submitted": { hi: "आवेदन ज़िला कार्यालय को मिल गया है; जाँच चल रही है।", en: "The district office has the application; it is being checked." },
  "status.approved": { hi: "एजेंसी स्वीकृत! “लॉग इन” से इस नंबर और अपने पासवर्ड से लॉग इन करें और अपने कर्मी जोड़ें।", en: "Agency approved! Log in with this number and your password and add your workers." },
  "status.rejected": { hi: "आवेदन स्वीकार नहीं हुआ। कारण पढ़ें, आवेदन ठीक करें और फिर भेजें।", en: "The application was not accepted. Read the reason, correct it and send it again." },
  edit_btn: { hi: "आवेदन ठीक करके फिर भेजें", en: "Correct and send again" },
  refresh_btn: { hi: "स्थिति ताज़ा करें", en: "Refresh" },
  helpline: { hi: "मदद चाहिए? हेल्पलाइन 155330 पर कॉल करें।", en: "Need help? Call the helpline 155330." },
  "error.network": { hi: "सर्वर से संपर्क नहीं हो पाया। इंटरनेट जाँचें और फिर कोशिश करें।", en: "Could not reach the server. Check the internet and try again." },
  "error.server": { hi: "सर्वर में समस्या आई। थोड़ी देर बाद फिर कोशिश करें।", en: "The server had a problem. Try again in a while." },
  "error.session": { hi: "फिर से OTP से नंबर सत्यापित करें।", en: "Verify the number with an OTP again." },
};

const state = {
  lang: localStorage.getItem(LANG_KEY) === "en" ? "en" : "hi",
  session: readStored(SESSION_KEY),
  screen: "phone",
  form: null,
  otp: null,
  application: null,
  desk: readStored(DESK_KEY),
  choices: null,
  gps: null,
  draft: null,  // the worker just added whose documents or sending failed: {id, phone}
  errors: [],
  banner: null,
};

function readStored(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key));
  } catch {
    return null;
  }
}

function byId(id) {
  return document.getElementById(id);
}

function t(key, vars = {}) {
  const text = T[key] ? T[key][state.lang] : key;
  return Object.entries(vars).reduce((out, [name, value]) => out.replaceAll(`{${name}}`, String(value)), text);
}

function pick(pair) {
  return (pair && (pair[state.lang] || pair.en || pair.hi)) || "";
}

// ---- the API: a 422 names its fields ({errors: [...]}, or {detail: {field, en, hi}}) --------------

class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    const detail = body && body.detail;
    this.errors = ((body && Array.isArray(body.errors) && body.errors) || [])
      .map((e) => ({ field: e.field || "", en: e.en, hi: e.hi || e.en }));
    if (detail && typeof detail === "object" && detail.field) this.errors.push({ field: detail.field, en: detail.en, hi: detail.hi || detail.en });
    if (detail && typeof detail === "object" && (detail.en || detail.hi)) this.banner = { en: detail.en || detail.hi, hi: detail.hi || detail.en };
    else this.banner = status === 0 ? T["error.network"] : T["error.server"];
  }
}

async function api(method, path, json, login = state.session) {
  const headers = {};
  if (login) headers.Authorization = `Bearer ${login.token}`;
  if (json !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  } catch {
    throw new ApiError(0, null);
  }
  let parsed = null;
  try {
    parsed = await response.json();
  } catch {
    parsed = null;
  }
  if (response.ok) return parsed;
  if (response.status === 401 && login) {
    const desk = login === state.desk;
    state[desk ? "desk" : "session"] = null;
    sessionStorage.removeItem(desk ? DESK_KEY : SESSION_KEY);
    show(desk ? "login" : "phone");
    throw new ApiError(401, { detail: T["error.session"] });
  }
  throw new ApiError(response.status, parsed);
}

// ---- messages beside their fields, the rest in the banner ---------------------------------------

function showProblem(error) {
  if (!(error instanceof ApiError)) {
    console.error(error);
    error = new ApiError(500, null);
  }
  state.errors = error.errors;
  const screen = byId(`${state.screen}-screen`);
  const placed = state.errors.some((e) => screen.querySelector(`[data-error-for="${CSS.escape(e.field)}"]`));
  state.banner = placed ? null : error.banner;
  renderErrors();
}

function clearErrors() {
  state.errors = [];
  state.banner = null;
  renderErrors();
}

function renderErrors() {
  document.querySelectorAll("[data-error-for]").forEach((node) => { node.textContent = ""; });
  document.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
  const screen = byId(`${state.screen}-screen`);
  const unplaced = [];
  for (const error of state.errors) {
    const slot = screen.querySelector(`[data-error-for="${CSS.escape(error.field)}"]`);
    if (!slot) {
      unplaced.push(error);
      continue;
    }
    slot.textContent = `${slot.textContent} ${pick(error)}`.trim();
    const input = screen.querySelector(`#${CSS.escape(error.field)}`);
    if (input) input.setAttribute("aria-invalid", "true");
  }
  const lines = [state.banner ? pick(state.banner) : "", ...unplaced.map(pick)].filter(Boolean);
  byId("message").hidden = lines.length === 0;
  byId("message").textContent = lines.join(" ");
  const first = screen.querySelector("[aria-invalid]");
  if (first) first.scrollIntoView({ block: "center" });
}

// ---- screens ------------------------------------------------------------------------------------

function show(screen) {
  state.screen = screen;
  for (const name of SCREENS) byId(`${name}-screen`).hidden = name !== screen;
  render();
}

function render() {
  document.documentElement.lang = state.lang;
  document.title = t("title");
  document.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
  byId("lang-hi").setAttribute("aria-pressed", String(state.lang === "hi"));
  byId("lang-en").setAttribute("aria-pressed", String(state.lang === "en"));
  if (state.otp) byId("otp-sent").textContent = t("otp_sent", { phone: state.otp.sent_to });
  if (state.session) byId("form-phone").textContent = t("form_phone", { phone: state.session.phone });
  if (state.form) {
    byId("password-hint").textContent = t("password_hint", { n: state.form.min_password });
    const select = byId("district");
    const chosen = select.value;
    select.replaceChildren(...state.form.districts.map((d) => new Option(d[state.lang] || d.en, d.city)));
    if (chosen) select.value = chosen;
  }
  if (state.application) renderStatus();
  if (state.choices) renderChoices();
  if (state.screen === "desk") renderDesk();
  renderErrors();
}

function renderStatus() {
  const application = state.application;
  byId("status-heading").textContent = application.name;
  byId("status-text").textContent = t(`status.${application.status}`);
  const rejected = application.status === "rejected";
  byId("status-reason").hidden = !rejected;
  byId("status-reason-text").textContent = application.reason || "";
  byId("edit").hidden = !rejected;
  byId("form-reason").hidden = !rejected;
  byId("form-reason-text").textContent = application.reason || "";
}

async function afterSignIn() {
  const mine = await api("GET", "/agency/api/application");
  state.application = mine.application;
  if (state.application) {
    for (const field of FIELDS) if (field in state.application) byId(field).value = state.application[field];
    show("status");
  } else {
    show("form");
  }
}

// ---- actions ------------------------------------------------------------------------------------

async function sendOtp(event) {
  event.preventDefault();
  clearErrors();
  try {
    state.otp = await api("POST", "/signup/api/otp", { phone: byId("phone").value, language: state.lang });
    show("otp");
    byId("otp").focus();
  } catch (error) {
    showProblem(error);
  }
}

async function checkOtp(event) {
  event.preventDefault();
  clearErrors();
  try {
    const signed = await api("POST", "/signup/api/otp/check", { phone: byId("phone").value, otp: byId("otp").value });
    state.session = { token: signed.token, phone: signed.phone };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(state.session));
    await afterSignIn();
  } catch (error) {
    showProblem(error);
  }
}

async function apply(event) {
  event.preventDefault();
  clearErrors();
  const body = Object.fromEntries(FIELDS.map((field) => [field, byId(field).value]));
  try {
    state.application = await api("PUT", "/agency/api/application", { ...body, language: state.lang });
    byId("password").value = "";
    show("status");
  } catch (error) {
    showProblem(error);
  }
}

async function refresh() {
  clearErrors();
  try {
    await afterSignIn();
  } catch (error) {
    showProblem(error);
  }
}

// ---- the approved agency's desk -----------------------------------------------------------------

function cells(table, items, cellsOf) {
  byId(table).tBodies[0].replaceChildren(...items.map((item) => {
    const row = document.createElement("tr");
    for (const value of cellsOf(item)) row.append(Object.assign(document.createElement("td"), { textContent: value }));
    return row;
  }));
}

function renderChoices() {
  const trades = byId("w-trades");
  const ticked = new Set([...trades.querySelectorAll("input:checked")].map((box) => box.value));
  trades.replaceChildren(...state.choices.trades.map((trade) => {
    const box = Object.assign(document.createElement("input"), { type: "checkbox", value: trade.code, checked: ticked.has(trade.code) });
    const label = document.createElement("label");
    label.append(box, ` ${trade[state.lang] || trade.en}`);
    return label;
  }));
  const select = byId("w-qualification");
  const chosen = select.value;
  select.replaceChildren(...state.choices.qualifications.map((q) => new Option(q[state.lang] || q.en, q.code)));
  if (chosen) select.value = chosen;
}

function renderDesk() {
  const desk = state.deskData;
  if (!desk) return;
  byId("desk-heading").textContent = desk.agency.name;
  cells("workers-table", desk.workers, (w) => [w.name, w.phone, t(`stage.${w.stage}`), w.rating ? `${w.rating} (${w.rating_count})` : "—"]);
  cells("jobs-table", desk.jobs, (j) => [j.order_id, j.worker_name, j.status, j.total]);
  cells("payouts-table", desk.payouts, (p) => [p.batch_id, p.worker_name, p.status, p.amount]);
}

async function loadDesk() {
  const [agency, workers, jobs, payouts] = await Promise.all(["me", "workers", "jobs", "payouts"]
    .map((part) => api("GET", `/agency/api/${part}`, undefined, state.desk)));
  if (!state.choices) state.choices = await api("GET", "/signup/api/form", undefined, null);
  state.deskData = { agency, workers: workers.workers, jobs: jobs.jobs, payouts: payouts.payouts };
  show("desk");
}

async function logIn(event) {
  event.preventDefault();
  clearErrors();
  try {
    const answer = await api("POST", "/staff/api/login", { username: byId("login-phone").value.replace(/\D/g, "").slice(-10),
      password: byId("login-password").value }, null);
    if (answer.role !== "agency") throw new ApiError(403, { detail: { ...T.login_wrong_role, field: "login" } });
    state.desk = { token: answer.token };
    sessionStorage.setItem(DESK_KEY, JSON.stringify(state.desk));
    byId("login-password").value = "";
    await loadDesk();
  } catch (error) {
    if (error.status === 401) error.errors = [{ field: "login", ...error.banner }];
    showProblem(error);
  }
}

function takeLocation() {
  navigator.geolocation.getCurrentPosition((position) => {
    state.gps = { lat: position.coords.latitude, lng: position.coords.longitude };
    byId("w-gps-status").textContent = t("gps_done");
  }, () => { byId("w-gps-status").textContent = t("gps_failed"); }, { enableHighAccuracy: true, timeout: 20000 });
}

async function addWorker(event) {
  event.preventDefault();
  clearErrors();
  const body = {
    phone: byId("w-phone").value, name: byId("w-name").value, qualification: byId("w-qualification").value,
    trades: [...byId("w-trades").querySelectorAll("input:checked")].map((box) => box.value),
    pincode: byId("w-pincode").value, pin: byId("w-pin").value, language: state.lang,
    home_lat: state.gps ? state.gps.lat : null, home_lng: state.gps ? state.gps.lng : null,
  };
  try {
    // a draft added by the last try (an upload was refused) is completed rather than added again
    const draft = state.draft && state.draft.phone === body.phone ? state.draft
      : await api("POST", "/agency/api/workers", body, state.desk);
    state.draft = { id: draft.id, phone: body.phone };
    const path = `/agency/api/workers/${encodeURIComponent(draft.id)}`;
    for (const kind of ["id_proof", "photo"]) {
      const file = byId(kind).files[0];
      if (file) await upload(`${path}/documents/${kind}?${new URLSearchParams({ filename: file.name })}`, file);
    }
    const added = await api("POST", `${path}/submit`, undefined, state.desk);
    state.draft = null;
    byId("worker-form").reset();
    state.gps = null;
    byId("w-gps-status").textContent = "";
    await loadDesk();
    state.banner = { hi: T.added.hi.replace("{name}", added.name), en: T.added.en.replace("{name}", added.name) };
    renderErrors();
  } catch (error) {
    showProblem(error);
  }
}

async function upload(path, file) {
  let response;
  try {
    response = await fetch(path, { method: "POST", body: file,
      headers: { Authorization: `Bearer ${state.desk.token}`, "Content-Type": file.type || "application/octet-stream" } });
  } catch {
    throw new ApiError(0, null);
  }
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
}

function logOut() {
  state.desk = null;
  state.deskData = null;
  sessionStorage.removeItem(DESK_KEY);
  clearErrors();
  show("login");
}

function setLanguage(lang) {
  state.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  render();
}

async function start() {
  byId("lang-hi").addEventListener("click", () => setLanguage("hi"));
  byId("lang-en").addEventListener("click", () => setLanguage("en"));
  byId("phone-form").addEventListener("submit", sendOtp);
  byId("otp-form").addEventListener("submit", checkOtp);
  byId("otp-back").addEventListener("click", () => { clearErrors(); show("phone"); });
  byId("agency-form").addEventListener("submit", apply);
  byId("edit").addEventListener("click", () => { clearErrors(); show("form"); });
  byId("refresh").addEventListener("click", refresh);
  byId("to-login").addEventListener("click", () => { clearErrors(); show("login"); });
  byId("login-back").addEventListener("click", () => { clearErrors(); show("phone"); });
  byId("login-form").addEventListener("submit", logIn);
  byId("logout").addEventListener("click", logOut);
  byId("w-gps").addEventListener("click", takeLocation);
  byId("worker-form").addEventListener("submit", addWorker);
  try {
    state.form = await api("GET", "/agency/api/form");
  } catch (error) {
    show("phone");
    showProblem(error);
    return;
  }
  if (state.desk) {
    try {
      await loadDesk();
    } catch (error) {
      showProblem(error);
    }
  } else if (state.session) {
    await refresh();
  } else {
    show("phone");
  }
}

start();
