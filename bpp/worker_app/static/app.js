// Seva Mitra worker app: log in, go online, take offers, do the job step by step, see the wallet.
// Talks only to the worker JSON API (/worker/api/...). Hindi by default; the choice is kept in localStorage.
// Installable (static/app.webmanifest, /worker/sw.js keeps the shell), and made for a poor connection: the login, her
// profile and her last job are kept on the phone, so the app opens without a network; job steps taken offline wait
// in a queue on the phone and are sent, each with its own Idempotency-Key, once the network returns. While she is
// online and free, offers come down a stream (server-sent events) the moment they are made; polling is the fallback.
// With notifications on, an offer made while the app is closed arrives as a notification (Web Push, static/sw.js);
// tapping it, or its Accept or Decline, opens the app on the offer (#offer=<id>&answer=<accept|decline>).
"use strict";

(() => {
  const API = "/worker/api";
  const POLL_MS = 3000;
  const STREAM_POLL_MS = 30000; // offers are polled this seldom while the stream is open (in case a notice is lost)
  const STREAM_RETRY_MS = 5000; // after a stream failed, polling every POLL_MS until the next try
  const STREAM_SILENCE_MS = 40000; // the server sends something every 15 s: a stream silent this long is dead
  // Each report is a database write, and with 500,000 workers online they are the largest load of all
  // (docs/operations.md, "Location reports"): report on moving LOCATION_REPORT_METRES, or after LOCATION_REPORT_MS
  // standing still, whichever comes first.
  const LOCATION_REPORT_MS = 300000;
  const LOCATION_REPORT_METRES = 250;
  const EARTH_RADIUS_METRES = 6371000;
  const NETWORK_RETRIES = 3;
  const CITY_SPEED_KMH = 20; // a rough travel-time guess for the offer card
  const TOKEN_KEY = "sevamitra.worker.token"; // in localStorage: the installed app stays logged in across launches
  const PROFILE_KEY = "sevamitra.worker.profile";
  const JOB_KEY = "sevamitra.worker.job"; // {worker, job, ended, at}: what the app shows when it opens offline
  const QUEUE_KEY = "sevamitra.worker.queue"; // [{key, worker, order, step, body, at}], oldest first
  const LANG_KEY = "sevamitra.worker.lang";
  const PUSH_OFF_KEY = "sevamitra.worker.push-off"; // she turned notifications off on this phone: never resubscribe
  const DONE_STATUSES = ["Completed", "Cancelled"];
  const CASH_PAYMENT_TYPES = ["ON-FULFILLMENT", "POST-FULFILLMENT"]; // as bpp.fulfillment_service.cash_due
  const OTP_ERROR = "90002";
  const STALE_STEP_ERRORS = ["20007", "50008"]; // the job moved past this step; the job is cancelled or done

  const TEXT = {
    app_title: ["सेवा मित्र — कर्मी", "Seva Mitra — Worker"],
    login_heading: ["लॉग इन करें", "Log in"],
    phone_label: ["मोबाइल नंबर", "Mobile number"],
    pin_label: ["पिन", "PIN"],
    login_btn: ["लॉग इन", "Log in"],
    forgot_pin: ["पिन भूल गए? हेल्पलाइन 155330 पर कॉल करें।", "Forgot your PIN? Call the helpline 155330."],
    phone_invalid: ["6, 7, 8 या 9 से शुरू होने वाला 10 अंकों का मोबाइल नंबर डालें।",
      "Enter your 10-digit mobile number (it starts with 6, 7, 8 or 9)."],
    pin_invalid: ["4 से 6 अंकों का पिन डालें।", "Enter your PIN of 4 to 6 digits."],
    hello: ["नमस्ते, {name}", "Hello, {name}"],
    status_online: ["आप ऑनलाइन हैं — नए काम यहाँ दिखेंगे।", "You are online — new jobs appear here."],
    status_offline: ["आप ऑफ़लाइन हैं — काम पाने के लिए ऑनलाइन हों।", "You are offline — go online to get jobs."],
    status_busy: ["आप एक काम पर हैं।", "You are on a job."],
    go_online: ["ऑनलाइन हों", "Go online"],
    go_offline: ["ऑफ़लाइन हों", "Go offline"],
    locating: ["आपकी जगह पता की जा रही है…", "Finding your location…"],
    geo_denied: ["लोकेशन की अनुमति नहीं मिली। ब्राउज़र की सेटिंग में इस साइट को लोकेशन की अनुमति दें, फिर 'फिर से कोशिश करें' दबाएँ।",
      "Location permission was denied. Allow location for this site in your browser settings, then tap 'Try again'."],
    geo_failed: ["आपकी जगह पता नहीं चल सकी। फ़ोन का GPS (लोकेशन) चालू करें और फिर से कोशिश करें।",
      "Your location could not be found. Turn on your phone's GPS (location) and try again."],
    offers_heading: ["नए काम", "New jobs"],
    no_offers: ["अभी कोई नया काम नहीं। नया काम आते ही यहाँ दिखेगा।", "No new jobs right now. A new job shows here as soon as it comes."],
    distance: ["{km} किमी दूर · लगभग {min} मिनट", "{km} km away · about {min} min"],
    expires: ["{s} सेकंड में जवाब दें", "Answer within {s} s"],
    expired: ["समय समाप्त", "Time is up"],
    fee: ["तय शुल्क {fee}", "Fixed fee {fee}"],
    accept: ["स्वीकार करें", "Accept"],
    decline: ["मना करें", "Decline"],
    job_heading: ["मौजूदा काम", "Current job"],
    customer: ["ग्राहक", "Customer"],
    address: ["पता", "Address"],
    slot: ["समय", "Time"],
    call_customer: ["ग्राहक को कॉल करें", "Call the customer"],
    open_map: ["नक्शे में खोलें", "Open in map"],
    state_Pending: ["काम मिला — ग्राहक के पास जाने के लिए निकलें।", "Job assigned — set off to the customer."],
    "state_In-Transit": ["आप रास्ते में हैं। पहुँचकर नीचे का बटन दबाएँ।", "You are on the way. Tap the button below when you arrive."],
    "state_At-Location": ["ग्राहक से उनके ऐप में आया OTP पूछें और नीचे डालें।",
      "Ask the customer for the OTP shown in their app and enter it below."],
    "state_Service-Started": ["काम चल रहा है। पूरा होने पर तय शुल्क नकद लें और काम पूरा करें।",
      "Work in progress. When done, collect the fixed fee in cash and complete the job."],
    step_travelling: ["मैं रास्ते में हूँ", "I am on my way"],
    step_arrived: ["मैं पहुँच गया / गई", "I have arrived"],
    step_start: ["OTP से काम शुरू करें", "Start work with the OTP"],
    step_complete: ["काम पूरा करें", "Complete the job"],
    otp_label: ["ग्राहक का OTP (ग्राहक के ऐप में)", "Customer's OTP (in the customer's app)"],
    otp_missing: ["ग्राहक से 4 से 6 अंकों का OTP लेकर डालें।", "Enter the 4 to 6 digit OTP from the customer."],
    otp_next: ["OTP फिर से ध्यान से डालें, या 'ग्राहक को नया OTP भेजें' दबाएँ।",
      "Enter the OTP again carefully, or tap 'Send the customer a new OTP'."],
    resend_otp: ["ग्राहक को नया OTP भेजें", "Send the customer a new OTP"],
    otp_sent: ["नया OTP भेज दिया गया। ग्राहक से नया OTP पूछें।", "A new OTP was sent. Ask the customer for the new one."],
    amount_label: ["ग्राहक से लिया गया नकद (₹) — ठीक तय शुल्क", "Cash collected from the customer (₹) — exactly the fixed fee"],
    amount_missing: ["लिया गया नकद रुपयों में डालें, जैसे {fee}", "Enter the cash collected in rupees, for example {fee}"],
    amount_next: ["राशि ठीक करें: केवल तय शुल्क {fee} लें, फिर 'काम पूरा करें' दबाएँ। ज़्यादा वसूली की शिकायत पर खाता निलंबित हो सकता है।",
      "Correct the amount: take only the fixed fee {fee}, then tap 'Complete the job'. Overcharging complaints can suspend your account."],
    paid_online: ["इस ऑर्डर का भुगतान पहले ही (ऑनलाइन या कियोस्क पर) हो चुका है — ग्राहक से पैसे न लें।",
      "This order is already paid (online or at a kiosk) — take no money from the customer."],
    state_reload: ["काम की स्थिति फिर से लोड की गई; अब ऊपर बताया गया कदम करें।",
      "The job was reloaded; now do the step shown above."],
    job_done: ["काम पूरा हुआ। धन्यवाद! अपनी कमाई बटुए में देखें।", "Job completed. Thank you! See your earnings in the wallet."],
    job_cancelled: ["यह ऑर्डर रद्द हो गया। अगले काम की प्रतीक्षा करें।", "This order was cancelled. Wait for the next job."],
    see_wallet: ["बटुआ देखें", "Open the wallet"],
    tab_work: ["काम", "Work"],
    tab_wallet: ["बटुआ", "Wallet"],
    logout: ["लॉग आउट", "Log out"],
    wallet_heading: ["मेरा बटुआ", "My wallet"],
    wallet_balance: ["बटुए में कमाई", "Earnings in the wallet"],
    cash_held: ["आपके पास ग्राहकों का नकद", "Customers' cash you hold"],
    payable: ["हिसाब (+ आपको मिलेगा, − आपको देना है)", "Balance (+ due to you, − you owe)"],
    completed_jobs: ["पूरे किए गए काम: {n}", "Jobs completed: {n}"],
    statement_heading: ["लेन-देन", "Statement"],
    no_lines: ["अभी कोई लेन-देन नहीं।", "No transactions yet."],
    refresh: ["ताज़ा करें", "Refresh"],
    line_completion_wallet: ["काम की कमाई (कमीशन के बाद)", "Job earning (after commission)"],
    line_completion_cash_held: ["ग्राहक से लिया नकद", "Cash collected from the customer"],
    line_cancellation: ["रद्द ऑर्डर का हिसाब", "Cancelled order settlement"],
    line_payout_reserved: ["बैंक / UPI भुगतान के लिए भेजा", "Sent for payout to your bank / UPI"],
    line_payout_failed: ["भुगतान विफल — राशि बटुए में लौटी", "Payout failed — returned to the wallet"],
    order_ref: ["ऑर्डर {id}", "Order {id}"],
    offline: ["इंटरनेट नहीं है। ऐप फ़ोन में सहेजी गई जानकारी दिखा रहा है; आपके कदम सहेजे जाएँगे और नेटवर्क लौटते ही भेजे जाएँगे।",
      "No internet. The app shows what the phone saved; your steps are saved and sent when the network returns."],
    offline_saved: ["जानकारी {time} तक की है।", "Details as of {time}."],
    unsent_steps: ["{n} कदम फ़ोन में सहेजे हैं — नेटवर्क मिलते ही भेजे जाएँगे।",
      "{n} step(s) saved on the phone — sent as soon as there is a network."],
    step_unsent: ["यह कदम फ़ोन में सहेजा गया है; नेटवर्क लौटते ही अपने-आप भेजा जाएगा।",
      "This step is saved on the phone; it is sent by itself when the network returns."],
    otp_after_arrival: ["ग्राहक को OTP तभी मिलेगा जब आपका 'पहुँच गए' सर्वर तक पहुँचेगा — इसके लिए इंटरनेट चाहिए।",
      "The customer gets the OTP only once your arrival reaches the server — that needs the internet."],
    job_done_unsent: ["काम पूरा दर्ज हुआ। नेटवर्क लौटते ही यह भेजा जाएगा, फिर कमाई बटुए में दिखेगी।",
      "Completion saved. It is sent when the network returns; then the earning shows in the wallet."],
    step_refused: ["फ़ोन में सहेजा गया कदम '{step}' सर्वर ने नहीं माना।", "The saved step '{step}' was refused by the server."],
    step_stale: ["यह कदम अब नहीं हो सकता: काम आगे बढ़ चुका है, रद्द हो गया या पूरा हो चुका है। ऐप अब काम की ताज़ा स्थिति दिखा रहा है।",
      "This step cannot be taken any more: the job has moved on, was cancelled or is done. The app now shows it as it is."],
    job_not_yours: ["यह काम अब आपके पास नहीं है (स्टाफ़ ने इसे किसी और को दिया या रद्द किया)। अगले काम की प्रतीक्षा करें।",
      "This job is no longer yours (staff gave it to someone else or cancelled it). Wait for the next job."],
    network_retrying: ["सर्वर से संपर्क नहीं हो पा रहा — इंटरनेट जाँचें। दोबारा कोशिश हो रही है…",
      "Cannot reach the server — check your internet. Retrying…"],
    network_failed: ["नेटवर्क की समस्या से यह नहीं हो सका। इंटरनेट जाँचकर फिर से दबाएँ।",
      "This failed because of a network problem. Check your internet and tap again."],
    error_generic: ["कुछ गलत हो गया ({status})। फिर से कोशिश करें या 155330 पर कॉल करें।",
      "Something went wrong ({status}). Try again or call 155330."],
    helpline: ["सहायता: हेल्पलाइन 155330", "Help: helpline 155330"],
    push_turn_on: ["इस फ़ोन पर नए काम की सूचना पाएँ", "Get new-job notifications on this phone"],
    push_turn_off: ["इस फ़ोन पर सूचना बंद करें", "Turn off notifications on this phone"],
    push_on: ["ऐप बंद होने पर भी नया काम सूचना से मिलेगा।", "New jobs reach you as notifications even when the app is closed."],
    push_off: ["सूचना बंद है: ऐप बंद होने पर नया काम SMS से मिलेगा।",
      "Notifications are off: while the app is closed, new jobs come by SMS."],
    sms_mode_on: ["SMS मोड चालू है: हर नया काम SMS से भी आएगा। जवाब में HAAN <कोड> या NA <कोड> भेजें।",
      "SMS mode is on: every new job also comes by SMS. Reply YES <code> or NO <code>."],
    sms_mode_off: ["SMS मोड बंद है।", "SMS mode is off."],
    sms_turn_on: ["नए काम SMS से पाएँ (SMS मोड)", "Get new jobs by SMS (SMS mode)"],
    sms_turn_off: ["SMS मोड बंद करें", "Turn SMS mode off"],
    push_blocked: ["इस ब्राउज़र में सूचना की अनुमति नहीं है। ब्राउज़र की सेटिंग में इस साइट को सूचना की अनुमति दें।",
      "Notifications are blocked in this browser. Allow notifications for this site in the browser settings."],
    offer_gone: ["यह काम अब खुला नहीं है (समय समाप्त या किसी और को मिला)। अगले काम की प्रतीक्षा करें।",
      "This job is no longer open (time ran out or it went to someone else). Wait for the next one."],
  };

  const $ = (id) => document.getElementById(id);
  let lang = localStorage.getItem(LANG_KEY) === "en" ? "en" : "hi";
  const state = {
    token: localStorage.getItem(TOKEN_KEY),
    profile: null,
    online: false,
    offers: [],
    offersSignature: "",
    job: null,
    endedJob: null,
    jobError: null,
    categories: {},
    wallet: null,
    earnings: null,
    statement: [],
    screen: "work",
    geoProblem: false,
    pollTimer: null,
    watchId: null,
    lastReport: 0,
    lastReported: null, // {lat, lng} of the last report
    tapped: null, // the key of the step the worker has just tapped, while it is being sent
    stream: null, // the AbortController of the open offer stream
    streaming: false, // the offer stream is open and answering
    streamRetryAt: 0,
    streamHeardAt: 0,
    offersPolledAt: 0,
    push: "unknown", // on | off | blocked | unavailable (no browser support, or the server does not push)
    openOffer: null, // {offerId, answer} from a tapped notification, until she is logged in to act on it
  };

  // ---- language -------------------------------------------------------------------------------
  function textIn(language, key, values = {}) {
    const pair = TEXT[key];
    const template = pair ? pair[language === "en" ? 1 : 0] : key;
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
  }

  const t = (key, values) => textIn(lang, key, values);

  function bilingual(message) {
    // An API message {en, hi}: the chosen language, falling back to the other one.
    return (lang === "en" ? message.en : message.hi) || message.en || message.hi || "";
  }

  function setLanguage(next) {
    lang = next;
    localStorage.setItem(LANG_KEY, next);
    render();
  }

  function applyStaticText() {
    document.documentElement.lang = lang;
    document.title = t("app_title");
    for (const element of document.querySelectorAll("[data-i18n]")) {
      element.textContent = t(element.dataset.i18n);
    }
    $("lang-hi").setAttribute("aria-pressed", String(lang === "hi"));
    $("lang-en").setAttribute("aria-pressed", String(lang === "en"));
  }

  // ---- formatting -----------------------------------------------------------------------------
  const locale = () => (lang === "en" ? "en-IN" : "hi-IN");
  const rupees = (value) => `${Number(value) < 0 ? "−" : ""}₹${Math.abs(Number(value)).toFixed(2)}`;
  const plainAmount = (value) => Number(value).toFixed(2);

  function when(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" });
  }

  function categoryName(code) {
    const names = state.categories[code];
    return names ? bilingual(names) : code;
  }

  function addressOf(location) {
    if (!location) return "";
    const address = location.address;
    if (typeof address === "string") return address;
    if (address && typeof address === "object") return Object.values(address).filter(Boolean).join(", ");
    return location.gps || "";
  }

  // ---- the API ------------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, body) {
      super(`HTTP ${status}`);
      this.status = status;
      this.body = body || {};
    }

    get code() {
      const detail = this.body.detail;
      return detail && typeof detail === "object" ? detail.code : undefined;
    }
  }

  class NetworkError extends Error {}

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function showNetworkTrouble(trouble) {
    const banner = $("network");
    banner.hidden = !trouble || !navigator.onLine; // offline, the offline banner says it
    banner.textContent = trouble ? t("network_retrying") : "";
  }

  async function api(method, path, body, retries = NETWORK_RETRIES, extraHeaders = {}) {
    const headers = { Accept: "application/json", ...extraHeaders };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (state.token) headers.Authorization = `Bearer ${state.token}`;
    for (let attempt = 0; ; attempt += 1) {
      let response;
      try {
        response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      } catch (_) {
        showNetworkTrouble(true);
        if (attempt >= retries) throw new NetworkError("network");
        await sleep(1000 * 2 ** attempt);
        continue;
      }
      showNetworkTrouble(false);
      const answer = await response.json().catch(() => ({}));
      if (response.status === 401 && state.token && path !== `${API}/login`) {
        endSession(answer.detail);
      }
      if (!response.ok) throw new ApiError(response.status, answer);
      return answer;
    }
  }

  function errorText(error) {
    if (error instanceof NetworkError) return t("network_failed");
    if (!(error instanceof ApiError)) return t("error_generic", { status: error.message });
    const detail = error.body.detail;
    const parts = [];
    if (detail && typeof detail === "object") parts.push(bilingual(detail));
    for (const problem of error.body.errors || []) parts.push(bilingual(problem));
    return parts.filter(Boolean).join(" ") || t("error_generic", { status: error.status });
  }

  function showMessage(text, kind = "error") {
    const box = $("message");
    box.textContent = text || "";
    box.hidden = !text;
    box.className = kind === "ok" ? "banner banner-ok" : "banner";
  }

  async function busy(button, action) {
    // Disable the tapped button while its request runs, so one tap sends one request.
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = false;
    }
  }

  // ---- session ----------------------------------------------------------------------------------
  async function logIn(event) {
    event.preventDefault();
    const phone = $("phone").value.trim();
    const pin = $("pin").value.trim();
    const problems = [];
    if (!/^[6-9]\d{9}$/.test(phone)) problems.push(t("phone_invalid"));
    if (!/^\d{4,6}$/.test(pin)) problems.push(t("pin_invalid"));
    const errorBox = $("login-error");
    errorBox.hidden = problems.length === 0;
    errorBox.textContent = problems.join(" ");
    if (problems.length) return;
    await busy($("login-btn"), async () => {
      try {
        const answer = await api("POST", `${API}/login`, { phone, pin });
        state.token = answer.token;
        localStorage.setItem(TOKEN_KEY, answer.token);
        $("pin").value = "";
        await startSession(answer.worker);
        // lock-outs someone else caused on this phone since the last login
        if (answer.notices?.length) showMessage(answer.notices.map(bilingual).join(" "));
      } catch (error) {
        errorBox.hidden = false;
        errorBox.textContent = errorText(error);
      }
    });
  }

  async function startSession(profile) {
    state.profile = profile;
    state.online = Boolean(profile.online);
    state.screen = "work";
    localStorage.setItem(PROFILE_KEY, JSON.stringify(profile));
    showMessage("");
    if (state.online) watchLocation();
    render();
    await syncJob();
    schedulePoll(0);
    keepPushSubscription();
    if (state.openOffer) openNotifiedOffer();
  }

  function restoreSaved() {
    // Until the server answers (or while there is no network): her profile and last job as the phone saved them.
    const profile = readSaved(PROFILE_KEY);
    if (!state.token || !profile) return;
    const saved = readSaved(JOB_KEY);
    state.profile = profile;
    if (saved && saved.worker === profile.id) Object.assign(state, { job: saved.job, endedJob: saved.ended });
  }

  async function resumeSession() {
    try {
      await startSession(await api("GET", `${API}/me`, undefined, navigator.onLine ? NETWORK_RETRIES : 0));
    } catch (error) {
      if (error instanceof NetworkError) {
        if (!state.profile) showMessage(errorText(error)); // with the saved job shown, the offline banner says it
        setTimeout(resumeSession, POLL_MS);
      } else {
        endSession(error instanceof ApiError ? error.body.detail : undefined);
      }
    }
  }

  function endSession(reason) {
    clearTimeout(state.pollTimer);
    stopWatchingLocation();
    // Steps she took offline stay queued: they go once she logs in again (a queued step names its worker).
    for (const key of [TOKEN_KEY, PROFILE_KEY, JOB_KEY]) localStorage.removeItem(key);
    Object.assign(state, {
      token: null, profile: null, online: false, offers: [], job: null, endedJob: null,
      jobError: null, wallet: null, earnings: null, statement: [], geoProblem: false,
    });
    showMessage(reason && typeof reason === "object" ? bilingual(reason) : "");
    render();
  }

  async function logOut() {
    if (state.online) {
      await api("POST", `${API}/offline`, undefined, 0).catch(() => undefined);
    }
    await forgetPushSubscription().catch(() => undefined); // the next worker on this phone must not get her offers
    endSession();
  }

  // ---- online / offline and location ---------------------------------------------------------
  function currentPosition() {
    return new Promise((resolve, reject) => {
      if (!navigator.geolocation) {
        reject(new Error("unavailable"));
        return;
      }
      navigator.geolocation.getCurrentPosition(resolve, reject, {
        enableHighAccuracy: true, timeout: 15000, maximumAge: 60000,
      });
    });
  }

  function showGeoProblem(positionError) {
    // Shown in both languages: a worker stuck here may not find the language switch.
    const key = positionError && positionError.code === 1 ? "geo_denied" : "geo_failed";
    $("geo-text-hi").textContent = textIn("hi", key);
    $("geo-text-en").textContent = textIn("en", key);
    state.geoProblem = true;
    render();
  }

  async function goOnline() {
    state.geoProblem = false;
    $("online-status").textContent = t("locating");
    let position;
    try {
      position = await currentPosition();
    } catch (positionError) {
      showGeoProblem(positionError);
      return;
    }
    try {
      await api("POST", `${API}/online`, { lat: position.coords.latitude, lng: position.coords.longitude });
      state.online = true;
      state.lastReport = Date.now();
      state.lastReported = { lat: position.coords.latitude, lng: position.coords.longitude };
      watchLocation();
      showMessage("");
      schedulePoll(0);
    } catch (error) {
      showMessage(errorText(error));
    }
    render();
  }

  async function goOffline() {
    try {
      await api("POST", `${API}/offline`);
      state.online = false;
      state.offers = [];
      stopWatchingLocation();
      showMessage("");
    } catch (error) {
      showMessage(errorText(error));
    }
    render();
  }

  function watchLocation() {
    if (!navigator.geolocation || state.watchId !== null) return;
    state.watchId = navigator.geolocation.watchPosition((position) => {
      const here = { lat: position.coords.latitude, lng: position.coords.longitude };
      const moved = state.lastReported ? metresBetween(state.lastReported, here) : Infinity;
      if (moved < LOCATION_REPORT_METRES && Date.now() - state.lastReport < LOCATION_REPORT_MS) return;
      state.lastReport = Date.now();
      state.lastReported = here;
      api("POST", `${API}/location`, here, 0).catch(() => undefined);
    }, () => undefined, { enableHighAccuracy: true, maximumAge: 30000 });
  }

  function metresBetween(a, b) { // haversine; exact enough for "has she moved a few hundred metres"
    const rad = Math.PI / 180;
    const dLat = (b.lat - a.lat) * rad;
    const dLng = (b.lng - a.lng) * rad;
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
    return 2 * EARTH_RADIUS_METRES * Math.asin(Math.sqrt(h));
  }

  function stopWatchingLocation() {
    if (state.watchId !== null) navigator.geolocation.clearWatch(state.watchId);
    state.watchId = null;
  }

  // ---- polling: offers while free, the job while busy ----------------------------------------
  function schedulePoll(delay = POLL_MS) {
    clearTimeout(state.pollTimer);
    if (state.token) state.pollTimer = setTimeout(poll, delay);
  }

  async function poll() {
    try {
      if (state.job || unsentSteps().length) {
        await syncJob();
      } else if (state.online && (!state.streaming || Date.now() - state.offersPolledAt >= STREAM_POLL_MS)) {
        await refreshOffers();
      }
    } catch (error) {
      if (!(error instanceof NetworkError)) showMessage(errorText(error));
    }
    keepOfferStream();
    schedulePoll();
  }

  async function syncJob() {
    // The steps saved on the phone go first; the server's view of her jobs replaces the phone's once none wait.
    await sendUnsentSteps();
    if (!unsentSteps().length) await refreshJobs();
  }

  async function refreshOffers() {
    const offers = await api("GET", `${API}/offers`, undefined, 0);
    state.offers = offers;
    state.offersPolledAt = Date.now();
    renderOffers();
  }

  // ---- the offer stream: open while she is online and free --------------------------------------
  function keepOfferStream() {
    const wanted = Boolean(state.token && state.profile && state.online && !state.job) && navigator.onLine;
    if (!wanted) {
      if (state.stream) state.stream.abort();
      return;
    }
    if (state.stream && state.streaming && Date.now() - state.streamHeardAt > STREAM_SILENCE_MS) state.stream.abort();
    if (state.stream || Date.now() < state.streamRetryAt) return;
    const controller = new AbortController();
    state.stream = controller;
    readOfferStream(controller.signal).then(
      () => { state.streamRetryAt = 0; }, // the server ends each stream after a while: the next opens at once
      () => { state.streamRetryAt = controller.signal.aborted ? 0 : Date.now() + STREAM_RETRY_MS; },
    ).finally(() => {
      Object.assign(state, { stream: null, streaming: false });
      keepOfferStream();
    });
  }

  async function readOfferStream(signal) {
    // fetch rather than EventSource, which cannot send the Authorization header
    const response = await fetch(`${API}/offers/stream`, {
      headers: { Accept: "text/event-stream", Authorization: `Bearer ${state.token}` }, cache: "no-store", signal,
    });
    if (!response.ok || !response.body) throw new Error(`offer stream: HTTP ${response.status}`);
    Object.assign(state, { streaming: true, streamHeardAt: Date.now() });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      state.streamHeardAt = Date.now();
      buffer += value;
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const data = buffer.slice(0, end).split("\n").filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).trim()).join("\n");
        buffer = buffer.slice(end + 2);
        if (!data) continue; // a heartbeat
        state.offers = JSON.parse(data);
        state.offersPolledAt = Date.now();
        renderOffers();
      }
    }
  }

  async function refreshJobs() {
    const jobs = await api("GET", `${API}/jobs`, undefined, 0);
    const active = jobs.find((job) => !DONE_STATUSES.includes(job.status)) || null;
    const shown = state.job || (state.endedJob && state.endedJob.unsent ? state.endedJob : null); // as the phone has it
    if (shown && (!active || active.id !== shown.id)) {
      state.endedJob = jobs.find((job) => job.id === shown.id) || null;
    }
    if (active && (!state.job || state.job.id !== active.id || state.job.fulfillment_state !== active.fulfillment_state)) {
      prepareStep(active);
    }
    state.job = active;
    if (state.profile) state.profile.current_order_id = active ? active.id : null;
    saveJob();
    render();
  }

  function saveJob() {
    if (!state.profile) return;
    const saved = { worker: state.profile.id, job: state.job, ended: state.endedJob, at: new Date().toISOString() };
    localStorage.setItem(JOB_KEY, JSON.stringify(saved));
  }

  function readSaved(key) {
    try {
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch (_) {
      return null;
    }
  }

  function prepareStep(job) {
    state.jobError = null;
    $("otp").value = "";
    $("amount").value = plainAmount(job.total);
  }

  // ---- offers -----------------------------------------------------------------------------------
  async function answerOffer(offer, verb, button) {
    closeOfferNotification(offer.id);
    await busy(button, async () => {
      try {
        await api("POST", `${API}/offers/${offer.id}/${verb}`);
        state.endedJob = null;
        showMessage("");
      } catch (error) {
        showMessage(errorText(error));
      }
      await refreshOffers().catch(() => undefined);
      await refreshJobs().catch(() => undefined);
    });
  }

  function offerCard(offer) {
    const card = document.createElement("li");
    card.className = "offer";
    card.dataset.offerId = String(offer.id);
    const line = (className, text) => {
      const paragraph = document.createElement("p");
      paragraph.className = className;
      paragraph.textContent = text;
      card.append(paragraph);
      return paragraph;
    };
    line("offer-category", categoryName(offer.category_id));
    line("fee", t("fee", { fee: rupees(offer.total) }));
    const km = Number(offer.distance_km);
    line("offer-distance", t("distance", {
      km: km.toLocaleString(locale(), { maximumFractionDigits: 1 }),
      min: Math.max(1, Math.ceil((km / CITY_SPEED_KMH) * 60)),
    }));
    line("offer-address", addressOf(offer.end_location));
    if (offer.slot_start) line("offer-slot", when(offer.slot_start));
    const countdown = line("offer-expires status", "");
    countdown.dataset.expires = offer.expires_at;
    const actions = document.createElement("div");
    actions.className = "offer-actions";
    for (const [verb, className] of [["accept", "big primary accept-btn"], ["decline", "big danger decline-btn"]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = className;
      button.textContent = t(verb);
      button.addEventListener("click", () => answerOffer(offer, verb, button));
      actions.append(button);
    }
    card.append(actions);
    return card;
  }

  function renderOffers() {
    // Cards are rebuilt only when the offers, the language or the names change, so a tap is never lost.
    const signature = [lang, Object.keys(state.categories).length, ...state.offers.map((offer) => offer.id)].join();
    if (signature !== state.offersSignature) {
      state.offersSignature = signature;
      $("offers").replaceChildren(...state.offers.map(offerCard));
    }
    $("no-offers").hidden = state.offers.length > 0;
    tickCountdowns();
  }

  function tickCountdowns() {
    for (const element of document.querySelectorAll("[data-expires]")) {
      const seconds = Math.round((Date.parse(element.dataset.expires) - Date.now()) / 1000);
      element.textContent = seconds > 0 ? t("expires", { s: seconds }) : t("expired");
    }
  }

  // ---- the current job --------------------------------------------------------------------------
  const isCash = (payment) =>
    CASH_PAYMENT_TYPES.includes(String((payment || {}).type || "").toUpperCase()) && (payment || {}).status !== "PAID";

  // Each step: its API name, what it is called, the state it leads to, and its body (checked on the phone).
  const STEPS = {
    Pending: { name: "travelling", label: "step_travelling", next: "In-Transit", body: () => undefined },
    "In-Transit": { name: "arrived", label: "step_arrived", next: "At-Location", body: () => undefined },
    "At-Location": { name: "start", label: "step_start", next: "Service-Started", body: otpBody },
    "Service-Started": { name: "complete", label: "step_complete", next: "Completed", body: completionBody },
  };
  const STEP_LABELS = Object.fromEntries(Object.values(STEPS).map((step) => [step.name, step.label]));

  function otpBody() {
    const otp = $("otp").value.trim();
    if (!/^\d{4,6}$/.test(otp)) {
      $("otp").focus();
      throw localProblem("otp_missing");
    }
    return { otp };
  }

  function completionBody(job) {
    if (!isCash(job.payment)) return { amount_collected: null };
    const amount = $("amount").value.trim().replace(/^₹/, "");
    if (!/^\d+(\.\d{1,2})?$/.test(amount)) {
      $("amount").focus();
      throw localProblem("amount_missing", { fee: plainAmount(job.total) });
    }
    return { amount_collected: amount };
  }

  function localProblem(key, values) {
    return new ApiError(0, { detail: { hi: textIn("hi", key, values), en: textIn("en", key, values) } });
  }

  function nextStepAdvice(error, job) {
    if (error.code === OTP_ERROR) return { key: "otp_next" };
    if (["overcharge", "amount_mismatch", "amount_required"].includes(error.code)) {
      return { key: "amount_next", values: { fee: rupees(job.total) } };
    }
    if (STALE_STEP_ERRORS.includes(error.code)) return { key: "step_stale" };
    if (error.code === "not_your_job") return { key: "job_not_yours" };
    if (error.status === 409) return { key: "state_reload" };
    return null;
  }

  async function doNextStep() {
    const job = state.job;
    const step = job && STEPS[job.fulfillment_state];
    if (!step) return;
    let body;
    try {
      body = step.body(job);
    } catch (problem) {
      state.jobError = { error: problem, advice: null };
      render();
      return;
    }
    // Every step goes through the queue, so one taken offline is sent later, in order, under the same key.
    const taken = { key: newKey(), worker: state.profile.id, order: job.id, step: step.name, body, at: Date.now() };
    await busy($("step-btn"), async () => {
      saveQueue([...loadQueue(), taken]);
      state.tapped = taken.key;
      const refused = await sendUnsentSteps().finally(() => { state.tapped = null; });
      if (unsentSteps().some((waiting) => waiting.key === taken.key)) {
        takenOnThePhone(job, step); // no network: the app moves on, the step waits
        return;
      }
      state.jobError = null;
      await refreshJobs().catch(() => undefined);
      const mine = refused.find((failure) => failure.step.key === taken.key);
      if (!mine) return;
      if (state.job && state.job.id === job.id) {
        state.jobError = { error: mine.error, advice: nextStepAdvice(mine.error, job) };
        if (mine.error.code === OTP_ERROR) $("otp").select();
      } else {
        showMessage(refusalText(mine, job)); // the job is gone from the screen: say why at the top
      }
      render();
    });
  }

  function takenOnThePhone(job, step) {
    const moved = { ...job, fulfillment_state: step.next, status: step.next === "Completed" ? "Completed" : "In-progress",
      unsent: true };
    if (step.next === "Completed") {
      Object.assign(state, { job: null, endedJob: moved });
    } else {
      prepareStep(moved);
      state.job = moved;
    }
    saveJob();
    render();
  }

  // ---- steps saved on the phone ---------------------------------------------------------------
  const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`.replace(".", "-"));
  const loadQueue = () => readSaved(QUEUE_KEY) || [];
  const saveQueue = (queue) => localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
  const unsentSteps = () => (state.profile ? loadQueue().filter((step) => step.worker === state.profile.id) : []);
  let sending = null;

  function sendUnsentSteps() {
    // One sender at a time, oldest step first; returns the steps the server refused, with its answers.
    if (!sending) sending = sendInOrder().finally(() => { sending = null; });
    return sending;
  }

  async function sendInOrder() {
    const refused = [];
    for (let step = unsentSteps()[0]; step && state.token && navigator.onLine; step = unsentSteps()[0]) {
      try {
        await api("POST", `${API}/jobs/${step.order}/${step.step}`, step.body, NETWORK_RETRIES,
          { "Idempotency-Key": step.key });
        saveQueue(loadQueue().filter((waiting) => waiting.key !== step.key));
      } catch (error) {
        // no network, a server failure or a lapsed login: the step waits for the next try
        if (!(error instanceof ApiError) || error.status >= 500 || error.status === 401) break;
        refused.push({ step, error });
        // the later steps of that job needed this one: they go too (the job is reloaded from the server)
        saveQueue(loadQueue().filter((waiting) => !(waiting.worker === step.worker && waiting.order === step.order)));
      }
    }
    // the step just tapped is explained in the job panel; steps taken earlier, offline, at the top
    const earlier = refused.filter((failure) => failure.step.key !== state.tapped);
    if (earlier.length) showMessage(earlier.map((failure) => refusalText(failure, state.job)).join(" "));
    render();
    return refused;
  }

  function refusalText(failure, job) {
    const advice = nextStepAdvice(failure.error, job || {});
    return [t("step_refused", { step: t(STEP_LABELS[failure.step.step]) }), errorText(failure.error),
      advice ? t(advice.key, advice.values) : ""].filter(Boolean).join(" ");
  }

  async function networkReturned() {
    render();
    if (state.token && state.profile) await syncJob().catch(() => undefined);
  }

  async function resendOtp() {
    const job = state.job;
    if (!job) return;
    await busy($("resend-otp"), async () => {
      try {
        await api("POST", `${API}/jobs/${job.id}/otp`);
        state.jobError = null;
        $("otp").value = "";
        showMessage(t("otp_sent"), "ok");
      } catch (error) {
        state.jobError = { error, advice: null };
      }
      render();
    });
  }

  function renderJob() {
    const job = state.job;
    $("job-panel").hidden = !job;
    if (!job) return;
    const step = STEPS[job.fulfillment_state];
    $("job-category").textContent = categoryName(job.category_id);
    $("job-fee").textContent = t("fee", { fee: rupees(job.total) });
    $("job-state").textContent = t(`state_${job.fulfillment_state}`);
    const customer = job.customer || {};
    $("job-customer").textContent = customer.name || "";
    $("job-address").textContent = addressOf(job.end_location);
    $("job-slot").textContent = when(job.slot_start);
    $("job-call").hidden = !customer.phone;
    if (customer.phone) $("job-call").href = `tel:${customer.phone}`;
    const gps = (job.end_location || {}).gps;
    $("job-map").hidden = !gps;
    if (gps) $("job-map").href = `geo:${gps.replace(/\s/g, "")}?q=${encodeURIComponent(gps)}`;
    const atDoor = job.fulfillment_state === "At-Location";
    const working = job.fulfillment_state === "Service-Started";
    $("otp-box").hidden = !atDoor;
    $("resend-otp").hidden = !atDoor;
    $("amount-box").hidden = !(working && isCash(job.payment));
    $("paid-online").hidden = !(working && !isCash(job.payment));
    $("job-unsent").hidden = !job.unsent;
    $("job-unsent").textContent = job.unsent ? [t("step_unsent"), atDoor ? t("otp_after_arrival") : ""].join(" ") : "";
    $("step-btn").hidden = !step;
    $("step-btn").textContent = step ? t(step.label) : "";
    const problem = state.jobError;
    $("job-error").hidden = !problem;
    $("job-error-text").textContent = problem ? errorText(problem.error) : "";
    $("job-error-next").textContent = problem && problem.advice ? t(problem.advice.key, problem.advice.values) : "";
  }

  function renderEndedJob() {
    const ended = state.endedJob;
    $("job-ended").hidden = !ended || Boolean(state.job);
    if (!ended) return;
    $("job-ended-text").textContent = t(ended.unsent ? "job_done_unsent" : ended.status === "Completed" ? "job_done"
      : "job_cancelled");
    $("job-ended-wallet").hidden = ended.status !== "Completed";
  }

  // ---- wallet -------------------------------------------------------------------------------------
  async function loadWallet() {
    try {
      const [wallet, statement, earnings] = await Promise.all([
        api("GET", `${API}/wallet`), api("GET", `${API}/wallet/statement?limit=50`), api("GET", `${API}/earnings`),
      ]);
      Object.assign(state, { wallet, statement: statement.lines, earnings });
      showMessage("");
    } catch (error) {
      showMessage(errorText(error));
    }
    render();
  }

  function statementLine(line) {
    const item = document.createElement("li");
    const label = document.createElement("span");
    const key = [`line_${line.event}_${line.account}`, `line_${line.event}`].find((name) => TEXT[name]);
    label.textContent = key ? t(key) : line.event;
    const amount = document.createElement("span");
    const value = Number(line.amount);
    amount.className = `amount ${value < 0 ? "minus" : "plus"}`;
    amount.textContent = value < 0 ? rupees(value) : `+${rupees(value)}`;
    const note = document.createElement("small");
    note.textContent = [when(line.at), line.order_id ? t("order_ref", { id: line.order_id }) : ""]
      .filter(Boolean).join(" · ");
    item.append(label, amount, note);
    return item;
  }

  function renderWallet() {
    const wallet = state.wallet;
    $("wallet-balance").textContent = wallet ? rupees(wallet.wallet) : "…";
    $("wallet-cash").textContent = wallet ? rupees(wallet.cash_held) : "…";
    $("wallet-payable").textContent = wallet ? rupees(wallet.payable) : "…";
    $("wallet-notice").hidden = !(wallet && wallet.notice);
    $("wallet-notice").textContent = wallet && wallet.notice ? bilingual(wallet.notice) : "";
    $("wallet-jobs").textContent = state.earnings ? t("completed_jobs", { n: state.earnings.completed_jobs }) : "";
    $("statement").replaceChildren(...state.statement.map(statementLine));
    $("no-lines").hidden = !wallet || state.statement.length > 0;
  }

  // ---- offers as notifications while the app is closed (Web Push) ----------------------------------
  const pushSupported = () => "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  function keyBytes(base64url) {
    const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(text, (character) => character.charCodeAt(0));
  }

  function subscribedWith(subscription, key) {
    const current = subscription.options.applicationServerKey;
    const wanted = keyBytes(key);
    return Boolean(current) && current.byteLength === wanted.length
      && new Uint8Array(current).every((byte, index) => byte === wanted[index]);
  }

  async function keepPushSubscription() {
    // At each start the phone sends its subscription again: the browser may have renewed it, or another worker
    // used this phone since. Only where she allowed notifications and did not turn them off here.
    if (!pushSupported()) return setPush("unavailable");
    if (Notification.permission === "denied") return setPush("blocked");
    if (Notification.permission !== "granted" || localStorage.getItem(PUSH_OFF_KEY)) return setPush("off");
    await subscribePush().catch(() => setPush("off"));
  }

  async function subscribePush() {
    const { public_key: key } = await api("GET", `${API}/push/key`, undefined, 0);
    if (!key) return setPush("unavailable");
    const registration = await navigator.serviceWorker.ready;
    let subscription = await registration.pushManager.getSubscription();
    if (subscription && !subscribedWith(subscription, key)) { // the server's key changed: a new subscription
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription = subscription || await registration.pushManager.subscribe({
      userVisibleOnly: true, applicationServerKey: keyBytes(key),
    });
    await api("POST", `${API}/push/subscriptions`, subscription.toJSON(), 0);
    setPush("on");
  }

  async function forgetPushSubscription() {
    if (!pushSupported()) return;
    const subscription = await (await navigator.serviceWorker.ready).pushManager.getSubscription();
    if (!subscription) return;
    await api("POST", `${API}/push/subscriptions/remove`, { endpoint: subscription.endpoint }, 0);
    await subscription.unsubscribe();
  }

  async function togglePush() {
    try {
      if (state.push === "on") {
        localStorage.setItem(PUSH_OFF_KEY, "1");
        await forgetPushSubscription();
        setPush("off");
        return;
      }
      localStorage.removeItem(PUSH_OFF_KEY);
      if (await Notification.requestPermission() !== "granted") return setPush("blocked");
      await subscribePush();
    } catch (error) {
      showMessage(errorText(error));
    }
  }

  function setPush(value) {
    state.push = value;
    renderPush();
  }

  function renderPush() {
    const shown = Boolean(state.token && state.profile) && state.push !== "unavailable" && state.push !== "unknown";
    $("push-box").hidden = !shown;
    if (!shown) return;
    $("push-status").textContent = t(`push_${state.push}`);
    $("push-btn").textContent = t(state.push === "on" ? "push_turn_off" : "push_turn_on");
    $("push-btn").hidden = state.push === "blocked";
  }

  const offerAnswer = (value) => (value === "accept" || value === "decline" ? value : "");

  function closeOfferNotification(offerId) {
    // answered in the app: its notification (static/sw.js tags it with the offer) has nothing left to offer
    if (!pushSupported()) return;
    navigator.serviceWorker.ready.then((registration) => registration.getNotifications({ tag: `offer-${offerId}` }))
      .then((shown) => shown.forEach((notification) => notification.close())).catch(() => undefined);
  }

  function notifiedOfferFromAddress() {
    const fields = new URLSearchParams(location.hash.slice(1));
    const offerId = Number(fields.get("offer"));
    if (!offerId) return;
    history.replaceState(null, "", location.pathname); // a reload must not answer again
    state.openOffer = { offerId, answer: offerAnswer(fields.get("answer")) };
  }

  async function openNotifiedOffer() {
    // A tapped notification: show the offer on the work screen and send the answer chosen on it, if any.
    const { offerId, answer } = state.openOffer;
    state.openOffer = null;
    showScreen("work");
    await refreshOffers().catch(() => undefined);
    const offer = state.offers.find((open) => open.id === offerId);
    if (!offer) return showMessage(t("offer_gone"));
    const button = document.querySelector(`[data-offer-id="${offerId}"] .${answer}-btn`);
    if (button) await answerOffer(offer, answer, button);
    else document.querySelector(`[data-offer-id="${offerId}"]`)?.scrollIntoView({ block: "center" });
  }

  function notificationTapped(event) {
    if (event.data?.type !== "open-offer") return;
    state.openOffer = { offerId: Number(event.data.offerId), answer: offerAnswer(event.data.answer) };
    if (state.token && state.profile) openNotifiedOffer();
  }

  // ---- screens ------------------------------------------------------------------------------------
  function showScreen(screen) {
    state.screen = screen;
    if (screen === "wallet") loadWallet();
    render();
  }

  function renderNetwork() {
    const offline = !navigator.onLine;
    $("offline").hidden = !offline;
    $("offline-hi").textContent = textIn("hi", "offline");
    $("offline-en").textContent = textIn("en", "offline");
    const saved = offline && readSaved(JOB_KEY);
    $("offline-saved").textContent = saved ? t("offline_saved", { time: when(saved.at) }) : "";
    if (offline) $("network").hidden = true;
    const waiting = unsentSteps().length;
    $("unsent").hidden = waiting === 0;
    $("unsent").textContent = waiting ? t("unsent_steps", { n: waiting }) : "";
  }

  function render() {
    applyStaticText();
    renderNetwork();
    keepOfferStream();
    const loggedIn = Boolean(state.token && state.profile);
    $("login-screen").hidden = Boolean(state.token);
    $("tabs").hidden = !loggedIn;
    $("work-screen").hidden = !loggedIn || state.screen !== "work";
    $("wallet-screen").hidden = !loggedIn || state.screen !== "wallet";
    for (const [tab, screen] of [["tab-work", "work"], ["tab-wallet", "wallet"]]) {
      if (state.screen === screen) $(tab).setAttribute("aria-current", "page");
      else $(tab).removeAttribute("aria-current");
    }
    if (!loggedIn) return;
    $("hello").textContent = t("hello", { name: state.profile.name });
    const statusKey = state.job ? "status_busy" : state.online ? "status_online" : "status_offline";
    $("online-status").textContent = t(statusKey);
    const onlineButton = $("online-btn");
    onlineButton.textContent = t(state.online ? "go_offline" : "go_online");
    onlineButton.classList.toggle("primary", !state.online);
    onlineButton.hidden = Boolean(state.job);
    $("geo-problem").hidden = !state.geoProblem || state.online;
    $("offers-panel").hidden = !state.online || Boolean(state.job);
    renderOffers();
    renderJob();
    renderEndedJob();
    renderWallet();
    renderPush();
    renderSmsMode();
  }

  function renderSmsMode() {
    $("sms-box").hidden = !(state.token && state.profile);
    if (!state.profile) return;
    const on = Boolean(state.profile.sms_mode);
    $("sms-status").textContent = t(on ? "sms_mode_on" : "sms_mode_off");
    $("sms-btn").textContent = t(on ? "sms_turn_off" : "sms_turn_on");
  }

  async function toggleSmsMode() {
    try {
      const answer = await api("PUT", `${API}/sms-mode`, { sms_mode: !state.profile.sms_mode });
      state.profile.sms_mode = answer.sms_mode;
      localStorage.setItem(PROFILE_KEY, JSON.stringify(state.profile));
    } catch (error) {
      showMessage(errorText(error));
    }
    renderSmsMode();
  }

  async function loadCategories() {
    try {
      state.categories = await api("GET", "/worker/categories.json", undefined, 1);
      render();
    } catch (_) {
      // Category codes are shown instead of names.
    }
  }

  function wire() {
    $("lang-hi").addEventListener("click", () => setLanguage("hi"));
    $("lang-en").addEventListener("click", () => setLanguage("en"));
    $("login-form").addEventListener("submit", logIn);
    $("online-btn").addEventListener("click", () => busy($("online-btn"), state.online ? goOffline : goOnline));
    $("geo-retry").addEventListener("click", () => busy($("geo-retry"), goOnline));
    $("step-btn").addEventListener("click", doNextStep);
    $("resend-otp").addEventListener("click", resendOtp);
    $("tab-work").addEventListener("click", () => showScreen("work"));
    $("tab-wallet").addEventListener("click", () => showScreen("wallet"));
    $("job-ended-wallet").addEventListener("click", () => showScreen("wallet"));
    $("wallet-refresh").addEventListener("click", () => busy($("wallet-refresh"), loadWallet));
    $("logout-btn").addEventListener("click", logOut);
    $("push-btn").addEventListener("click", () => busy($("push-btn"), togglePush));
    $("sms-btn").addEventListener("click", () => busy($("sms-btn"), toggleSmsMode));
    if ("serviceWorker" in navigator) navigator.serviceWorker.addEventListener("message", notificationTapped);
    window.addEventListener("online", networkReturned);
    window.addEventListener("offline", render);
    setInterval(tickCountdowns, 1000);
  }

  wire();
  notifiedOfferFromAddress();
  restoreSaved();
  render();
  loadCategories();
  if (state.token) resumeSession();
  // The service worker keeps the app shell, so the installed app opens without a network.
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/worker/sw.js").catch(() => undefined);
})();
