// Kiosks tab (admins and district officers): the Jan Seva Kendra kiosks of the district and the cash each owes,
// a kiosk's statement (its bookings, commission, refunds and deposits), and recording the cash a kiosk paid in.
// District officers see their district only (the API decides). Uses the console's helpers (console.js).
"use strict";

(() => {
  const MANAGERS = ["admin", "district_officer"];
  const view = { kiosks: [], kiosk: null, statement: null };

  const panel = document.createElement("section");
  panel.className = "tab-panel";
  panel.id = "tab-kiosks";
  panel.setAttribute("role", "tabpanel");
  panel.hidden = true;
  panel.innerHTML = `
    <div class="toolbar">
      <h2 data-i18n="kiosks.title"></h2>
      <button type="button" class="secondary" id="kiosks-refresh" data-i18n="refresh"></button>
    </div>
    <p class="hint" data-i18n="kiosks.hint"></p>
    <div class="msg" data-msg="kiosks" role="status" hidden></div>
    <div class="table-wrap">
      <table class="grid" id="kiosks-table">
        <thead><tr>
          <th data-i18n="kiosks.kiosk"></th><th data-i18n="catalog.district"></th><th data-i18n="kiosks.operator"></th>
          <th data-i18n="kiosks.commission"></th><th data-i18n="kiosks.cash_due"></th><th data-i18n="actions"></th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </div>

    <section class="card" id="kiosks-detail" hidden>
      <h3 id="kiosks-detail-title"></h3>
      <dl class="facts" id="kiosks-totals"></dl>
      <div class="table-wrap">
        <table class="grid" id="kiosks-lines">
          <thead><tr>
            <th data-i18n="when"></th><th data-i18n="kiosks.event"></th><th data-i18n="complaints.order"></th>
            <th data-i18n="kiosks.amount"></th><th data-i18n="kiosks.commission"></th><th data-i18n="kiosks.due_after"></th>
          </tr></thead>
          <tbody></tbody>
        </table>
      </div>
      <h4 data-i18n="kiosks.deposit"></h4>
      <p class="hint" data-i18n="kiosks.deposit_hint"></p>
      <form id="kiosks-deposit-form" class="inline-form" novalidate>
        <label><span data-i18n="kiosks.amount"></span><input name="amount" inputmode="decimal" size="10">
          <small class="field-error" data-error-for="amount"></small></label>
        <label><span data-i18n="kiosks.receipt"></span><input name="receipt" maxlength="64" size="16">
          <small class="field-error" data-error-for="receipt"></small></label>
        <button type="submit" id="kiosks-deposit-submit" data-i18n="kiosks.deposit_submit"></button>
      </form>
      <div class="msg" data-msg="kiosks-deposit" data-form="kiosks-deposit-form" role="status" hidden></div>
    </section>`;
  document.getElementById("console").append(panel);
  document.querySelector("#console .tabs").append(el("button", {
    type: "button", role: "tab", "data-tab": "kiosks", "data-i18n": "tab.kiosks", "data-roles": MANAGERS.join(" "),
  }));

  function manager() {
    return MANAGERS.includes(role());
  }

  async function load() {
    if (role() === "kiosk_operator") {
      window.location.replace("/kiosk/");  // a kiosk's counter has its own page
      return;
    }
    if (!manager()) return;
    await act("kiosks", async () => {
      view.kiosks = await api("GET", "/kiosks");
      renderKiosks();
    });
  }

  async function openKiosk(kiosk, button) {
    await act("kiosks", async () => {
      view.kiosk = kiosk;
      view.statement = await api("GET", `/kiosks/${encodeURIComponent(kiosk.id)}/statement?days=90`);
      const deposit = byId("kiosks-deposit-form");
      deposit.reset();
      deposit.elements.amount.value = Number(view.statement.cash_due) > 0 ? view.statement.cash_due : "";
      say("kiosks-deposit", null);
      renderDetail();
      byId("kiosks-detail").scrollIntoView({ block: "nearest" });
    }, button);
  }

  async function recordDeposit(event) {
    event.preventDefault();
    const values = event.target.elements;
    const kiosk = view.kiosk;
    await act("kiosks-deposit", async () => {
      const answer = await api("POST", `/kiosks/${encodeURIComponent(kiosk.id)}/deposits`, {
        json: { amount: values.amount.value.trim(), receipt: values.receipt.value.trim() },
      });
      say("kiosks-deposit", ok("kiosks.deposited", { kiosk: kiosk.id, due: answer.cash_due }));
      [view.kiosks, view.statement] = await Promise.all([
        api("GET", "/kiosks"), api("GET", `/kiosks/${encodeURIComponent(kiosk.id)}/statement?days=90`),
      ]);
      values.amount.value = "";
      values.receipt.value = "";
      renderKiosks();
      renderDetail();
    }, byId("kiosks-deposit-submit"));
  }

  function renderKiosks() {
    const tbody = byId("kiosks-table").tBodies[0];
    rows(tbody, view.kiosks, (kiosk) => el("tr", { "data-kiosk-id": kiosk.id },
      el("td", {}, el("span", { class: "name-hi", text: kiosk.name }), el("br"), el("code", { text: kiosk.id })),
      el("td", { text: kiosk.district_name }),
      el("td", { text: `${kiosk.operator_name} · ${kiosk.operator_phone}` }),
      el("td", { class: "num", text: `₹${kiosk.commission_per_booking}` }),
      el("td", { class: "num kiosk-due", text: `₹${kiosk.cash_due}` }),
      el("td", {}, el("button", { type: "button", class: "secondary", text: t("kiosks.open"),
        onclick: (event) => openKiosk(kiosk, event.currentTarget) }))), 6);
  }

  function renderDetail() {
    const shown = view.statement;
    byId("kiosks-detail").hidden = !shown;
    if (!shown) return;
    byId("kiosks-detail-title").textContent = t("kiosks.statement_of", { name: view.kiosk.name, id: view.kiosk.id });
    byId("kiosks-totals").replaceChildren(...[
      ["kiosks.bookings", String(shown.bookings)], ["kiosks.collected", `₹${shown.collected}`],
      ["kiosks.earned", `₹${shown.commission}`], ["kiosks.refunded", `₹${shown.refunded}`],
      ["kiosks.deposited_total", `₹${shown.deposited}`], ["kiosks.cash_due", `₹${shown.cash_due}`],
    ].flatMap(([key, text]) => [el("dt", { text: t(key) }), el("dd", { id: `kiosks-total-${key.split(".")[1]}`, text })]));
    rows(byId("kiosks-lines").tBodies[0], [...shown.lines].reverse(), (line) => el("tr", {},
      el("td", { text: formatTime(line.at) }),
      el("td", { text: t(`kiosks.kind.${line.kind}`, { receipt: line.receipt || "" }) }),
      el("td", {}, line.order_id ? el("code", { text: line.order_id }) : "—"),
      el("td", { class: "num", text: line.change.startsWith("-") ? `−₹${line.change.slice(1)}` : `₹${line.change}` }),
      el("td", { class: "num", text: line.commission === "0.00" ? "—" : `₹${line.commission}` }),
      el("td", { class: "num", text: `₹${line.due_after}` })), 6);
  }

  function render() {
    renderKiosks();
    renderDetail();
  }

  function reset() {
    Object.assign(view, { kiosks: [], kiosk: null, statement: null });
  }

  function start() {
    byId("kiosks-refresh").addEventListener("click", load);
    byId("kiosks-deposit-form").addEventListener("submit", recordDeposit);
  }

  addPanel({
    start, load, render, reset,
    text: {
      "tab.kiosks": { hi: "कियोस्क", en: "Kiosks" },
      "role.kiosk_operator": { hi: "कियोस्क संचालक", en: "Kiosk operator" },
      "kiosks.title": { hi: "जन सेवा केंद्र कियोस्क", en: "Jan Seva Kendra kiosks" },
      "kiosks.hint": {
        hi: "कियोस्क बुकिंग पर नागरिक से शुल्क नकद लेता है और हर पूरी बुकिंग पर अपना कमीशन रखता है; बाकी राशि वह सेवा मित्र में जमा करता है।",
        en: "A kiosk takes the fee in cash when it books and keeps its commission on each completed booking; it pays the rest in to Seva Mitra.",
      },
      "kiosks.kiosk": { hi: "कियोस्क", en: "Kiosk" },
      "kiosks.operator": { hi: "संचालक", en: "Operator" },
      "kiosks.commission": { hi: "कमीशन", en: "Commission" },
      "kiosks.cash_due": { hi: "जमा करना है", en: "Cash due" },
      "kiosks.open": { hi: "खाता और जमा", en: "Statement and deposit" },
      "kiosks.statement_of": { hi: "{name} ({id}) — पिछले 90 दिन", en: "{name} ({id}) — last 90 days" },
      "kiosks.bookings": { hi: "बुकिंग", en: "Bookings" },
      "kiosks.collected": { hi: "लिया गया शुल्क", en: "Fees taken" },
      "kiosks.earned": { hi: "कमाया कमीशन", en: "Commission earned" },
      "kiosks.refunded": { hi: "नागरिकों को लौटाया", en: "Returned to citizens" },
      "kiosks.deposited_total": { hi: "जमा किया", en: "Deposited" },
      "kiosks.event": { hi: "क्या हुआ", en: "What happened" },
      "kiosks.amount": { hi: "राशि (₹)", en: "Amount (₹)" },
      "kiosks.due_after": { hi: "बकाया", en: "Due" },
      "kiosks.deposit": { hi: "कियोस्क की जमा राशि दर्ज करें", en: "Record the kiosk's deposit" },
      "kiosks.deposit_hint": {
        hi: "कियोस्क ने जितना नकद जमा किया, वह राशि और जमा पर्ची या बैंक संदर्भ लिखें। एक पर्ची एक ही बार दर्ज होती है।",
        en: "Enter the cash the kiosk paid in and its deposit slip or bank reference. A slip is recorded once.",
      },
      "kiosks.receipt": { hi: "जमा पर्ची / बैंक संदर्भ", en: "Deposit slip / bank reference" },
      "kiosks.deposit_submit": { hi: "जमा दर्ज करें", en: "Record deposit" },
      "kiosks.deposited": { hi: "जमा दर्ज हुई। कियोस्क {kiosk} का बकाया अब ₹{due} है।", en: "Deposit recorded. Kiosk {kiosk} now owes ₹{due}." },
      "kiosks.kind.kiosk_collection": { hi: "बुकिंग का शुल्क लिया", en: "Fee taken for a booking" },
      "kiosks.kind.completion": { hi: "बुकिंग पूरी: कियोस्क का कमीशन", en: "Booking completed: the kiosk's commission" },
      "kiosks.kind.cancellation": { hi: "बुकिंग रद्द: नागरिक को लौटाया", en: "Booking cancelled: returned to the citizen" },
      "kiosks.kind.cancellation_fee_refund": { hi: "रद्दीकरण शुल्क नागरिक को लौटाया", en: "Cancellation fee returned to the citizen" },
      "kiosks.kind.kiosk_deposit": { hi: "सेवा मित्र में जमा (पर्ची {receipt})", en: "Deposited with Seva Mitra (slip {receipt})" },
    },
  });
})();
