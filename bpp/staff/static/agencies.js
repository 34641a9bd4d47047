// The console's agencies tab: service-provider firms that applied at /agency/, approved (the agency gets its login)
// or rejected with a reason the applicant reads (/staff/api/agencies). It registers with the console's addPanel
// and uses its helpers (el, t, both, api, act, say, ok, rows, showTab, formatTime).
"use strict";

(() => {
  const AGENCIES = { list: [] };

  const text = {
    "tab.agencies": { hi: "एजेंसियाँ", en: "Agencies" },
    "agencies.title": { hi: "सेवा प्रदाता एजेंसियों के आवेदन", en: "Service-provider agency applications" },
    "agencies.hint": {
      hi: "कर्मी उपलब्ध कराने वाली फ़र्मों ने /agency/ पर आवेदन भेजे हैं। GSTIN और PAN जाँचे जा चुके हैं; पंजीकरण देखकर स्वीकार करें (एजेंसी को लॉगिन मिलेगा) या कारण लिखकर अस्वीकार करें।",
      en: "Firms that supply workers applied at /agency/. GSTIN and PAN are checked already; check the registration and approve (the agency gets its login) or reject with a reason.",
    },
    "agencies.everything": { hi: "निपटाए हुए भी दिखाएँ", en: "Show decided ones too" },
    "agencies.firm": { hi: "फ़र्म", en: "Firm" },
    "agencies.registration": { hi: "पंजीकरण / GSTIN / PAN", en: "Registration / GSTIN / PAN" },
    "agencies.contact": { hi: "संपर्क", en: "Contact" },
    "agencies.district": { hi: "ज़िला", en: "District" },
    "agencies.sent": { hi: "भेजा गया", en: "Sent" },
    "agencies.status": { hi: "स्थिति", en: "Status" },
    "agencies.reason": { hi: "अस्वीकार का कारण (आवेदक पढ़ेगा)", en: "Reason to reject (the applicant reads it)" },
    "agencies.approve": { hi: "स्वीकार करें", en: "Approve" },
    "agencies.reject": { hi: "अस्वीकार करें", en: "Reject" },
    "agencies.done": { hi: "{name}: {action} दर्ज हुआ।", en: "{name}: {action} recorded." },
    "agencies.status.submitted": { hi: "नया", en: "New" },
    "agencies.status.approved": { hi: "स्वीकृत", en: "Approved" },
    "agencies.status.rejected": { hi: "अस्वीकृत", en: "Rejected" },
  };

  async function loadAgencies() {
    if (!canEdit()) return;
    await act("agencies", async () => {
      const everything = byId("agencies-everything").checked;
      AGENCIES.list = (await api("GET", `/agencies${everything ? "?everything=true" : ""}`)).agencies;
      renderAgencies();
    });
  }

  function decide(agency, action, button) {
    const reasonBox = byId(`agency-reason-${agency.id}`);
    const body = action === "reject" ? { reason: reasonBox.value.trim() || null } : undefined;
    return act("agencies", async () => {
      await api("POST", `/agencies/${encodeURIComponent(agency.id)}/${action}`, { json: body });
      await loadAgencies();
      say("agencies", ok("agencies.done", { name: agency.name, action: both(`agencies.${action}`) }));
    }, button);
  }

  function renderAgencies() {
    const table = byId("agencies-table");
    if (!table) return;
    rows(table.tBodies[0], AGENCIES.list, (agency) => el("tr", { "data-agency-id": agency.id },
      el("td", { text: agency.name }),
      el("td", { text: `${agency.registration_number} / ${agency.gstin} / ${agency.pan}` }),
      el("td", { text: `${agency.contact_name} · ${agency.phone} · ${agency.address}` }),
      el("td", { text: agency.district }),
      el("td", { text: formatTime(agency.submitted_at) }),
      el("td", { "data-field": "status", text: t(`agencies.status.${agency.status}`) + (agency.reason ? ` — ${agency.reason}` : "") }),
      el("td", {}, agency.status !== "submitted" ? null : el("div", { class: "button-row" },
        el("button", { type: "button", "data-action": "approve", text: t("agencies.approve"),
          onclick: (event) => decide(agency, "approve", event.currentTarget) }),
        el("input", { id: `agency-reason-${agency.id}`, maxlength: "1000", "aria-label": t("agencies.reason"),
          placeholder: t("agencies.reason") }),
        el("button", { type: "button", class: "danger", "data-action": "reject", text: t("agencies.reject"),
          onclick: (event) => decide(agency, "reject", event.currentTarget) })))), 7);
  }

  function build() {
    const tab = el("button", { type: "button", role: "tab", "data-tab": "agencies", "data-i18n": "tab.agencies",
      "data-roles": "admin district_officer", onclick: () => { showTab("agencies"); loadAgencies(); } });
    document.querySelector("nav.tabs").append(tab);
    const panel = el("section", { class: "tab-panel", id: "tab-agencies", role: "tabpanel", hidden: true },
      el("div", { class: "toolbar" },
        el("h2", { "data-i18n": "agencies.title" }),
        el("label", { class: "choice" }, el("input", { type: "checkbox", id: "agencies-everything", onchange: loadAgencies }), " ",
          el("span", { "data-i18n": "agencies.everything" })),
        el("button", { type: "button", class: "secondary", "data-i18n": "refresh", onclick: loadAgencies })),
      el("p", { class: "hint", "data-i18n": "agencies.hint" }),
      el("div", { class: "msg", "data-msg": "agencies", role: "status", hidden: true }),
      el("div", { class: "table-wrap" }, el("table", { class: "grid", id: "agencies-table" },
        el("thead", {}, el("tr", {}, ["agencies.firm", "agencies.registration", "agencies.contact", "agencies.district",
          "agencies.sent", "agencies.status", "actions"].map((key) => el("th", { "data-i18n": key })))),
        el("tbody"))));
    document.getElementById("console").append(panel);
  }

  addPanel({
    text,
    start: build,
    load: loadAgencies,
    render: renderAgencies,
    reset() {
      AGENCIES.list = [];
    },
  });
})();
