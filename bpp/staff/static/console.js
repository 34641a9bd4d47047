// Seva Mitra staff console: plain JavaScript over the staff JSON APIs (/staff/api/...).
// Every label lives in TEXT in Hindi and English; API messages arrive in both and are shown in the chosen one.
"use strict";

const API = "/staff/api";
const LANG_KEY = "sevamitra.staff.lang";
const SESSION_KEY = "sevamitra.staff.session";
const EDITORS = ["admin", "district_officer"];

const TEXT = {
  "app.title": { hi: "सेवा मित्र — स्टाफ़ कंसोल", en: "Seva Mitra — staff console" },
  "app.helpline": { hi: "हेल्पलाइन 155330", en: "Helpline 155330" },
  "login.title": { hi: "स्टाफ़ लॉग इन", en: "Staff log in" },
  "login.username": { hi: "उपयोगकर्ता नाम", en: "Username" },
  "login.password": { hi: "पासवर्ड", en: "Password" },
  "login.submit": { hi: "लॉग इन करें", en: "Log in" },
  "logout": { hi: "लॉग आउट", en: "Log out" },
  "logged_out": { hi: "आप लॉग आउट हो गए। फिर से काम करने के लिए लॉग इन करें।", en: "You have logged out. Log in again to continue." },
  "role.admin": { hi: "व्यवस्थापक", en: "Administrator" },
  "role.district_officer": { hi: "ज़िला अधिकारी", en: "District officer" },
  "role.helpline_operator": { hi: "हेल्पलाइन संचालक", en: "Helpline operator" },
  "tab.catalog": { hi: "सेवा सूची", en: "Catalogue" },
  "tab.workers": { hi: "कर्मी", en: "Workers" },
  "tab.complaints": { hi: "शिकायतें", en: "Complaints" },
  "tab.txlog": { hi: "लेन-देन लॉग", en: "Transaction log" },
  "refresh": { hi: "ताज़ा करें", en: "Refresh" },
  "actions": { hi: "कार्रवाई", en: "Actions" },
  "when": { hi: "कब", en: "When" },
  "who": { hi: "किसने", en: "By" },
  "yes": { hi: "हाँ", en: "Yes" },
  "no": { hi: "नहीं", en: "No" },
  "save": { hi: "सहेजें", en: "Save" },
  "cancel": { hi: "रद्द करें", en: "Cancel" },
  "open": { hi: "खोलें", en: "Open" },
  "empty": { hi: "अभी कुछ नहीं है।", en: "Nothing here yet." },
  "loading": { hi: "लोड हो रहा है…", en: "Loading…" },
  "minutes": { hi: "{n} मिनट", en: "{n} min" },

  "catalog.title": { hi: "सेवाएँ और तय शुल्क", en: "Services and fixed fees" },
  "catalog.hint": {
    hi: "अप्रकाशित सेवा खरीदार ऐप में नहीं दिखती; पहले से पक्के ऑर्डर अपनी शर्तों पर चलते रहते हैं।",
    en: "An unpublished service no longer shows in buyer apps; confirmed orders keep their terms.",
  },
  "catalog.id": { hi: "कोड", en: "Code" },
  "catalog.name_hi": { hi: "नाम (हिंदी)", en: "Name (Hindi)" },
  "catalog.name_en": { hi: "नाम (अंग्रेज़ी)", en: "Name (English)" },
  "catalog.district": { hi: "ज़िला", en: "District" },
  "catalog.fee": { hi: "तय शुल्क", en: "Fixed fee" },
  "catalog.duration": { hi: "समय", en: "Duration" },
  "catalog.published": { hi: "प्रकाशित", en: "Published" },
  "catalog.publish": { hi: "प्रकाशित करें", en: "Publish" },
  "catalog.unpublish": { hi: "अप्रकाशित करें", en: "Unpublish" },
  "catalog.edit_fee": { hi: "शुल्क बदलें", en: "Edit fee" },
  "catalog.new_fee": { hi: "नया शुल्क (₹)", en: "New fee (₹)" },
  "catalog.export": { hi: "CSV डाउनलोड करें", en: "Download CSV" },
  "catalog.exported": { hi: "सेवा सूची catalogue.csv में डाउनलोड हुई।", en: "The catalogue was downloaded as catalogue.csv." },
  "catalog.published_now": { hi: "“{name}” अब प्रकाशित है।", en: "“{name}” is now published." },
  "catalog.unpublished_now": { hi: "“{name}” अब अप्रकाशित है।", en: "“{name}” is now unpublished." },
  "catalog.fee_saved": { hi: "“{name}” का शुल्क अब ₹{fee} है।", en: "The fee of “{name}” is now ₹{fee}." },

  "import.title": { hi: "CSV से सेवाएँ जोड़ें या बदलें", en: "Add or change services from a CSV" },
  "import.hint": {
    hi: "ऊपर से डाउनलोड की गई CSV का ढाँचा इस्तेमाल करें। सही पंक्तियाँ सहेजी जाती हैं; गलत पंक्तियाँ नीचे पंक्ति और फ़ील्ड सहित दिखती हैं।",
    en: "Use the layout of the CSV downloaded above. Good rows are saved; wrong rows are listed below by line and field.",
  },
  "import.choose": { hi: "CSV फ़ाइल चुनें", en: "Choose CSV file" },
  "import.no_file": { hi: "कोई फ़ाइल नहीं चुनी", en: "No file chosen" },
  "import.submit": { hi: "CSV भेजें", en: "Upload CSV" },
  "import.uploading": { hi: "भेजा जा रहा है: {percent}%", en: "Uploading: {percent}%" },
  "import.checking": { hi: "सर्वर पंक्तियाँ जाँच रहा है… {seconds} सेकंड", en: "The server is checking the rows… {seconds} s" },
  "import.done": {
    hi: "{imported} पंक्तियाँ सहेजी गईं, {failed} पंक्तियों में गलती है।",
    en: "{imported} rows saved, {failed} rows have errors.",
  },
  "import.fix_rows": {
    hi: "नीचे दी गई पंक्तियाँ ठीक करें और केवल उन्हें फिर से भेजें।",
    en: "Correct the rows listed below and upload only those again.",
  },
  "import.choose_file": { hi: "पहले एक CSV फ़ाइल चुनें।", en: "Choose a CSV file first." },
  "import.line": { hi: "पंक्ति", en: "Line" },
  "import.field": { hi: "फ़ील्ड", en: "Field" },
  "import.error": { hi: "गलती और उपाय", en: "Error and what to do" },

  "workers.title": { hi: "कर्मी", en: "Workers" },
  "workers.name": { hi: "नाम", en: "Name" },
  "workers.phone": { hi: "मोबाइल नंबर", en: "Mobile number" },
  "workers.skills": { hi: "कौशल", en: "Skills" },
  "workers.verification": { hi: "सत्यापन", en: "Verification" },
  "workers.standing": { hi: "स्थिति", en: "Standing" },
  "workers.manage": { hi: "प्रबंधन", en: "Manage" },
  "workers.verify_steps": { hi: "सत्यापन के चरण (क्रम से)", en: "Verification steps (in order)" },
  "workers.reason": { hi: "कारण", en: "Reason" },
  "workers.reason_hint": {
    hi: "अस्वीकार, निलंबन और प्रतिबंध के लिए कारण ज़रूरी है; यह ऑडिट में दर्ज होता है।",
    en: "Rejecting, suspending and banning need a reason; it is kept in the audit trail.",
  },
  "workers.audit": { hi: "ऑडिट (किसने क्या बदला)", en: "Audit trail (who changed what)" },
  "workers.action": { hi: "कार्रवाई", en: "Action" },
  "workers.before_after": { hi: "पहले → बाद", en: "Before → after" },
  "workers.done": { hi: "“{name}”: {action} हो गया।", en: "“{name}”: {action} done." },
  "step.check_documents": { hi: "दस्तावेज़ जाँचे", en: "Documents checked" },
  "step.request_police_verification": { hi: "पुलिस सत्यापन का अनुरोध भेजा", en: "Police verification requested" },
  "step.police_cleared": { hi: "पुलिस से मंज़ूरी मिली", en: "Cleared by police" },
  "step.reject": { hi: "अस्वीकार करें", en: "Reject" },
  "standing.suspend": { hi: "निलंबित करें", en: "Suspend" },
  "standing.reinstate": { hi: "बहाल करें", en: "Reinstate" },
  "standing.ban": { hi: "स्थायी प्रतिबंध", en: "Ban permanently" },
  "verification.registered": { hi: "पंजीकृत", en: "Registered" },
  "verification.documents_checked": { hi: "दस्तावेज़ जाँचे गए", en: "Documents checked" },
  "verification.police_verification_pending": { hi: "पुलिस सत्यापन बाकी", en: "Police verification pending" },
  "verification.verified": { hi: "सत्यापित", en: "Verified" },
  "verification.rejected": { hi: "अस्वीकृत", en: "Rejected" },
  "standing.active": { hi: "सक्रिय", en: "Active" },
  "standing.suspended": { hi: "निलंबित", en: "Suspended" },
  "standing.banned": { hi: "प्रतिबंधित", en: "Banned" },

  "register.title": { hi: "नया कर्मी पंजीकृत करें", en: "Register a new worker" },
  "register.pin": { hi: "लॉग इन पिन (4–6 अंक)", en: "Login PIN (4–6 digits)" },
  "register.lat": { hi: "घर का अक्षांश", en: "Home latitude" },
  "register.lng": { hi: "घर का देशांतर", en: "Home longitude" },
  "register.languages": { hi: "भाषाएँ", en: "Languages" },
  "register.documents": { hi: "दस्तावेज़", en: "Documents" },
  "register.aadhaar": { hi: "आधार संख्या", en: "Aadhaar number" },
  "register.police_certificate": { hi: "पुलिस प्रमाणपत्र संख्या", en: "Police certificate number" },
  "register.submit": { hi: "पंजीकृत करें", en: "Register" },
  "register.done": {
    hi: "“{name}” पंजीकृत हो गईं/गए। अब सत्यापन के चरण पूरे करें; तब तक काम नहीं मिलेगा।",
    en: "“{name}” is registered. Now complete the verification steps; no jobs are offered until then.",
  },

  "complaints.title": { hi: "शिकायतें", en: "Complaints" },
  "complaints.overdue_only": { hi: "केवल देर वाली", en: "Overdue only" },
  "complaints.filed": { hi: "दर्ज", en: "Filed" },
  "complaints.order": { hi: "ऑर्डर संख्या", en: "Order id" },
  "complaints.kind": { hi: "प्रकार", en: "Kind" },
  "complaints.status": { hi: "स्थिति", en: "Status" },
  "complaints.summary": { hi: "विवरण", en: "Description" },
  "complaints.deadlines": { hi: "जवाब / समाधान की समय-सीमा", en: "Respond by / resolve by" },
  "complaints.overdue": { hi: "देर", en: "Overdue" },
  "complaints.late_response": { hi: "जवाब में देर", en: "Response late" },
  "complaints.late_resolution": { hi: "समाधान में देर", en: "Resolution late" },
  "complaints.on_time": { hi: "समय पर", en: "On time" },
  "complaints.history": { hi: "इतिहास", en: "History" },
  "complaints.side": { hi: "पक्ष", en: "Side" },
  "complaints.note": { hi: "टिप्पणी", en: "Note" },
  "complaints.caller": { hi: "शिकायतकर्ता", en: "Complainant" },
  "complaints.worker": { hi: "कर्मी", en: "Worker" },
  "complaints.resolution": { hi: "निर्णय", en: "Decision" },
  "complaints.updated": { hi: "शिकायत अपडेट हुई; खरीदार ऐप को सूचना भेजी गई।", en: "The complaint is updated; the buyer app has been told." },
  "kind.overcharging": { hi: "तय शुल्क से ज़्यादा लिया", en: "Overcharging" },
  "kind.no_show": { hi: "कर्मी नहीं आया", en: "Worker did not come" },
  "kind.quality": { hi: "काम की गुणवत्ता", en: "Quality of work" },
  "kind.conduct": { hi: "व्यवहार", en: "Conduct" },
  "kind.other": { hi: "अन्य", en: "Other" },
  "status.OPEN": { hi: "खुली", en: "Open" },
  "status.PROCESSING": { hi: "कार्रवाई जारी", en: "Processing" },
  "status.RESOLVED": { hi: "निर्णय हुआ", en: "Resolved" },
  "status.CLOSED": { hi: "बंद", en: "Closed" },
  "respond.title": { hi: "जवाब दें", en: "Respond" },
  "respond.action": { hi: "जवाब", en: "Response" },
  "respond.processing": { hi: "जाँच चल रही है", en: "Processing" },
  "respond.need_info": { hi: "और जानकारी चाहिए", en: "Need more information" },
  "respond.kind": { hi: "प्रकार बदलें (वैकल्पिक)", en: "Reclassify (optional)" },
  "respond.kind_same": { hi: "जैसा है वैसा", en: "Keep as it is" },
  "respond.note": { hi: "खरीदार के लिए टिप्पणी", en: "Note for the buyer" },
  "respond.submit": { hi: "जवाब भेजें", en: "Send response" },
  "resolve.title": { hi: "निर्णय दें", en: "Resolve" },
  "resolve.decision": { hi: "निर्णय", en: "Decision" },
  "resolve.uphold": { hi: "शिकायत सही (मान्य)", en: "Uphold" },
  "resolve.reject": { hi: "शिकायत अस्वीकार", en: "Reject" },
  "resolve.short_desc": { hi: "संक्षिप्त विवरण", en: "Short description" },
  "resolve.long_desc": { hi: "पूरा विवरण (वैकल्पिक)", en: "Details (optional)" },
  "resolve.action_triggered": { hi: "क्या किया गया", en: "Action taken" },
  "resolve.no_action": { hi: "कोई कार्रवाई नहीं", en: "No action" },
  "resolve.refund": { hi: "धनवापसी", en: "Refund" },
  "resolve.cancel": { hi: "ऑर्डर रद्द", en: "Cancel the order" },
  "resolve.replacement": { hi: "दोबारा सेवा", en: "Service again" },
  "resolve.refund_amount": { hi: "धनवापसी राशि (₹, केवल धनवापसी पर)", en: "Refund amount (₹, refunds only)" },
  "resolve.hint": {
    hi: "मान्य की गई अधिक-शुल्क शिकायत कर्मी को निलंबित करती है; दूसरी बार स्थायी प्रतिबंध लगता है।",
    en: "An upheld overcharging complaint suspends the worker; a second one bans her permanently.",
  },
  "resolve.submit": { hi: "निर्णय सहेजें", en: "Save decision" },
  "file.title": { hi: "हेल्पलाइन कॉल पर शिकायत दर्ज करें", en: "File a complaint for a helpline caller" },
  "file.hint": {
    hi: "कॉल करने वाले से ऑर्डर संख्या पूछें। शिकायत को वही समय-सीमा मिलती है जो खरीदार ऐप की शिकायत को।",
    en: "Ask the caller for the order id. The complaint gets the same deadlines as one from a buyer app.",
  },
  "file.caller_name": { hi: "कॉल करने वाले का नाम", en: "Caller's name" },
  "file.caller_phone": { hi: "कॉल करने वाले का फ़ोन", en: "Caller's phone" },
  "file.submit": { hi: "शिकायत दर्ज करें", en: "File complaint" },
  "file.done": { hi: "शिकायत दर्ज हुई। जवाब {respond} तक देना है।", en: "Complaint filed. Respond by {respond}." },

  "txlog.title": { hi: "लेन-देन लॉग", en: "Transaction log" },
  "txlog.hint": {
    hi: "ONDC transaction id डालें: आए संदेश, भेजे गए callback और हर डिलीवरी प्रयास दिखेंगे।",
    en: "Enter an ONDC transaction id to see its inbound messages, callbacks and every delivery attempt.",
  },
  "txlog.id": { hi: "transaction id", en: "transaction id" },
  "txlog.lookup": { hi: "खोजें", en: "Look up" },
  "txlog.inbound": { hi: "आए संदेश", en: "Inbound messages" },
  "txlog.callbacks": { hi: "भेजे गए callback", en: "Callbacks" },
  "txlog.attempts": { hi: "डिलीवरी प्रयास", en: "Delivery attempts" },
  "txlog.nothing": {
    hi: "इस transaction id का कोई रिकॉर्ड नहीं। id दोबारा जाँचें (खरीदार ऐप या शिकायत से कॉपी करें)।",
    en: "Nothing is recorded for this transaction id. Check the id (copy it from the buyer app or the complaint).",
  },
  "txlog.action": { hi: "action", en: "Action" },
  "txlog.message_id": { hi: "message id", en: "Message id" },
  "txlog.from": { hi: "खरीदार ऐप", en: "Buyer app" },
  "txlog.ack": { hi: "ACK/NACK", en: "ACK/NACK" },
  "txlog.error": { hi: "गलती", en: "Error" },
  "txlog.ms": { hi: "मि.से.", en: "ms" },
  "txlog.status": { hi: "स्थिति", en: "Status" },
  "txlog.attempt_count": { hi: "प्रयास", en: "Attempts" },
  "txlog.target": { hi: "पता", en: "Target" },
  "txlog.http": { hi: "HTTP", en: "HTTP" },
  "txlog.outcome": { hi: "परिणाम", en: "Outcome" },
  "txlog.body": { hi: "संदेश", en: "Body" },

  "error.fields": { hi: "कुछ फ़ील्ड गलत हैं; उन्हें ठीक करके फिर भेजें।", en: "Some fields are wrong; correct them and send again." },
  "error.check_field": { hi: "यह फ़ील्ड जाँचें", en: "Check this field" },
  "error.network": {
    hi: "सर्वर तक नहीं पहुँच पाए। इंटरनेट कनेक्शन जाँचें और फिर कोशिश करें।",
    en: "Could not reach the server. Check the internet connection and try again.",
  },
  "error.401": { hi: "कृपया फिर से लॉग इन करें।", en: "Please log in again." },
  "error.403": { hi: "आपकी भूमिका में यह अनुमति नहीं है। व्यवस्थापक से संपर्क करें।", en: "Your role does not allow this. Ask an administrator." },
  "error.404": { hi: "यह रिकॉर्ड नहीं मिला। सूची ताज़ा करके फिर देखें।", en: "Not found. Refresh the list and look again." },
  "error.409": { hi: "इसी बीच किसी ने बदलाव किया है। सूची ताज़ा करें और फिर कोशिश करें।", en: "Someone changed this meanwhile. Refresh and try again." },
  "error.429": { hi: "बहुत सारे प्रयास। कुछ मिनट रुककर फिर कोशिश करें।", en: "Too many attempts. Wait a few minutes and try again." },
  "error.server": {
    hi: "सर्वर में समस्या आई। एक मिनट बाद फिर कोशिश करें; बार-बार हो तो तकनीकी टीम को बताएँ।",
    en: "The server had a problem. Try again in a minute; if it keeps happening, tell the technical team.",
  },
  "error.unknown": { hi: "अनुरोध पूरा नहीं हुआ। फिर कोशिश करें।", en: "The request did not go through. Try again." },
};

const STEPS = ["check_documents", "request_police_verification", "police_cleared"];
const VERIFICATION_ORDER = ["registered", "documents_checked", "police_verification_pending", "verified"];
const FIELD_ALIASES = { home_lat: "home_gps", home_lng: "home_gps" };

const state = {
  lang: localStorage.getItem(LANG_KEY) === "en" ? "en" : "hi",
  session: readSession(),
  tab: "catalog",
  items: [],
  providers: [],
  categories: {},
  workers: [],
  worker: null,
  complaints: [],
  complaint: null,
  txlog: null,
  editingFee: null,
  feeDraft: "",
  importReport: null,
  messages: {},
};

// Tabs kept in their own files (dashboard.js, payouts.js, …) register here with `addPanel`: their labels join
// TEXT, and the console calls each one's optional start(), load() (after log in), render() (language change),
// reset() (log out) and workerShown(worker) (the worker card was drawn).
const PANELS = [];

function addPanel(panel) {
  Object.assign(TEXT, panel.text || {});
  PANELS.push(panel);
}

function eachPanel(method, ...args) {
  return PANELS.filter((panel) => panel[method]).map((panel) => panel[method](...args));
}

// ---- small helpers ------------------------------------------------------------------------------

function readSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

function fill(template, vars, lang) {
  let text = template;
  for (const [name, value] of Object.entries(vars)) {
    const shown = value !== null && typeof value === "object" ? value[lang] : value;
    text = text.replaceAll(`{${name}}`, String(shown));
  }
  return text;
}

/** A label in the chosen language. */
function t(key, vars = {}) {
  const entry = TEXT[key];
  return entry ? fill(entry[state.lang], vars, state.lang) : key;
}

/** A message in both languages, so it can be shown again after the language changes. */
function both(key, vars = {}) {
  return { hi: fill(TEXT[key].hi, vars, "hi"), en: fill(TEXT[key].en, vars, "en") };
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

function canEdit() {
  return EDITORS.includes(role());
}

function formatTime(value, lang = state.lang) {
  if (!value) return "—";
  const locale = lang === "hi" ? "hi-IN" : "en-IN";
  return new Date(value).toLocaleString(locale, { timeZone: "Asia/Kolkata", dateStyle: "medium", timeStyle: "short" });
}

function itemName(item) {
  return { hi: item.name_hi, en: item.name_en };
}

function rows(tbody, list, build, columns) {
  tbody.replaceChildren(...(list.length ? list.map(build) : [el("tr", {}, el("td", { colspan: columns, class: "empty", text: t("empty") }))]));
}

// ---- talking to the API -------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.problem = problemFrom(status, body);
  }
}

function fieldError(raw) {
  const en = raw.en || raw.error || "";
  const hi = raw.hi || raw.error_hi || `${TEXT["error.check_field"].hi}: ${en}`;
  return { field: raw.field || "", line: raw.line, en, hi };
}

/** What went wrong, in both languages, from any answer shape the staff APIs give. */
function problemFrom(status, body) {
  const detail = body ? body.detail : null;
  const listed = (body && Array.isArray(body.errors) && body.errors)
    || (detail && Array.isArray(detail.errors) && detail.errors) || [];
  const errors = listed.map(fieldError);
  let message;
  if (detail && typeof detail === "object" && (detail.en || detail.hi)) {
    message = { en: detail.en || detail.hi, hi: detail.hi || detail.en };
  } else if (errors.length) {
    message = TEXT["error.fields"];
  } else if (status === 0) {
    message = TEXT["error.network"];
  } else if (status >= 500) {
    message = TEXT["error.server"];
  } else {
    message = TEXT[`error.${status}`] || TEXT["error.unknown"];
  }
  return { tone: "error", hi: message.hi, en: message.en, errors };
}

function asProblem(error) {
  if (error instanceof ApiError) return error.problem;
  console.error(error);
  return { tone: "error", ...TEXT["error.unknown"], errors: [] };
}

function readAnswer(status, raw, asText) {
  if (status >= 200 && status < 300) {
    if (asText) return raw;
    return raw ? JSON.parse(raw) : null;
  }
  let body = null;
  try {
    body = JSON.parse(raw);
  } catch {
    body = null;
  }
  const error = new ApiError(status, body);
  if (status === 401 && state.session) {
    error.endedSession = true;  // the login screen shows why; the screen that asked has gone
    endSession(error.problem);
  }
  throw error;
}

function authHeaders() {
  return state.session ? { Authorization: `Bearer ${state.session.token}` } : {};
}

async function api(method, path, { json, asText = false } = {}) {
  const headers = authHeaders();
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
  return readAnswer(response.status, await response.text(), asText);
}

/** Download a file (CSV, Excel, a document) under the name the server gives it. */
async function downloadFile(path, fallbackName) {
  let response;
  try {
    response = await fetch(API + path, { headers: authHeaders() });
  } catch {
    throw new ApiError(0, null);
  }
  if (!response.ok) readAnswer(response.status, await response.text(), false);
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(response.headers.get("Content-Disposition") || "");
  const link = el("a", { href: URL.createObjectURL(await response.blob()), download: named ? decodeURIComponent(named[1]) : fallbackName });
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(link.href);
  return link.download;
}

/** Send a file as the request body (a CSV, a scanned document); the answer is JSON. */
async function sendFile(path, file, contentType, query = "") {
  let response;
  try {
    response = await fetch(`${API}${path}${query}`, {
      method: "POST", headers: { ...authHeaders(), "Content-Type": contentType || "application/octet-stream" }, body: file,
    });
  } catch {
    throw new ApiError(0, null);
  }
  return readAnswer(response.status, await response.text(), false);
}

/** Run one user action: its button is disabled meanwhile and a failure is shown in `slot`. */
async function act(slot, work, button) {
  if (button) button.disabled = true;
  say(slot, null);
  try {
    await work();
  } catch (error) {
    if (!error.endedSession) say(slot, asProblem(error));
  } finally {
    if (button) button.disabled = false;
  }
}

// ---- messages ----------------------------------------------------------------------------------

function say(slot, message) {
  state.messages[slot] = message;
  renderMessage(slot);
}

function ok(key, vars) {
  return { tone: "ok", ...both(key, vars), errors: [] };
}

function fieldSlot(form, field) {
  const name = FIELD_ALIASES[field] || field.split(".")[0];
  return name ? form.querySelector(`[data-error-for="${CSS.escape(name)}"]`) : null;
}

function renderMessage(slot) {
  const box = document.querySelector(`[data-msg="${slot}"]`);
  if (!box) return;
  const message = state.messages[slot];
  const form = box.dataset.form ? byId(box.dataset.form) : null;
  if (form) {
    form.querySelectorAll("[data-error-for]").forEach((node) => { node.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
  }
  box.replaceChildren();
  box.className = "msg";
  if (!message) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.classList.add(`msg-${message.tone}`);
  box.append(el("p", { text: pick(message) }));
  const unplaced = [];
  for (const error of message.errors || []) {
    const target = form && fieldSlot(form, error.field);
    if (!target) {
      unplaced.push(error);
      continue;
    }
    if (!target.textContent.includes(pick(error))) target.textContent = `${target.textContent} ${pick(error)}`.trim();
    const input = target.parentElement.querySelector("input, select, textarea");
    if (input) input.setAttribute("aria-invalid", "true");
  }
  if (unplaced.length) {
    box.append(el("ul", {}, unplaced.map((error) => el("li", {}, error.field ? el("code", { text: error.field }) : null, " ", pick(error)))));
  }
}

// ---- language, session, tabs ---------------------------------------------------------------------

function applyText() {
  document.documentElement.lang = state.lang;
  document.title = t("app.title");
  document.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((node) => { node.placeholder = t(node.dataset.i18nPlaceholder); });
  document.querySelectorAll("[data-hi]").forEach((node) => { node.textContent = node.dataset[state.lang] || node.dataset.en; });
  byId("lang-hi").setAttribute("aria-pressed", String(state.lang === "hi"));
  byId("lang-en").setAttribute("aria-pressed", String(state.lang === "en"));
}

function setLanguage(lang) {
  state.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  renderAll();
}

function renderAll() {
  applyText();
  renderSession();
  renderItems();
  renderImportReport();
  renderWorkers();
  renderWorkerDetail();
  renderComplaints();
  renderComplaintDetail();
  renderTxlog();
  eachPanel("render");
  Object.keys(state.messages).forEach(renderMessage);
}

function renderSession() {
  const session = state.session;
  byId("login-screen").hidden = Boolean(session);
  byId("console").hidden = !session;
  byId("who").hidden = !session;
  if (!session) return;
  byId("who-name").textContent = session.display_name;
  byId("who-role").textContent = t(`role.${session.role}`) + (session.district ? ` · ${session.district}` : "");
  document.querySelectorAll("[data-roles]").forEach((node) => {
    node.hidden = !node.dataset.roles.split(" ").includes(session.role);
  });
  document.querySelectorAll("[data-tab]").forEach((button) => {
    button.setAttribute("aria-selected", String(button.dataset.tab === state.tab));
  });
  document.querySelectorAll(".tab-panel").forEach((panel) => { panel.hidden = panel.id !== `tab-${state.tab}`; });
}

function showTab(name) {
  state.tab = name;
  renderSession();
}

async function logIn(event) {
  event.preventDefault();
  const form = event.target;
  const button = byId("login-submit");
  await act("login", async () => {
    const answer = await api("POST", "/login", { json: { username: form.username.value.trim(), password: form.password.value } });
    state.session = answer;
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(answer));
    form.password.value = "";
    prepareWorkerForm();
    renderAll();
    await loadEverything();
    const notices = answer.notices || [];  // lock-outs someone else caused on this account since the last login
    if (notices.length) {
      say("catalog", { tone: "error", en: notices.map((n) => n.en).join(" "), hi: notices.map((n) => n.hi).join(" "), errors: [] });
    }
  }, button);
}

function endSession(message) {
  sessionStorage.removeItem(SESSION_KEY);
  Object.assign(state, {
    session: null, tab: "catalog", items: [], providers: [], workers: [], worker: null, complaints: [], complaint: null,
    txlog: null, editingFee: null, importReport: null, messages: {},
  });
  eachPanel("reset");
  renderAll();
  say("login", message);
}

async function loadEverything() {
  await Promise.all([loadCatalog(), loadWorkers(), loadComplaints(), ...eachPanel("load")]);
}

// ---- catalogue ----------------------------------------------------------------------------------

async function loadCatalog() {
  await act("catalog", async () => {
    const [items, providers, categories] = await Promise.all([
      api("GET", "/catalog/items"), api("GET", "/catalog/providers"), api("GET", "/catalog/categories"),
    ]);
    state.items = items;
    state.providers = providers;
    state.categories = Object.fromEntries(categories.map((category) => [category.code, category]));
    renderItems();
    renderSkillChoices();
  });
}

function districtOf(item) {
  const provider = state.providers.find((candidate) => candidate.id === item.provider_id);
  return provider ? provider.city : "—";
}

function replaceItem(saved) {
  state.items = state.items.map((item) => (item.id === saved.id ? saved : item));
  renderItems();
  renderSkillChoices();
}

function feeCell(item) {
  if (state.editingFee !== item.id) return el("td", { class: "num", text: `₹${item.fee}` });
  const input = el("input", {
    name: "fee", inputmode: "decimal", size: 7, value: state.feeDraft, "aria-label": t("catalog.new_fee"),
    oninput: (event) => { state.feeDraft = event.target.value; },
  });
  const form = el("form", { class: "fee-form", onsubmit: (event) => saveFee(event, item) },
    input,
    el("button", { type: "submit", text: t("save") }),
    el("button", { type: "button", class: "secondary", text: t("cancel"), onclick: () => { state.editingFee = null; renderItems(); } }));
  queueMicrotask(() => input.focus());
  return el("td", {}, form);
}

async function saveFee(event, item) {
  event.preventDefault();
  const button = event.submitter;
  await act("catalog", async () => {
    const saved = await api("PUT", `/catalog/items/${encodeURIComponent(item.id)}`, { json: { fee: state.feeDraft.trim() } });
    state.editingFee = null;
    replaceItem(saved);
    say("catalog", ok("catalog.fee_saved", { name: itemName(saved), fee: saved.fee }));
  }, button);
}

async function togglePublished(item, button) {
  const action = item.published ? "unpublish" : "publish";
  await act("catalog", async () => {
    const saved = await api("POST", `/catalog/items/${encodeURIComponent(item.id)}/${action}`);
    replaceItem(saved);
    say("catalog", ok(saved.published ? "catalog.published_now" : "catalog.unpublished_now", { name: itemName(saved) }));
  }, button);
}

function itemActions(item) {
  if (!canEdit()) return null;
  const toggle = el("button", {
    type: "button", class: item.published ? "secondary" : "", "data-action": "toggle-publish",
    text: t(item.published ? "catalog.unpublish" : "catalog.publish"),
    onclick: (event) => togglePublished(item, event.currentTarget),
  });
  const editFee = el("button", {
    type: "button", class: "secondary", "data-action": "edit-fee", text: t("catalog.edit_fee"),
    onclick: () => { state.editingFee = item.id; state.feeDraft = item.fee; renderItems(); },
  });
  return el("td", {}, el("div", { class: "row-actions" }, toggle, editFee));
}

function renderItems() {
  const tbody = byId("items-table").tBodies[0];
  rows(tbody, state.items, (item) => el("tr", { "data-item-id": item.id, class: item.published ? "" : "muted" },
    el("td", {}, el("code", { text: item.id })),
    el("td", { lang: "hi", class: "name-hi", text: item.name_hi }),
    el("td", { lang: "en", text: item.name_en }),
    el("td", { text: districtOf(item) }),
    feeCell(item),
    el("td", { class: "num", text: t("minutes", { n: item.duration_minutes }) }),
    el("td", { class: "published" }, el("span", { class: item.published ? "badge ok" : "badge off", text: t(item.published ? "yes" : "no") })),
    itemActions(item)), canEdit() ? 8 : 7);
}

async function exportCsv(event) {
  const button = event.currentTarget;
  await act("catalog", async () => {
    const csv = await api("GET", "/catalog/items.csv", { asText: true });
    const link = el("a", { href: URL.createObjectURL(new Blob([csv], { type: "text/csv" })), download: "catalogue.csv" });
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(link.href);
    say("catalog", ok("catalog.exported"));
  }, button);
}

/** Upload the CSV with XMLHttpRequest, whose upload events drive the progress bar. */
function uploadCsv(file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `${API}/catalog/items/import`);
    for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value);
    request.setRequestHeader("Content-Type", "text/csv");
    request.upload.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
    request.upload.onload = () => onProgress(1);
    request.onload = () => {
      try {
        resolve(readAnswer(request.status, request.responseText, false));
      } catch (error) {
        reject(error);
      }
    };
    request.onerror = () => reject(new ApiError(0, null));
    request.send(file);
  });
}

async function importCsv(event) {
  event.preventDefault();
  const file = byId("import-file").files[0];
  if (!file) {
    say("import", { tone: "error", ...TEXT["import.choose_file"], errors: [] });
    return;
  }
  const bar = byId("import-bar");
  const status = byId("import-status");
  const started = Date.now();
  let uploaded = false;
  const showProgress = () => {
    if (uploaded) {
      bar.removeAttribute("value");  // indeterminate while the server checks the rows
      status.textContent = t("import.checking", { seconds: Math.round((Date.now() - started) / 1000) });
    }
  };
  const timer = setInterval(showProgress, 500);
  byId("import-progress").hidden = false;
  bar.value = 0;
  status.textContent = t("import.uploading", { percent: 0 });
  state.importReport = null;
  renderImportReport();
  await act("import", async () => {
    const report = await uploadCsv(file, (share) => {
      bar.value = Math.round(share * 100);
      status.textContent = t("import.uploading", { percent: bar.value });
      uploaded = share >= 1;
      showProgress();
    });
    state.importReport = report;
    renderImportReport();
    const summary = both("import.done", { imported: report.imported.length, failed: new Set(report.errors.map((e) => e.line)).size });
    if (report.errors.length) {
      const next = both("import.fix_rows");
      say("import", { tone: "warn", hi: `${summary.hi} ${next.hi}`, en: `${summary.en} ${next.en}`, errors: [] });
    } else {
      say("import", { tone: "ok", ...summary, errors: [] });
    }
    await loadCatalog();
  }, byId("import-submit"));
  clearInterval(timer);
  byId("import-progress").hidden = true;
}

function showChosenFile() {
  const file = byId("import-file").files[0];
  const label = byId("import-file-name");
  if (file) {
    label.removeAttribute("data-i18n");
    label.textContent = file.name;
  } else {
    label.dataset.i18n = "import.no_file";
    label.textContent = t("import.no_file");
  }
}

function renderImportReport() {
  const table = byId("import-errors");
  const errors = state.importReport ? state.importReport.errors.map(fieldError) : [];
  table.hidden = errors.length === 0;
  table.tBodies[0].replaceChildren(...errors.map((error) => el("tr", {},
    el("td", { class: "num", text: String(error.line) }),
    el("td", {}, el("code", { text: error.field })),
    el("td", { text: pick(error) }))));
}

// ---- workers ------------------------------------------------------------------------------------

async function loadWorkers() {
  await act("workers", async () => {
    state.workers = await api("GET", "/workers");
    renderWorkers();
  });
}

function skillNames(skills) {
  return skills.map((code) => (state.categories[code] ? pick({ hi: state.categories[code].name_hi, en: state.categories[code].name_en }) : code)).join(", ");
}

function renderWorkers() {
  rows(byId("workers-table").tBodies[0], state.workers, (worker) => el("tr", { "data-worker-id": worker.id },
    el("td", { text: worker.name }),
    el("td", { text: worker.phone }),
    el("td", { text: worker.district }),
    el("td", { text: skillNames(worker.skills) }),
    el("td", {}, el("span", { class: `badge v-${worker.verification}`, text: t(`verification.${worker.verification}`) })),
    el("td", {}, el("span", { class: `badge s-${worker.standing}`, text: t(`standing.${worker.standing}`) })),
    el("td", {}, el("button", { type: "button", class: "secondary", "data-action": "manage", text: t("workers.manage"), onclick: () => openWorker(worker.id) }))), 7);
}

async function openWorker(workerId) {
  await act("workers", async () => {
    state.worker = await api("GET", `/workers/${encodeURIComponent(workerId)}`);
    say("worker", null);
    byId("worker-reason").value = "";
    renderWorkerDetail();
    byId("worker-detail").scrollIntoView({ block: "nearest" });
  });
}

async function workerAction(path, labelKey, button) {
  const worker = state.worker;
  const reason = byId("worker-reason").value.trim();
  await act("worker", async () => {
    await api("POST", `/workers/${encodeURIComponent(worker.id)}/${path}`, { json: { reason: reason || null } });
    state.worker = await api("GET", `/workers/${encodeURIComponent(worker.id)}`);
    byId("worker-reason").value = "";
    say("worker", ok("workers.done", { name: worker.name, action: both(labelKey) }));
    renderWorkerDetail();
    state.workers = await api("GET", "/workers");
    renderWorkers();
  }, button);
}

function stepButton(step, index, verification) {
  const position = VERIFICATION_ORDER.indexOf(verification);
  const done = position > index;
  const next = position === index;
  return el("li", { class: done ? "done" : next ? "next" : "" },
    el("button", {
      type: "button", "data-step": step, disabled: !next, class: next ? "" : "secondary",
      text: `${done ? "✓ " : ""}${t(`step.${step}`)}`,
      onclick: (event) => workerAction(`verification/${step}`, `step.${step}`, event.currentTarget),
    }));
}

function renderWorkerDetail() {
  const worker = state.worker;
  byId("worker-detail").hidden = !worker;
  if (!worker) return;
  byId("worker-detail-title").textContent = `${worker.name} · ${worker.phone}`;
  byId("worker-summary").replaceChildren(el("p", {},
    el("span", { class: `badge v-${worker.verification}`, "data-field": "verification", text: t(`verification.${worker.verification}`) }), " ",
    el("span", { class: `badge s-${worker.standing}`, "data-field": "standing", text: t(`standing.${worker.standing}`) }), " ",
    `${worker.district} · ${skillNames(worker.skills)}`,
    worker.standing_reason ? ` · ${t("workers.reason")}: ${worker.standing_reason}` : ""));
  byId("worker-steps").replaceChildren(...STEPS.map((step, index) => stepButton(step, index, worker.verification)));
  const standing = [];
  if (!["verified", "rejected"].includes(worker.verification)) standing.push(["verification/reject", "step.reject"]);
  if (worker.standing === "active") standing.push(["suspend", "standing.suspend"]);
  if (worker.standing === "suspended") standing.push(["reinstate", "standing.reinstate"]);
  if (worker.standing !== "banned") standing.push(["ban", "standing.ban"]);
  byId("worker-standing-actions").replaceChildren(...standing.map(([path, key]) => el("button", {
    type: "button", class: path === "reinstate" ? "" : "danger", "data-action": path, text: t(key),
    onclick: (event) => workerAction(path, key, event.currentTarget),
  })));
  rows(byId("worker-audit").tBodies[0], worker.audit, (entry) => el("tr", {},
    el("td", { text: formatTime(entry.at) }),
    el("td", { text: entry.actor }),
    el("td", { text: entry.action }),
    el("td", { text: `${entry.before || "—"} → ${entry.after || "—"}` }),
    el("td", { text: entry.reason || "" })), 5);
  eachPanel("workerShown", worker);
}

function renderSkillChoices() {
  const box = byId("skill-choices");
  const checked = new Set([...box.querySelectorAll("input:checked")].map((input) => input.value));
  // a worker's skills must be categories buyers can book now: those of published items
  const used = [...new Set(state.items.filter((item) => item.published).map((item) => item.category_id))].sort();
  box.replaceChildren(...used.map((code) => {
    const category = state.categories[code] || { name_hi: code, name_en: code };
    return el("label", { class: "choice" },
      el("input", { type: "checkbox", name: "skills", value: code, checked: checked.has(code) }), " ",
      el("span", { "data-hi": category.name_hi, "data-en": category.name_en, text: pick({ hi: category.name_hi, en: category.name_en }) }));
  }));
}

function prepareWorkerForm() {
  const district = byId("worker-form").elements.district;
  const officer = role() === "district_officer";
  district.value = officer ? state.session.district : "";
  district.readOnly = officer;
}

function numberOrText(value) {
  const trimmed = value.trim();
  return trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

async function registerWorker(event) {
  event.preventDefault();
  const form = event.target;
  const values = form.elements;
  const body = {
    name: values.name.value.trim(),
    phone: values.phone.value.trim(),
    pin: values.pin.value.trim(),
    district: values.district.value.trim(),
    home_lat: numberOrText(values.home_lat.value),
    home_lng: numberOrText(values.home_lng.value),
    skills: [...form.querySelectorAll("input[name=skills]:checked")].map((input) => input.value),
    languages: [...form.querySelectorAll("input[name=languages]:checked")].map((input) => input.value),
    documents: [["aadhaar", values.aadhaar.value], ["police_certificate", values.police_certificate.value]]
      .filter(([, number]) => number.trim()).map(([kind, number]) => ({ kind, number: number.trim() })),
  };
  await act("register", async () => {
    const created = await api("POST", "/workers", { json: body });
    say("register", ok("register.done", { name: body.name }));
    form.reset();
    prepareWorkerForm();
    state.workers = await api("GET", "/workers");
    renderWorkers();
    await openWorker(created.id);
  }, byId("worker-submit"));
}

// ---- complaints ---------------------------------------------------------------------------------

async function loadComplaints() {
  const overdueOnly = byId("complaints-overdue").checked;
  await act("complaints", async () => {
    state.complaints = await api("GET", `/complaints${overdueOnly ? "?overdue_only=true" : ""}`);
    renderComplaints();
  });
}

function overdueBadges(flags) {
  if (!flags.length) return el("span", { class: "badge ok", text: t("complaints.on_time") });
  return flags.map((flag) => el("span", { class: "badge late", text: t(`complaints.late_${flag}`) }));
}

function renderComplaints() {
  rows(byId("complaints-table").tBodies[0], state.complaints, (complaint) => el("tr", {
    "data-complaint-id": complaint.id, class: complaint.overdue.length ? "overdue" : "",
  },
    el("td", { text: formatTime(complaint.created_at) }),
    el("td", {}, el("code", { text: complaint.order_id })),
    el("td", { text: t(`kind.${complaint.kind}`) }),
    el("td", { text: t(`status.${complaint.status}`) }),
    el("td", { text: complaint.description.short_desc }),
    el("td", { text: `${formatTime(complaint.respond_by)} / ${formatTime(complaint.resolve_by)}` }),
    el("td", {}, overdueBadges(complaint.overdue)),
    el("td", {}, el("button", { type: "button", class: "secondary", text: t("open"), onclick: () => openComplaint(complaint.id) }))), 8);
}

async function openComplaint(complaintId) {
  await act("complaints", async () => {
    state.complaint = await api("GET", `/complaints/${encodeURIComponent(complaintId)}`);
    ["complaint", "respond", "resolve"].forEach((slot) => say(slot, null));
    renderComplaintDetail();
    byId("complaint-detail").scrollIntoView({ block: "nearest" });
  });
}

function renderComplaintDetail() {
  const complaint = state.complaint;
  byId("complaint-detail").hidden = !complaint;
  if (!complaint) return;
  const person = complaint.complainant.person || {};
  const contact = complaint.complainant.contact || {};
  byId("complaint-detail-title").textContent = `${t(`kind.${complaint.kind}`)} · ${complaint.order_id}`;
  const facts = [
    [t("complaints.status"), t(`status.${complaint.status}`)],
    [t("complaints.summary"), [complaint.description.short_desc, complaint.description.long_desc].filter(Boolean).join(" — ")],
    [t("complaints.caller"), [person.name, contact.phone, complaint.filed_by].filter(Boolean).join(" · ")],
    [t("complaints.worker"), complaint.worker_id || "—"],
    [t("complaints.deadlines"), `${formatTime(complaint.respond_by)} / ${formatTime(complaint.resolve_by)}`],
  ];
  if (complaint.resolution) {
    facts.push([t("complaints.resolution"), `${t(complaint.upheld ? "resolve.uphold" : "resolve.reject")} · ${complaint.resolution.short_desc}`]);
  }
  byId("complaint-summary").replaceChildren(
    el("dl", { class: "facts" }, facts.map(([term, value]) => [el("dt", { text: term }), el("dd", { text: value })])),
    el("p", {}, overdueBadges(complaint.overdue)));
  rows(byId("complaint-actions").tBodies[0], complaint.actions, (action) => el("tr", {},
    el("td", { text: formatTime(action.at) }),
    el("td", { text: action.side }),
    el("td", { text: action.action }),
    el("td", { text: action.short_desc }),
    el("td", { text: action.actor })), 5);
}

async function afterComplaintChange(slot) {
  say(slot, ok("complaints.updated"));
  state.complaint = await api("GET", `/complaints/${encodeURIComponent(state.complaint.id)}`);
  renderComplaintDetail();
  await loadComplaints();
}

async function respond(event) {
  event.preventDefault();
  const values = event.target.elements;
  const body = { action: values.action.value, note: values.note.value.trim(), kind: values.kind.value || null };
  await act("respond", async () => {
    await api("POST", `/complaints/${encodeURIComponent(state.complaint.id)}/respond`, { json: body });
    event.target.reset();
    await afterComplaintChange("respond");
  }, event.submitter);
}

async function resolve(event) {
  event.preventDefault();
  const values = event.target.elements;
  const refund = values.refund_amount.value.trim();
  const body = {
    upheld: values.upheld.value === "true",
    short_desc: values.short_desc.value.trim(),
    long_desc: values.long_desc.value.trim() || null,
    action_triggered: values.action_triggered.value,
    refund_amount: refund || null,
  };
  await act("resolve", async () => {
    await api("POST", `/complaints/${encodeURIComponent(state.complaint.id)}/resolve`, { json: body });
    event.target.reset();
    await afterComplaintChange("resolve");
  }, event.submitter);
}

async function fileComplaint(event) {
  event.preventDefault();
  const values = event.target.elements;
  const optional = (input) => input.value.trim() || null;
  const body = {
    order_id: values.order_id.value.trim(), kind: values.kind.value, short_desc: values.short_desc.value.trim(),
    long_desc: optional(values.long_desc), caller_name: optional(values.caller_name), caller_phone: optional(values.caller_phone),
  };
  await act("file", async () => {
    const filed = await api("POST", "/complaints", { json: body });
    event.target.reset();
    say("file", ok("file.done", { respond: { hi: formatTime(filed.respond_by, "hi"), en: formatTime(filed.respond_by, "en") } }));
    await loadComplaints();
  }, event.submitter);
}

// ---- transaction log ----------------------------------------------------------------------------

async function lookUpTransaction(event) {
  event.preventDefault();
  const transactionId = byId("tx-id").value.trim();
  await act("txlog", async () => {
    state.txlog = await api("GET", `/transactions/${encodeURIComponent(transactionId)}`);
    renderTxlog();
    const { inbound, callbacks, delivery_attempts: attempts } = state.txlog;
    if (!inbound.length && !callbacks.length && !attempts.length) say("txlog", { tone: "warn", ...TEXT["txlog.nothing"], errors: [] });
  }, event.submitter);
}

function bodyCell(text) {
  if (!text) return el("td", { text: "—" });
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    shown = text;
  }
  return el("td", {}, el("details", {}, el("summary", { text: t("txlog.body") }), el("pre", { text: shown })));
}

function logTable(titleKey, id, columns, list, cells) {
  const table = el("table", { class: "grid", id },
    el("thead", {}, el("tr", {}, columns.map((key) => el("th", { text: t(key) })))),
    el("tbody"));
  rows(table.tBodies[0], list, (entry) => el("tr", {}, cells(entry)), columns.length);
  return el("section", { class: "log-section" }, el("h3", { text: `${t(titleKey)} (${list.length})` }), el("div", { class: "table-wrap" }, table));
}

function renderTxlog() {
  const result = byId("txlog-result");
  const log = state.txlog;
  if (!log) {
    result.replaceChildren();
    return;
  }
  const text = (value) => el("td", { text: value === null || value === undefined ? "—" : String(value) });
  result.replaceChildren(
    el("p", {}, el("code", { text: log.transaction_id })),
    logTable("txlog.inbound", "tx-inbound",
      ["when", "txlog.action", "txlog.message_id", "txlog.from", "txlog.ack", "txlog.error", "txlog.ms", "txlog.body"],
      log.inbound, (m) => [text(formatTime(m.received_at)), text(m.action), text(m.message_id), text(m.bap_id),
        text(m.ack), text([m.error_code, m.error_message].filter(Boolean).join(" ") || null), text(m.duration_ms), bodyCell(m.body)]),
    logTable("txlog.callbacks", "tx-callbacks",
      ["when", "txlog.action", "txlog.message_id", "txlog.status", "txlog.attempt_count", "txlog.target", "txlog.error", "txlog.body"],
      log.callbacks, (c) => [text(formatTime(c.created_at)), text(c.action), text(c.message_id), text(c.status),
        text(c.attempts), text(c.target_url), text(c.last_error), bodyCell(c.payload)]),
    logTable("txlog.attempts", "tx-attempts",
      ["when", "txlog.action", "txlog.message_id", "txlog.attempt_count", "txlog.http", "txlog.outcome", "txlog.ms", "txlog.error"],
      log.delivery_attempts, (a) => [text(formatTime(a.started_at)), text(a.action), text(a.message_id), text(a.attempt),
        text(a.http_status), text(a.outcome), text(a.duration_ms), text(a.error)]));
}

// ---- start --------------------------------------------------------------------------------------

function start() {
  byId("lang-hi").addEventListener("click", () => setLanguage("hi"));
  byId("lang-en").addEventListener("click", () => setLanguage("en"));
  byId("logout").addEventListener("click", () => endSession({ tone: "ok", ...TEXT.logged_out, errors: [] }));
  byId("login-form").addEventListener("submit", logIn);
  document.querySelectorAll("[data-tab]").forEach((button) => button.addEventListener("click", () => showTab(button.dataset.tab)));
  byId("catalog-refresh").addEventListener("click", loadCatalog);
  byId("catalog-export").addEventListener("click", exportCsv);
  byId("import-form").addEventListener("submit", importCsv);
  byId("import-file").addEventListener("change", showChosenFile);
  byId("workers-refresh").addEventListener("click", loadWorkers);
  byId("worker-form").addEventListener("submit", registerWorker);
  byId("complaints-refresh").addEventListener("click", loadComplaints);
  byId("complaints-overdue").addEventListener("change", loadComplaints);
  byId("respond-form").addEventListener("submit", respond);
  byId("resolve-form").addEventListener("submit", resolve);
  byId("file-form").addEventListener("submit", fileComplaint);
  byId("tx-form").addEventListener("submit", lookUpTransaction);
  eachPanel("start");
  renderAll();
  if (state.session) {
    prepareWorkerForm();
    loadEverything();
  }
}

document.addEventListener("DOMContentLoaded", start);
