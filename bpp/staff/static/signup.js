// The console's sign-up tab: the district's queue of worker applications, their documents, the decision and
// police verification with the police's reference number and date (/staff/api/signup). It registers with the
// console's addPanel and uses its helpers (el, t, both, pick, api, act, say, ok, rows, showTab, formatTime).
"use strict";

(() => {
  const SIGNUP = { applications: [], application: null, names: { qualifications: {}, documents: {} } };

  const text = {
    "tab.signup": { hi: "नए आवेदन", en: "Applications" },
    "signup.title": { hi: "कर्मी आवेदन — सत्यापन सूची", en: "Worker applications — verification queue" },
    "signup.hint": {
      hi: "लोगों ने /signup/ पर खुद आवेदन भेजे हैं। दस्तावेज़ देखें, स्वीकार या कारण सहित अस्वीकार करें, फिर पुलिस सत्यापन दर्ज करें। हर कदम दर्ज होता है।",
      en: "People applied themselves at /signup/. View the documents, approve or reject with a reason, then record police verification. Every step is audited.",
    },
    "signup.everything": { hi: "निपटाए हुए भी दिखाएँ", en: "Show decided ones too" },
    "signup.name": { hi: "नाम", en: "Name" },
    "signup.phone": { hi: "फ़ोन", en: "Phone" },
    "signup.district": { hi: "ज़िला", en: "District" },
    "signup.trades": { hi: "काम", en: "Trades" },
    "signup.qualification": { hi: "योग्यता", en: "Qualification" },
    "signup.sent": { hi: "भेजा गया", en: "Sent" },
    "signup.stage": { hi: "स्थिति", en: "Stage" },
    "signup.open": { hi: "खोलें", en: "Open" },
    "signup.home": { hi: "घर", en: "Home" },
    "signup.map": { hi: "नक्शे में देखें", en: "See on the map" },
    "signup.documents": { hi: "दस्तावेज़", en: "Documents" },
    "signup.view": { hi: "देखें", en: "View" },
    "signup.file": { hi: "फ़ाइल", en: "File" },
    "signup.size": { hi: "आकार", en: "Size" },
    "signup.decision": { hi: "निर्णय", en: "Decision" },
    "signup.approve": { hi: "स्वीकार करें (कर्मी बनेगी, पुलिस सत्यापन बाकी)", en: "Approve (she becomes a worker; police verification follows)" },
    "signup.reject": { hi: "अस्वीकार करें", en: "Reject" },
    "signup.reason": { hi: "कारण (आवेदक इसे पढ़ेगी)", en: "Reason (the applicant reads it)" },
    "signup.police": { hi: "पुलिस सत्यापन", en: "Police verification" },
    "signup.reference": { hi: "पुलिस संदर्भ संख्या", en: "Police reference number" },
    "signup.date": { hi: "तारीख", en: "Date" },
    "signup.police_requested": { hi: "सत्यापन माँगा गया", en: "Verification requested" },
    "signup.police_cleared": { hi: "पुलिस से मंज़ूरी (सत्यापित)", en: "Cleared by police (verified)" },
    "signup.police_adverse": { hi: "प्रतिकूल रिपोर्ट (पंजीकरण रद्द)", en: "Adverse report (struck off)" },
    "signup.certificate": { hi: "पुलिस सत्यापन प्रमाणपत्र (मंज़ूरी से पहले अपलोड करें)", en: "Police verification certificate (upload before clearing)" },
    "signup.upload": { hi: "अपलोड करें", en: "Upload" },
    "signup.police_record": { hi: "माँगा: {requested} · परिणाम: {result}", en: "Requested: {requested} · result: {result}" },
    "signup.audit": { hi: "हर कदम का रिकॉर्ड", en: "Audit trail" },
    "signup.done": { hi: "{name}: {action} दर्ज हुआ।", en: "{name}: {action} recorded." },
    "signup.uploaded": { hi: "{name} अपलोड हो गया।", en: "{name} uploaded." },
    "signup.stage.submitted": { hi: "नया — दस्तावेज़ देखें", en: "New — check documents" },
    "signup.stage.police_check": { hi: "स्वीकृत — पुलिस सत्यापन माँगें", en: "Approved — request police verification" },
    "signup.stage.police_pending": { hi: "पुलिस सत्यापन चल रहा है", en: "Police verification pending" },
    "signup.stage.verified": { hi: "सत्यापित कर्मी", en: "Verified worker" },
    "signup.stage.rejected": { hi: "अस्वीकृत", en: "Rejected" },
    "signup.stage.struck_off": { hi: "पंजीकरण रद्द (पुलिस)", en: "Struck off (police)" },
  };

  function stageBadge(stage) {
    return el("span", { class: `badge signup-${stage}`, "data-field": "stage", text: t(`signup.stage.${stage}`) });
  }

  function named(map, code) {
    return map[code] ? pick(map[code]) : code;
  }

  async function loadQueue() {
    if (!canEdit()) return;
    await act("signup", async () => {
      const everything = byId("signup-everything").checked;
      const answer = await api("GET", `/signup/applications${everything ? "?everything=true" : ""}`);
      SIGNUP.applications = answer.applications;
      SIGNUP.names.qualifications = Object.fromEntries(answer.qualifications.map((q) => [q.code, q]));
      SIGNUP.names.documents = Object.fromEntries(answer.documents.map((d) => [d.kind, d]));
      renderQueue();
    });
  }

  function renderQueue() {
    const table = byId("signup-table");
    if (!table) return;
    rows(table.tBodies[0], SIGNUP.applications, (application) => el("tr", { "data-application-id": application.id },
      el("td", { text: application.name }),
      el("td", { text: application.phone }),
      el("td", { text: `${application.place_district} · ${application.district}` }),
      el("td", { text: skillNames(application.trades) }),
      el("td", { text: named(SIGNUP.names.qualifications, application.qualification) }),
      el("td", { text: formatTime(application.submitted_at) }),
      el("td", {}, stageBadge(application.stage)),
      el("td", {}, el("button", { type: "button", class: "secondary", "data-action": "open", text: t("signup.open"),
        onclick: () => openApplication(application.id) }))), 8);
  }

  async function openApplication(id) {
    await act("signup", async () => {
      SIGNUP.application = await api("GET", `/signup/applications/${encodeURIComponent(id)}`);
      say("signup-detail", null);
      byId("signup-viewer").replaceChildren();
      renderDetail();
      byId("signup-detail").scrollIntoView({ block: "nearest" });
    });
  }

  async function afterStep(labelKey) {
    const application = SIGNUP.application;
    SIGNUP.application = await api("GET", `/signup/applications/${encodeURIComponent(application.id)}`);
    say("signup-detail", ok("signup.done", { name: application.name, action: both(labelKey) }));
    renderDetail();
    await loadQueue();
  }

  function step(path, labelKey, body, button) {
    const id = encodeURIComponent(SIGNUP.application.id);
    return act("signup-detail", async () => {
      await api("POST", `/signup/applications/${id}/${path}`, { json: body });
      await afterStep(labelKey);
    }, button);
  }

  /** A picture is shown here, beside the application; a PDF is downloaded. */
  async function viewDocument(doc, button) {
    const path = `/signup/applications/${encodeURIComponent(SIGNUP.application.id)}/documents/${encodeURIComponent(doc.id)}`;
    await act("signup-detail", async () => {
      if (!doc.media_type.startsWith("image/")) {
        await downloadFile(path, doc.file_name);
        return;
      }
      const response = await fetch(API + path, { headers: authHeaders() }).catch(() => { throw new ApiError(0, null); });
      if (!response.ok) readAnswer(response.status, await response.text(), false);
      const picture = el("img", { alt: doc.file_name, class: "signup-picture" });
      picture.style.maxWidth = "100%";
      const reader = new FileReader();  // a data: URL: the console's content policy allows pictures only so
      reader.onload = () => { picture.src = reader.result; };
      reader.readAsDataURL(await response.blob());
      byId("signup-viewer").replaceChildren(el("p", { class: "hint", text: doc.file_name }), picture);
    }, button);
  }

  async function uploadCertificate(event) {
    event.preventDefault();
    const file = byId("signup-certificate").files[0];
    if (!file) return;
    const id = encodeURIComponent(SIGNUP.application.id);
    await act("signup-detail", async () => {
      await sendFile(`/workers/${id}/documents/police_certificate`, file, file.type, `?${new URLSearchParams({ filename: file.name })}`);
      byId("signup-certificate").value = "";
      SIGNUP.application = await api("GET", `/signup/applications/${id}`);
      say("signup-detail", ok("signup.uploaded", { name: file.name }));
      renderDetail();
    }, event.submitter);
  }

  function policeBody(withReason) {
    const form = byId("signup-police-form").elements;
    return { reference: form.reference.value.trim(), date: form.date.value || null, reason: withReason ? form.reason.value.trim() || null : null };
  }

  function renderDetail() {
    const card = byId("signup-detail");
    if (!card) return;
    const application = SIGNUP.application;
    card.hidden = !application;
    if (!application) return;
    byId("signup-detail-title").textContent = `${application.name} · ${application.phone}`;
    const map = `https://www.openstreetmap.org/?mlat=${application.home_lat}&mlon=${application.home_lng}#map=16/${application.home_lat}/${application.home_lng}`;
    const police = application.police;
    byId("signup-summary").replaceChildren(...[
      el("p", {}, stageBadge(application.stage), " ", `${application.place_district} (${application.pincode}) · ${application.district}`),
      el("p", {}, `${t("signup.trades")}: ${skillNames(application.trades)} · ${t("signup.qualification")}: ${named(SIGNUP.names.qualifications, application.qualification)}`),
      el("p", {}, `${t("signup.home")}: ${application.home_lat.toFixed(5)}, ${application.home_lng.toFixed(5)} `,
        el("a", { href: map, target: "_blank", rel: "noopener noreferrer", text: t("signup.map") })),
      police.reference ? el("p", { "data-field": "police", text: t("signup.police_record", {
        requested: `${police.reference} (${police.requested_on})`,
        result: police.result ? `${police.result} — ${police.result_reference} (${police.result_on})` : "—" }) }) : null,
      application.reason ? el("p", { class: "msg msg-warn", text: `${t("signup.reason")}: ${application.reason}` }) : null,
    ].filter(Boolean));
    rows(byId("signup-documents").tBodies[0], application.documents, (doc) => el("tr", { "data-kind": doc.kind },
      el("td", { text: named(SIGNUP.names.documents, doc.kind) }),
      el("td", { text: doc.file_name }),
      el("td", { class: "num", text: `${Math.ceil(doc.size_bytes / 1000)} KB` }),
      el("td", { text: formatTime(doc.uploaded_at) }),
      el("td", {}, el("button", { type: "button", class: "secondary", "data-action": "view", text: t("signup.view"),
        onclick: (event) => viewDocument(doc, event.currentTarget) }))), 5);
    const stage = application.stage;
    byId("signup-decision").hidden = stage !== "submitted";
    byId("signup-police").hidden = !["police_check", "police_pending"].includes(stage);
    byId("signup-certificate-form").hidden = stage !== "police_pending";
    document.querySelectorAll("#signup-police-form [data-step]").forEach((button) => {
      button.hidden = (button.dataset.step === "requested") !== (stage === "police_check");
    });
    rows(byId("signup-audit").tBodies[0], application.audit, (entry) => el("tr", {},
      el("td", { text: formatTime(entry.at) }),
      el("td", { text: entry.actor }),
      el("td", { text: entry.action }),
      el("td", { text: `${entry.before || "—"} → ${entry.after || "—"}` }),
      el("td", { text: entry.reason || "" })), 5);
  }

  function build() {
    const tab = el("button", { type: "button", role: "tab", "data-tab": "signup", "data-i18n": "tab.signup",
      "data-roles": "admin district_officer", onclick: () => { showTab("signup"); loadQueue(); } });
    document.querySelector("nav.tabs").append(tab);
    const field = (labelKey, input, error) => el("label", {}, el("span", { "data-i18n": labelKey }), input,
      el("small", { class: "field-error", "data-error-for": error }));
    const panel = el("section", { class: "tab-panel", id: "tab-signup", role: "tabpanel", hidden: true },
      el("div", { class: "toolbar" },
        el("h2", { "data-i18n": "signup.title" }),
        el("label", { class: "choice" }, el("input", { type: "checkbox", id: "signup-everything", onchange: loadQueue }), " ",
          el("span", { "data-i18n": "signup.everything" })),
        el("button", { type: "button", class: "secondary", id: "signup-refresh", "data-i18n": "refresh", onclick: loadQueue })),
      el("p", { class: "hint", "data-i18n": "signup.hint" }),
      el("div", { class: "msg", "data-msg": "signup", role: "status", hidden: true }),
      el("div", { class: "table-wrap" }, el("table", { class: "grid", id: "signup-table" },
        el("thead", {}, el("tr", {}, ["signup.name", "signup.phone", "signup.district", "signup.trades", "signup.qualification",
          "signup.sent", "signup.stage", "actions"].map((key) => el("th", { "data-i18n": key })))),
        el("tbody"))),
      el("section", { class: "card", id: "signup-detail", hidden: true },
        el("h3", { id: "signup-detail-title" }),
        el("div", { id: "signup-summary" }),
        el("div", { class: "msg", "data-msg": "signup-detail", "data-form": "signup-police-form", role: "status", hidden: true }),
        el("h4", { "data-i18n": "signup.documents" }),
        el("div", { class: "table-wrap" }, el("table", { class: "grid", id: "signup-documents" },
          el("thead", {}, el("tr", {}, ["signup.documents", "signup.file", "signup.size", "when", "actions"]
            .map((key) => el("th", { "data-i18n": key })))), el("tbody"))),
        el("div", { id: "signup-viewer" }),
        el("div", { id: "signup-decision" },
          el("h4", { "data-i18n": "signup.decision" }),
          el("div", { class: "button-row" },
            el("button", { type: "button", id: "signup-approve", "data-i18n": "signup.approve",
              onclick: (event) => step("approve", "signup.approve", undefined, event.currentTarget) })),
          el("label", { class: "wide" }, el("span", { "data-i18n": "signup.reason" }),
            el("input", { id: "signup-reason", maxlength: "1000" })),
          el("div", { class: "button-row" },
            el("button", { type: "button", class: "danger", id: "signup-reject", "data-i18n": "signup.reject",
              onclick: (event) => step("reject", "signup.reject", { reason: byId("signup-reason").value.trim() || null }, event.currentTarget) }))),
        el("div", { id: "signup-police" },
          el("h4", { "data-i18n": "signup.police" }),
          el("form", { id: "signup-certificate-form", class: "inline-form", onsubmit: uploadCertificate },
            el("label", {}, el("span", { "data-i18n": "signup.certificate" }),
              el("input", { type: "file", id: "signup-certificate", accept: "application/pdf,image/jpeg,image/png" })),
            el("button", { type: "submit", class: "secondary", "data-i18n": "signup.upload" })),
          el("form", { id: "signup-police-form", class: "form-grid", novalidate: true, onsubmit: (event) => event.preventDefault() },
            field("signup.reference", el("input", { name: "reference", maxlength: "64" }), "reference"),
            field("signup.date", el("input", { name: "date", type: "date" }), "date"),
            field("signup.reason", el("input", { name: "reason", maxlength: "1000" }), "reason"),
            el("div", { class: "button-row wide" },
              ["requested", "cleared", "adverse"].map((name) => el("button", {
                type: "button", "data-step": name, class: name === "adverse" ? "danger" : "", "data-i18n": `signup.police_${name}`,
                onclick: (event) => step(`police/${name}`, `signup.police_${name}`, policeBody(name === "adverse"), event.currentTarget),
              }))))),
        el("h4", { "data-i18n": "signup.audit" }),
        el("div", { class: "table-wrap" }, el("table", { class: "grid", id: "signup-audit" },
          el("thead", {}, el("tr", {}, ["when", "who", "workers.action", "workers.before_after", "workers.reason"]
            .map((key) => el("th", { "data-i18n": key })))), el("tbody")))));
    document.getElementById("console").append(panel);
  }

  addPanel({
    text,
    start: build,
    load: loadQueue,
    render() {
      renderQueue();
      renderDetail();
    },
    reset() {
      SIGNUP.applications = [];
      SIGNUP.application = null;
    },
  });
})();
