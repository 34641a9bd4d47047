// Seva Mitra worker sign-up: plain JavaScript over /signup/api, Hindi first, for a cheap Android phone.
// Every label lives in T in Hindi and English; the API's messages arrive in both and follow the language toggle.
"use strict";

const API = "/signup/api";
const LANG_KEY = "sevamitra.signup.lang";
const SESSION_KEY = "sevamitra.signup.session";
const PHOTO_SIDE = 1600;  // a photo is shrunk to this many pixels on its longer side before upload
const SHRINK_ABOVE = 600000;  // bytes: smaller pictures go as they are

const T = {
  title: { hi: "सेवा मित्र — कर्मी पंजीकरण", en: "Seva Mitra — worker sign-up" },
  phone_heading: { hi: "अपना मोबाइल नंबर दें", en: "Your mobile number" },
  phone_intro: {
    hi: "प्लंबर, इलेक्ट्रीशियन, ब्यूटीशियन, रसोइया… सेवा मित्र से जुड़कर अपने पास के काम पाएँ। पहले नंबर पर OTP आएगा।",
    en: "Plumber, electrician, beautician, cook… join Seva Mitra and get jobs near you. First we send an OTP to your number.",
  },
  phone_label: { hi: "मोबाइल नंबर", en: "Mobile number" },
  otp_send: { hi: "OTP भेजें", en: "Send OTP" },
  pin_login_summary: { hi: "पहले आवेदन कर चुकी/चुके हैं? पिन से स्थिति देखें", en: "Applied already? See where it stands with your PIN" },
  pin_label: { hi: "पिन (4 से 6 अंक)", en: "PIN (4 to 6 digits)" },
  pin_login_btn: { hi: "स्थिति देखें", en: "See my application" },
  otp_heading: { hi: "OTP डालें", en: "Enter the OTP" },
  otp_sent: { hi: "{phone} पर SMS से OTP भेजा गया है; यह {minutes} मिनट चलेगा।", en: "An OTP was sent by SMS to {phone}; it lasts {minutes} minutes." },
  otp_label: { hi: "SMS में आया 6 अंकों का OTP", en: "The 6-digit OTP from the SMS" },
  otp_check: { hi: "आगे बढ़ें", en: "Continue" },
  otp_resend: { hi: "नया OTP भेजें", en: "Send a new OTP" },
  otp_resend_wait: { hi: "नया OTP {seconds} सेकंड बाद", en: "New OTP in {seconds} s" },
  change_phone: { hi: "नंबर बदलें", en: "Change the number" },
  form_heading: { hi: "आवेदन पत्र", en: "Application" },
  form_phone: { hi: "सत्यापित नंबर: {phone}", en: "Verified number: {phone}" },
  name_label: { hi: "पूरा नाम", en: "Full name" },
  trades_label: { hi: "आप कौन-से काम करती/करते हैं?", en: "Which work do you do?" },
  qualification_label: { hi: "योग्यता", en: "Qualification" },
  pincode_label: { hi: "घर का पिनकोड", en: "Home pincode" },
  district_found: { hi: "ज़िला: {district} · {unit}", en: "District: {district} · {unit}" },
  gps_label: { hi: "घर का स्थान", en: "Home location" },
  gps_hint: { hi: "घर पर रहते हुए बटन दबाएँ; फ़ोन पूछे तो स्थान की अनुमति दें।", en: "Tap the button while at home; allow location when the phone asks." },
  gps_btn: { hi: "मेरा स्थान लें", en: "Take my location" },
  gps_wait: { hi: "स्थान लिया जा रहा है…", en: "Finding your location…" },
  gps_done: { hi: "स्थान मिल गया ({accuracy} मीटर तक सटीक)।", en: "Location taken (accurate to {accuracy} m)." },
  gps_denied: { hi: "स्थान की अनुमति नहीं मिली। फ़ोन की सेटिंग में इस साइट को स्थान की अनुमति दें, फिर बटन दबाएँ।", en: "Location permission was denied. Allow location for this site in the phone's settings, then tap the button." },
  gps_failed: { hi: "स्थान नहीं मिल पाया। फ़ोन का GPS/लोकेशन चालू करें, खुले में जाएँ और फिर बटन दबाएँ।", en: "Could not find your location. Turn on the phone's GPS/location, step outside and tap the button again." },
  gps_missing: { hi: "इस फ़ोन का ब्राउज़र स्थान नहीं बता सकता। हेल्पलाइन 155330 पर कॉल करें।", en: "This phone's browser cannot tell the location. Call the helpline 155330." },
  documents_label: { hi: "दस्तावेज़", en: "Documents" },
  id_proof_label: { hi: "पहचान पत्र (आधार, वोटर कार्ड…): फ़ोटो या PDF", en: "ID proof (Aadhaar, voter card…): photo or PDF" },
  photo_label: { hi: "आपकी फ़ोटो", en: "Your photo" },
  documents_hint: { hi: "JPEG, PNG या PDF, {size} तक।", en: "JPEG, PNG or PDF, up to {size}." },
  uploaded: { hi: "अपलोड हो गया: {name}", en: "Uploaded: {name}" },
  pin_heading: { hi: "कर्मी ऐप का पिन", en: "PIN for the worker app" },
  pin_hint: { hi: "यह पिन और आपका नंबर कर्मी ऐप में लॉग इन के लिए होंगे। किसी को न बताएँ।", en: "With your number, this PIN logs you in to the worker app. Tell nobody." },
  pin2_label: { hi: "पिन दोबारा", en: "PIN again" },
  pin_mismatch: { hi: "दोनों पिन एक जैसे नहीं हैं; फिर से लिखें।", en: "The two PINs differ; type them again." },
  submit_btn: { hi: "आवेदन भेजें", en: "Send application" },
  saving: { hi: "आवेदन सहेजा जा रहा है…", en: "Saving the application…" },
  uploading: { hi: "{document} अपलोड हो रहा है…", en: "Uploading the {document}…" },
  sending: { hi: "आवेदन भेजा जा रहा है…", en: "Sending the application…" },
  reason_heading: { hi: "ज़िला कार्यालय ने यह कारण बताया:", en: "The district office gave this reason:" },
  police_reference: { hi: "पुलिस संदर्भ संख्या", en: "Police reference number" },
  police_requested_on: { hi: "सत्यापन माँगा गया", en: "Verification requested on" },
  police_result_on: { hi: "पुलिस रिपोर्ट की तारीख", en: "Police report dated" },
  worker_app_btn: { hi: "कर्मी ऐप खोलें", en: "Open the worker app" },
  edit_btn: { hi: "आवेदन ठीक करके फिर भेजें", en: "Correct and send again" },
  refresh_btn: { hi: "स्थिति ताज़ा करें", en: "Refresh" },
  helpline: { hi: "मदद चाहिए? हेल्पलाइन 155330 पर कॉल करें।", en: "Need help? Call the helpline 155330." },
  logout: { hi: "लॉग आउट", en: "Log out" },
  status_heading: { hi: "नमस्ते, {name}", en: "Hello, {name}" },
  "stage.draft": { hi: "आपका आवेदन अभी भेजा नहीं गया है।", en: "Your application has not been sent yet." },
  "stage.submitted": { hi: "आवेदन ज़िला कार्यालय को मिल गया है; आपके दस्तावेज़ जाँचे जा रहे हैं।", en: "The district office has your application; your documents are being checked." },
  "stage.rejected": { hi: "आवेदन स्वीकार नहीं हुआ। कारण पढ़ें, आवेदन ठीक करें और फिर भेजें।", en: "Your application was not accepted. Read the reason, correct it and send it again." },
  "stage.police_check": { hi: "आवेदन स्वीकार हो गया! अब ज़िला कार्यालय पुलिस सत्यापन करवाएगा।", en: "Application accepted! The district office will now ask the police to verify you." },
  "stage.police_pending": { hi: "पुलिस सत्यापन चल रहा है।", en: "Police verification is under way." },
  "stage.verified": { hi: "बधाई! आप सत्यापित सेवा मित्र कर्मी हैं। कर्मी ऐप में अपने नंबर और पिन से लॉग इन करें और ऑनलाइन हों।", en: "Congratulations! You are a verified Seva Mitra worker. Log in to the worker app with your number and PIN and go online." },
  "stage.struck_off": { hi: "पुलिस सत्यापन के बाद आपका पंजीकरण स्वीकार नहीं हुआ।", en: "After police verification your registration was not accepted." },
  "step.sent": { hi: "आवेदन भेजा", en: "Application sent" },
  "step.accepted": { hi: "दस्तावेज़ जाँचे, आवेदन स्वीकार", en: "Documents checked, accepted" },
  "step.police": { hi: "पुलिस सत्यापन", en: "Police verification" },
  "step.verified": { hi: "सत्यापित — काम शुरू", en: "Verified — start work" },
  "error.network": { hi: "सर्वर से संपर्क नहीं हो पाया। इंटरनेट जाँचें और फिर कोशिश करें।", en: "Could not reach the server. Check the internet and try again." },
  "error.server": { hi: "सर्वर में समस्या आई। थोड़ी देर बाद फिर कोशिश करें।", en: "The server had a problem. Try again in a while." },
  "error.session": { hi: "फिर से OTP या पिन से लॉग इन करें।", en: "Log in again with an OTP or your PIN." },
};
const STEPS = ["sent", "accepted", "police", "verified"];
const STEP_REACHED = { draft: 0, submitted: 1, rejected: 0, police_check: 2, police_pending: 3, verified: 4, struck_off: 3 };

const state = {
  lang: localStorage.getItem(LANG_KEY) === "en" ? "en" : "hi",
  session: readSession(),
  screen: "phone",
  form: null,
  application: null,
  otp: null,
  gps: null,
  district: null,
  banner: null,
  errors: [],
  uploaded: {},
  resendTimer: null,
};

function readSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

function byId(id) {
  return document.getElementById(id);
}

function fill(text, vars) {
  return Object.entries(vars).reduce((out, [name, value]) => out.replaceAll(`{${name}}`, String(value)), text);
}

function t(key, vars = {}) {
  return T[key] ? fill(T[key][state.lang], vars) : key;
}

function both(key, vars = {}) {
  return { hi: fill(T[key].hi, vars), en: fill(T[key].en, vars) };
}

function pick(pair) {
  return (pair && (pair[state.lang] || pair.en || pair.hi)) || "";
}

function megabytes(bytes) {
  return `${(bytes / 1000000).toFixed(1).replace(/\.0$/, "")} MB`;
}

// ---- talking to the API -------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    const detail = body && body.detail;
    const listed = (body && Array.isArray(body.errors) && body.errors) || [];
    this.errors = listed.map((e) => ({ field: e.field || "", en: e.en || e.error, hi: e.hi || e.en || e.error }));
    if (detail && typeof detail === "object" && detail.field) {
      this.errors.push({ field: detail.field, en: detail.en, hi: detail.hi || detail.en });
    }
    if (detail && typeof detail === "object" && (detail.en || detail.hi)) {
      this.message2 = { en: detail.en || detail.hi, hi: detail.hi || detail.en };
    } else if (status === 0) {
      this.message2 = T["error.network"];
    } else {
      this.message2 = T["error.server"];
    }
  }
}

async function api(method, path, { json, blob, query } = {}) {
  const headers = {};
  let body;
  if (state.session) headers.Authorization = `Bearer ${state.session.token}`;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (blob) {
    headers["Content-Type"] = blob.type || "application/octet-stream";
    body = blob;
  }
  const url = API + path + (query ? `?${new URLSearchParams(query)}` : "");
  let response;
  try {
    response = await fetch(url, { method, headers, body });
  } catch {
    throw new ApiError(0, null);
  }
  const raw = await response.text();
  let parsed = null;
  try {
    parsed = raw ? JSON.parse(raw) : null;
  } catch {
    parsed = null;
  }
  if (response.ok) return parsed;
  if (response.status === 401 && state.session && path !== "/login") {
    endSession();
    throw Object.assign(new ApiError(401, { detail: T["error.session"] }), { ended: true });
  }
  throw new ApiError(response.status, parsed);
}

// ---- messages -----------------------------------------------------------------------------------

function clearErrors() {
  state.errors = [];
  state.banner = null;
  renderErrors();
}

function showProblem(error) {
  if (!(error instanceof ApiError)) {
    console.error(error);
    error = new ApiError(500, null);
  }
  state.errors = error.errors;
  // a message that no field on this screen shows goes to the banner
  const screen = byId(`${state.screen}-screen`);
  const placed = state.errors.some((e) => screen.querySelector(`[data-error-for="${CSS.escape(e.field)}"]`));
  state.banner = placed ? null : error.message2;
  renderErrors();
}

function renderErrors() {
  document.querySelectorAll("[data-error-for]").forEach((node) => { node.textContent = ""; });
  document.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
  const screen = byId(`${state.screen}-screen`);
  const unplaced = [];
  for (const error of state.errors) {
    const slot = screen && screen.querySelector(`[data-error-for="${CSS.escape(error.field)}"]`);
    if (!slot) {
      unplaced.push(error);
      continue;
    }
    slot.textContent = `${slot.textContent} ${pick(error)}`.trim();
    const input = screen.querySelector(`#${CSS.escape(error.field)}`);
    if (input) input.setAttribute("aria-invalid", "true");
  }
  const banner = byId("message");
  const lines = [state.banner ? pick(state.banner) : "", ...unplaced.map(pick)].filter(Boolean);
  banner.hidden = lines.length === 0;
  banner.textContent = lines.join(" ");
  const first = screen && screen.querySelector("[aria-invalid]");
  if (first) first.scrollIntoView({ block: "center" });
}

// ---- screens and language -----------------------------------------------------------------------

function show(screen) {
  state.screen = screen;
  for (const name of ["phone", "otp", "form", "status"]) byId(`${name}-screen`).hidden = name !== screen;
  byId("logout-btn").hidden = !state.session;
  render();
}

function render() {
  document.documentElement.lang = state.lang;
  document.title = t("title");
  document.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
  document.querySelectorAll("[data-hi]").forEach((node) => { node.textContent = node.dataset[state.lang]; });
  byId("lang-hi").setAttribute("aria-pressed", String(state.lang === "hi"));
  byId("lang-en").setAttribute("aria-pressed", String(state.lang === "en"));
  if (state.otp) byId("otp-sent").textContent = t("otp_sent", { phone: state.otp.sent_to, minutes: state.form ? state.form.otp_minutes : 10 });
  if (state.session) byId("form-phone").textContent = t("form_phone", { phone: state.session.phone });
  if (state.form) byId("documents-hint").textContent = t("documents_hint", { size: megabytes(state.form.max_bytes) });
  renderDistrict();
  renderGps();
  renderUploads();
  renderResend();
  if (state.application) renderStatus();
  renderErrors();
}

function setLanguage(lang) {
  state.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  render();
}

// ---- phone, OTP, PIN ----------------------------------------------------------------------------

async function busy(button, work) {
  button.disabled = true;
  clearErrors();
  try {
    await work();
  } catch (error) {
    if (!error.ended) showProblem(error);
  } finally {
    button.disabled = false;
    renderResend();
  }
}

async function sendOtp(event) {
  if (event) event.preventDefault();
  const button = state.screen === "otp" ? byId("otp-resend") : byId("otp-send");
  await busy(button, async () => {
    const phone = byId("phone").value.trim();
    state.otp = { ...(await api("POST", "/otp", { json: { phone, language: state.lang } })), phone };
    byId("otp").value = "";
    show("otp");
    byId("otp").focus();
  });
}

async function checkOtp(event) {
  event.preventDefault();
  await busy(byId("otp-check"), async () => {
    const answer = await api("POST", "/otp/check", { json: { phone: state.otp.phone, otp: byId("otp").value.trim() } });
    await signedIn(answer);
  });
}

async function pinLogin(event) {
  event.preventDefault();
  await busy(byId("pin-login-btn"), async () => {
    try {
      const answer = await api("POST", "/login", { json: { phone: byId("login-phone").value.trim(), pin: byId("login-pin").value } });
      byId("login-pin").value = "";
      await signedIn(answer);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) error.errors = [{ field: "login", ...error.message2 }];
      throw error;
    }
  });
}

async function signedIn(answer) {
  state.session = { token: answer.token, phone: answer.phone };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(state.session));
  state.otp = null;
  state.application = answer.application;
  await openApplication();
}

function endSession() {
  sessionStorage.removeItem(SESSION_KEY);
  Object.assign(state, { session: null, application: null, otp: null, gps: null, district: null, uploaded: {} });
  byId("application-form").reset();
  show("phone");
}

function renderResend() {
  const button = byId("otp-resend");
  clearTimeout(state.resendTimer);
  if (!state.otp) return;
  const wait = Math.ceil((Date.parse(state.otp.resend_after) - Date.now()) / 1000);
  button.disabled = wait > 0;
  button.textContent = wait > 0 ? t("otp_resend_wait", { seconds: wait }) : t("otp_resend");
  if (wait > 0) state.resendTimer = setTimeout(renderResend, 1000);
}

// ---- the application form -----------------------------------------------------------------------

async function openApplication() {
  const application = state.application;
  if (application && !["draft", "rejected"].includes(application.stage)) {
    show("status");
    return;
  }
  await loadForm();
  fillForm(application);
  show(application && application.stage === "rejected" ? "status" : "form");
}

async function loadForm() {
  if (state.form) return;
  state.form = await api("GET", "/form");
  const choice = (type, name, value, label) => {
    const input = Object.assign(document.createElement("input"), { type, name, value });
    const text = Object.assign(document.createElement("span"), { textContent: pick(label) });
    text.dataset.hi = label.hi;
    text.dataset.en = label.en;
    const wrap = document.createElement("label");
    wrap.className = "choice";
    wrap.append(input, " ", text);
    return wrap;
  };
  byId("trades").replaceChildren(...state.form.trades.map((trade) => choice("checkbox", "trades", trade.code, trade)));
  byId("qualifications").replaceChildren(...state.form.qualifications.map((q) => choice("radio", "qualification", q.code, q)));
}

function fillForm(application) {
  const form = byId("application-form");
  byId("form-reason").hidden = !(application && application.reason);
  if (!application) return;
  byId("form-reason-text").textContent = application.reason || "";
  byId("name").value = application.name;
  byId("pincode").value = application.pincode;
  form.querySelectorAll("input[name=trades]").forEach((input) => { input.checked = application.trades.includes(input.value); });
  form.querySelectorAll("input[name=qualification]").forEach((input) => { input.checked = input.value === application.qualification; });
  state.gps = { lat: application.home_lat, lng: application.home_lng, accuracy: null };
  state.uploaded = Object.fromEntries(application.documents.map((doc) => [doc.kind, doc.file_name]));
  lookUpPincode();
}

async function lookUpPincode() {
  const pincode = byId("pincode").value.trim();
  state.district = null;
  state.errors = state.errors.filter((e) => e.field !== "pincode");
  if (/^\d{6}$/.test(pincode)) {
    try {
      state.district = await api("GET", `/pincode/${pincode}`);
    } catch (error) {
      if (error instanceof ApiError && error.errors.length) state.errors.push(...error.errors);
    }
  }
  renderDistrict();
  renderErrors();
}

function renderDistrict() {
  const d = state.district;
  byId("district").textContent = d ? t("district_found", { district: d.district, unit: pick(d.unit) }) : "";
}

function takeLocation() {
  state.errors = state.errors.filter((e) => e.field !== "home_gps");
  if (!navigator.geolocation) {
    state.errors.push({ field: "home_gps", ...T.gps_missing });
    renderErrors();
    return;
  }
  state.gpsWaiting = true;
  renderGps();
  navigator.geolocation.getCurrentPosition((position) => {
    state.gpsWaiting = false;
    state.gps = { lat: position.coords.latitude, lng: position.coords.longitude, accuracy: Math.round(position.coords.accuracy) };
    renderGps();
    renderErrors();
  }, (failure) => {
    state.gpsWaiting = false;
    state.errors.push({ field: "home_gps", ...(failure.code === 1 ? T.gps_denied : T.gps_failed) });
    renderGps();
    renderErrors();
  }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
}

function renderGps() {
  const status = byId("gps-status");
  if (state.gpsWaiting) status.textContent = t("gps_wait");
  else if (state.gps && state.gps.accuracy !== null) status.textContent = t("gps_done", { accuracy: state.gps.accuracy });
  else if (state.gps) status.textContent = `${state.gps.lat.toFixed(5)}, ${state.gps.lng.toFixed(5)}`;
  else status.textContent = "";
}

function renderUploads() {
  for (const kind of ["id_proof", "photo"]) {
    byId(`${kind}-status`).textContent = state.uploaded[kind] ? t("uploaded", { name: state.uploaded[kind] }) : "";
  }
}

function previewPhoto() {
  const file = byId("photo").files[0];
  const preview = byId("photo-preview");
  preview.hidden = !file;
  if (!file) return;
  const reader = new FileReader();  // a data: URL, which the page's content policy allows for pictures
  reader.onload = () => { preview.src = reader.result; };
  reader.readAsDataURL(file);
}

/** A large JPEG or PNG redrawn smaller as a JPEG: a cheap phone's camera picture is several MB on a slow network. */
async function shrunk(file) {
  if (!/^image\/(jpeg|png)$/.test(file.type) || file.size <= SHRINK_ABOVE || !window.createImageBitmap) return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    return blob && blob.size < file.size ? blob : file;
  } catch {
    return file;  // the server checks what it gets
  }
}

function formValues() {
  const form = byId("application-form");
  return {
    name: byId("name").value.trim(),
    trades: [...form.querySelectorAll("input[name=trades]:checked")].map((input) => input.value),
    qualification: (form.querySelector("input[name=qualification]:checked") || { value: "" }).value,
    pincode: byId("pincode").value.trim(),
    home_lat: state.gps ? state.gps.lat : null,
    home_lng: state.gps ? state.gps.lng : null,
    pin: byId("pin").value,
    language: state.lang,
  };
}

async function sendApplication(event) {
  event.preventDefault();
  const progress = byId("progress");
  await busy(byId("submit-btn"), async () => {
    if (byId("pin").value !== byId("pin2").value) {
      state.errors = [{ field: "pin", ...T.pin_mismatch }];
      renderErrors();
      return;
    }
    try {
      progress.textContent = t("saving");
      state.application = await api("PUT", "/application", { json: formValues() });
      const refused = [];  // each document is tried, so every wrong one is named at once
      for (const kind of ["id_proof", "photo"]) {
        const file = byId(kind).files[0];
        if (!file) continue;
        const name = state.form.documents.find((doc) => doc.kind === kind);
        progress.textContent = t("uploading", { document: pick(name) });
        try {
          const document = await api("POST", `/application/documents/${kind}`, { blob: await shrunk(file), query: { filename: file.name } });
          state.uploaded[kind] = document.file_name;
          byId(kind).value = "";
          renderUploads();
        } catch (error) {
          if (!(error instanceof ApiError) || !error.errors.length) throw error;
          refused.push(error);
        }
      }
      if (refused.length) {
        refused[0].errors = refused.flatMap((error) => error.errors);
        throw refused[0];
      }
      progress.textContent = t("sending");
      state.application = await api("POST", "/application/submit");
      byId("pin").value = "";
      byId("pin2").value = "";
      show("status");
    } finally {
      progress.textContent = "";
    }
  });
}

// ---- where it stands ----------------------------------------------------------------------------

function renderStatus() {
  const application = state.application;
  const stage = application.stage;
  byId("status-heading").textContent = t("status_heading", { name: application.name });
  byId("status-text").textContent = t(`stage.${stage}`);
  const reached = STEP_REACHED[stage];
  byId("status-steps").replaceChildren(...STEPS.map((step, index) => {
    const item = document.createElement("li");
    item.textContent = t(`step.${step}`);
    item.className = index < reached ? "done" : index === reached ? "next" : "";
    if (stage === "struck_off" && index === 2) item.className = "failed";
    return item;
  }));
  byId("status-reason").hidden = !application.reason;
  byId("status-reason-text").textContent = application.reason || "";
  const police = application.police;
  byId("status-police").hidden = !police.reference;
  byId("police-reference").textContent = police.result_reference || police.reference || "";
  byId("police-requested-on").textContent = police.requested_on || "—";
  byId("police-result-on").textContent = police.result_on || "—";
  byId("worker-app").hidden = stage !== "verified";
  byId("edit-btn").hidden = !["draft", "rejected"].includes(stage);
}

async function refreshStatus() {
  await busy(byId("refresh-btn"), async () => {
    state.application = (await api("GET", "/application")).application;
    await openApplication();
  });
}

async function editApplication() {
  await loadForm();
  fillForm(state.application);
  show("form");
}

// ---- start --------------------------------------------------------------------------------------

function start() {
  byId("lang-hi").addEventListener("click", () => setLanguage("hi"));
  byId("lang-en").addEventListener("click", () => setLanguage("en"));
  byId("phone-form").addEventListener("submit", sendOtp);
  byId("otp-form").addEventListener("submit", checkOtp);
  byId("otp-resend").addEventListener("click", () => sendOtp());
  byId("otp-back").addEventListener("click", () => { state.otp = null; clearErrors(); show("phone"); });
  byId("pin-form").addEventListener("submit", pinLogin);
  byId("pincode").addEventListener("input", lookUpPincode);
  byId("gps-btn").addEventListener("click", takeLocation);
  byId("photo").addEventListener("change", previewPhoto);
  byId("application-form").addEventListener("submit", sendApplication);
  byId("refresh-btn").addEventListener("click", refreshStatus);
  byId("edit-btn").addEventListener("click", editApplication);
  byId("logout-btn").addEventListener("click", endSession);
  if (!state.session) {
    show("phone");
    return;
  }
  show("status");
  refreshStatus();
}

document.addEventListener("DOMContentLoaded", start);
