// Payouts tab (admins and district officers): what each worker is owed, running a payout batch, its bank file,
// the bank's return file (CSV) marking lines paid or failed with a report of wrong rows, a worker's statement.
// District officers see their district only (the API decides). Uses the console's helpers (console.js).
"use strict";

(() => {
  const MANAGERS = ["admin", "district_officer"];
  const view = { owed: [], batches: [], batch: null, returnReport: null, statement: null, statementWorker: null };

  const panel = document.createElement("section");
  panel.className = "tab-panel";
  panel.id = "tab-payouts";
  panel.setAttribute("role", "tabpanel");
  panel.hidden = true;
  panel.innerHTML = `
    <div class="toolbar">
      <h2 data-i18n="payouts.title"></h2>
      <button type="button" class="secondary" id="payouts-refresh" data-i18n="refresh"></button>
    </div>
    <p class="hint" data-i18n="payouts.hint"></p>
    <div class="msg" data-msg="payouts" role="status" hidden></div>
    <div class="table-wrap">
      <table class="grid" id="owed-table">
        <thead><tr>
          <th data-i18n="workers.name"></th><th data-i18n="workers.phone"></th><th data-i18n="catalog.district"></th>
          <th data-i18n="payouts.payable"></th><th data-i18n="payouts.cash_held"></th><th data-i18n="payouts.in_payout"></th>
          <th data-i18n="payouts.mode"></th><th data-i18n="actions"></th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </div>

    <section class="card" id="statement" hidden>
      <h3 id="statement-title"></h3>
      <p id="statement-summary"></p>
      <div class="table-wrap">
        <table class="grid" id="statement-table">
          <thead><tr>
            <th data-i18n="when"></th><th data-i18n="payouts.event"></th><th data-i18n="payouts.account"></th>
            <th data-i18n="complaints.order"></th><th data-i18n="payouts.amount"></th><th data-i18n="payouts.balance_after"></th>
            <th data-i18n="payouts.note"></th>
          </tr></thead>
          <tbody></tbody>
        </table>
      </div>
      <button type="button" class="secondary" id="statement-older" data-i18n="payouts.older"></button>
    </section>

    <section class="card">
      <h3 data-i18n="payouts.run"></h3>
      <p class="hint" data-i18n="payouts.run_hint"></p>
      <form id="batch-form" class="inline-form" novalidate>
        <label><span data-i18n="payouts.minimum"></span>
          <input name="minimum" inputmode="decimal" value="100" size="8">
          <small class="field-error" data-error-for="minimum"></small></label>
        <label data-roles="admin"><span data-i18n="payouts.district"></span>
          <input name="district" placeholder="std:0522" size="10"></label>
        <button type="submit" id="batch-submit" data-i18n="payouts.run_submit"></button>
      </form>
      <div class="msg" data-msg="batch" data-form="batch-form" role="status" hidden></div>
    </section>

    <h3 data-i18n="payouts.batches"></h3>
    <div class="table-wrap">
      <table class="grid" id="batches-table">
        <thead><tr>
          <th data-i18n="payouts.created"></th><th data-i18n="catalog.district"></th><th data-i18n="payouts.lines"></th>
          <th data-i18n="payouts.total"></th><th data-i18n="actions"></th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </div>

    <section class="card" id="batch-detail" hidden>
      <div class="toolbar">
        <h3 id="batch-title"></h3>
        <button type="button" class="secondary" id="batch-bank-file" data-i18n="payouts.bank_file"></button>
      </div>
      <div class="msg" data-msg="batch-detail" role="status" hidden></div>
      <div class="table-wrap">
        <table class="grid" id="batch-lines">
          <thead><tr>
            <th data-i18n="payouts.line"></th><th data-i18n="payouts.worker"></th><th data-i18n="payouts.amount"></th>
            <th data-i18n="complaints.status"></th><th data-i18n="payouts.bank_reference"></th><th data-i18n="payouts.reason"></th>
          </tr></thead>
          <tbody></tbody>
        </table>
      </div>
      <h4 data-i18n="payouts.return_title"></h4>
      <p class="hint" data-i18n="payouts.return_hint"></p>
      <form id="return-form" class="inline-form">
        <input type="file" id="return-file" accept=".csv,text/csv" data-i18n-label="payouts.return_title">
        <button type="submit" id="return-submit" data-i18n="payouts.return_submit"></button>
      </form>
      <div class="msg" data-msg="return" role="status" hidden></div>
      <div class="table-wrap">
        <table class="grid" id="return-errors" hidden>
          <thead><tr>
            <th data-i18n="import.line"></th><th data-i18n="import.field"></th><th data-i18n="import.error"></th>
          </tr></thead>
          <tbody></tbody>
        </table>
      </div>
    </section>`;
  document.getElementById("console").append(panel);
  document.querySelector("#console .tabs").append(el("button", {
    type: "button", role: "tab", "data-tab": "payouts", "data-i18n": "tab.payouts", "data-roles": MANAGERS.join(" "),
  }));

  function manager() {
    return MANAGERS.includes(role());
  }

  async function load() {
    if (!manager()) return;
    await act("payouts", async () => {
      [view.owed, view.batches] = await Promise.all([api("GET", "/wallets"), api("GET", "/payouts")]);
      renderOwed();
      renderBatches();
    });
  }

  function money(value) {
    const text = String(value);
    return text.startsWith("-") ? `−₹${text.slice(1)}` : `₹${text}`;
  }

  function renderOwed() {
    rows(byId("owed-table").tBodies[0], view.owed, (worker) => el("tr", { "data-worker-id": worker.worker_id },
      el("td", { text: worker.name }),
      el("td", { text: worker.phone }),
      el("td", { text: worker.district }),
      el("td", { class: "num payable", text: money(worker.payable) }),
      el("td", { class: "num", text: money(worker.cash_held) }),
      el("td", { class: "num in-payout", text: money(worker.in_payout) }),
      el("td", {}, el("span", { class: worker.payout_mode === "MISSING" ? "badge late" : "badge ok", text: t(`payouts.mode_${worker.payout_mode}`) })),
      el("td", {}, el("button", {
        type: "button", class: "secondary", "data-action": "statement", text: t("payouts.statement"),
        onclick: () => openStatement(worker),
      }))), 8);
  }

  function renderBatches() {
    rows(byId("batches-table").tBodies[0], view.batches, (batch) => el("tr", { "data-batch-id": batch.id },
      el("td", { text: formatTime(batch.created_at) }),
      el("td", { text: batch.district || t("dashboard.state") }),
      el("td", { class: "num", text: String(batch.line_count) }),
      el("td", { class: "num", text: money(batch.total) }),
      el("td", {}, el("button", {
        type: "button", class: "secondary", "data-action": "open-batch", text: t("open"), onclick: () => openBatch(batch.id),
      }))), 5);
  }

  async function openBatch(batchId) {
    await act("payouts", async () => {
      view.batch = await api("GET", `/payouts/${encodeURIComponent(batchId)}`);
      view.returnReport = null;
      say("return", null);
      renderBatch();
      byId("batch-detail").scrollIntoView({ block: "nearest" });
    });
  }

  function renderBatch() {
    const batch = view.batch;
    byId("batch-detail").hidden = !batch;
    if (!batch) return;
    byId("batch-title").textContent = t("payouts.batch_title", { when: formatTime(batch.created_at), total: money(batch.total), lines: batch.line_count });
    const names = Object.fromEntries(view.owed.map((worker) => [worker.worker_id, worker.name]));
    rows(byId("batch-lines").tBodies[0], batch.lines, (line) => el("tr", { "data-line": line.line_no },
      el("td", { class: "num", text: String(line.line_no) }),
      el("td", { text: names[line.worker_id] ? `${names[line.worker_id]} (${line.worker_id})` : line.worker_id }),
      el("td", { class: "num", text: money(line.amount) }),
      el("td", { class: "line-status" }, el("span", { class: `badge line-${line.status}`, text: t(`payouts.status_${line.status}`) })),
      el("td", { text: line.bank_reference || "" }),
      el("td", { text: line.failure_reason || "" })), 6);
    const errors = view.returnReport ? view.returnReport.errors.map(fieldError) : [];
    const table = byId("return-errors");
    table.hidden = errors.length === 0;
    table.tBodies[0].replaceChildren(...errors.map((error) => el("tr", {},
      el("td", { class: "num", text: String(error.line) }),
      el("td", {}, el("code", { text: error.field })),
      el("td", { text: pick(error) }))));
  }

  async function runBatch(event) {
    event.preventDefault();
    const values = event.target.elements;
    const body = { minimum: values.minimum.value.trim() || "0" };
    if (role() === "admin" && values.district.value.trim()) body.district = values.district.value.trim();
    await act("batch", async () => {
      const made = await api("POST", "/payouts", { json: body });
      say("batch", ok("payouts.batch_made", { lines: made.line_count, total: money(made.total) }));
      await load();
      await openBatch(made.id);
    }, byId("batch-submit"));
  }

  async function uploadReturn(event) {
    event.preventDefault();
    const file = byId("return-file").files[0];
    if (!file) {
      say("return", { tone: "error", ...TEXT["import.choose_file"], errors: [] });
      return;
    }
    await act("return", async () => {
      const report = await sendFile(`/payouts/${encodeURIComponent(view.batch.id)}/return-file`, file, "text/csv");
      view.returnReport = report;
      const summary = both("payouts.return_done", {
        paid: report.paid.length, failed: report.failed.length, unchanged: report.unchanged.length,
        pending: report.pending.length, errors: new Set(report.errors.map((error) => error.line)).size,
      });
      say("return", { tone: report.errors.length ? "warn" : "ok", ...summary, errors: [] });
      view.batch = await api("GET", `/payouts/${encodeURIComponent(view.batch.id)}`);
      renderBatch();
      await load();
    }, byId("return-submit"));
  }

  async function downloadBankFile(event) {
    await act("batch-detail", async () => {
      const name = await downloadFile(`/payouts/${encodeURIComponent(view.batch.id)}/csv`, `payout-${view.batch.id}.csv`);
      say("batch-detail", ok("dashboard.downloaded", { name }));
    }, event.currentTarget);
  }

  async function openStatement(worker, before = null) {
    await act("payouts", async () => {
      const query = before ? `?before=${before}` : "";
      const answer = await api("GET", `/wallets/${encodeURIComponent(worker.worker_id)}${query}`);
      view.statementWorker = worker;
      view.statement = before ? { ...answer, statement: [...view.statement.statement, ...answer.statement] } : answer;
      view.statementDone = answer.statement.length === 0;
      renderStatement();
      if (!before) byId("statement").scrollIntoView({ block: "nearest" });
    });
  }

  function renderStatement() {
    const statement = view.statement;
    byId("statement").hidden = !statement;
    if (!statement) return;
    const worker = view.statementWorker;
    byId("statement-title").textContent = t("payouts.statement_of", { name: worker.name, phone: worker.phone });
    byId("statement-summary").textContent = t("payouts.position", {
      payable: money(statement.payable), wallet: money(statement.wallet), cash: money(statement.cash_held),
    });
    rows(byId("statement-table").tBodies[0], statement.statement, (line) => el("tr", { "data-event": line.event },
      el("td", { text: formatTime(line.at) }),
      el("td", { text: TEXT[`payouts.event_${line.event}`] ? t(`payouts.event_${line.event}`) : line.event }),
      el("td", { text: t(`payouts.account_${line.account}`) }),
      el("td", {}, line.order_id ? el("code", { text: line.order_id }) : ""),
      el("td", { class: "num", text: money(line.amount) }),
      el("td", { class: "num", text: money(line.balance_after) }),
      el("td", { text: (line.detail && (line.detail.batch_id ? `${t("payouts.line")} ${line.detail.line_no}` : line.detail.receipt)) || "" })), 7);
    byId("statement-older").hidden = view.statementDone || statement.statement.length === 0;
  }

  function olderStatement() {
    const lines = view.statement.statement;
    openStatement(view.statementWorker, lines[lines.length - 1].id);
  }

  function render() {
    panel.querySelectorAll("[data-i18n-label]").forEach((node) => node.setAttribute("aria-label", t(node.dataset.i18nLabel)));
    renderOwed();
    renderBatches();
    renderBatch();
    renderStatement();
  }

  function reset() {
    Object.assign(view, { owed: [], batches: [], batch: null, returnReport: null, statement: null, statementWorker: null });
  }

  function start() {
    byId("payouts-refresh").addEventListener("click", load);
    byId("batch-form").addEventListener("submit", runBatch);
    byId("return-form").addEventListener("submit", uploadReturn);
    byId("batch-bank-file").addEventListener("click", downloadBankFile);
    byId("statement-older").addEventListener("click", olderStatement);
  }

  const event = (hi, en) => ({ hi, en });
  addPanel({
    start, load, render, reset,
    text: {
      "tab.payouts": { hi: "भुगतान", en: "Payouts" },
      "payouts.title": { hi: "कर्मियों का भुगतान", en: "Paying workers" },
      "payouts.hint": {
        hi: "देय = वॉलेट में जमा में से कर्मी के पास रखा नकद घटाकर। भुगतान बैच में गई राशि बैंक के जवाब तक वॉलेट से अलग रहती है।",
        en: "Payable = the wallet less the cash she holds. Money in a payout batch is set aside until the bank answers.",
      },
      "payouts.payable": { hi: "देय", en: "Payable" },
      "payouts.cash_held": { hi: "कर्मी के पास नकद", en: "Cash she holds" },
      "payouts.in_payout": { hi: "बैच में (बैंक के जवाब तक)", en: "In a batch (awaiting the bank)" },
      "payouts.mode": { hi: "भुगतान का तरीका", en: "Paid by" },
      "payouts.mode_UPI": { hi: "UPI", en: "UPI" },
      "payouts.mode_NEFT": { hi: "बैंक खाता (NEFT)", en: "Bank account (NEFT)" },
      "payouts.mode_MISSING": { hi: "खाता नहीं दिया", en: "No account given" },
      "payouts.statement": { hi: "खाता विवरण", en: "Statement" },
      "payouts.statement_of": { hi: "खाता विवरण: {name} · {phone}", en: "Statement: {name} · {phone}" },
      "payouts.position": {
        hi: "देय {payable} · वॉलेट {wallet} · पास में नकद {cash}",
        en: "Payable {payable} · wallet {wallet} · cash held {cash}",
      },
      "payouts.older": { hi: "पुरानी प्रविष्टियाँ", en: "Older entries" },
      "payouts.event": { hi: "घटना", en: "Event" },
      "payouts.account": { hi: "खाता", en: "Account" },
      "payouts.amount": { hi: "राशि", en: "Amount" },
      "payouts.balance_after": { hi: "बाद में शेष", en: "Balance after" },
      "payouts.note": { hi: "टिप्पणी", en: "Note" },
      "payouts.account_wallet": { hi: "वॉलेट", en: "Wallet" },
      "payouts.account_cash_held": { hi: "पास में नकद", en: "Cash held" },
      "payouts.event_completion": event("काम पूरा", "Job completed"),
      "payouts.event_cancellation": event("रद्द होने का शुल्क", "Cancellation fee"),
      "payouts.event_cancellation_fee_refund": event("रद्द शुल्क वापस", "Cancellation fee refunded"),
      "payouts.event_cash_deposit": event("नकद जमा किया", "Cash deposited"),
      "payouts.event_payout_reserved": event("भुगतान बैच में", "Put in a payout batch"),
      "payouts.event_payout_paid": event("बैंक में भुगतान हुआ", "Paid to her bank"),
      "payouts.event_payout_failed": event("भुगतान विफल, राशि वापस", "Payout failed, money back"),
      "payouts.run": { hi: "भुगतान बैच चलाएँ", en: "Run a payout batch" },
      "payouts.run_hint": {
        hi: "जिन कर्मियों का देय न्यूनतम राशि से अधिक है, उनकी राशि बैच में जाती है। फिर बैंक फ़ाइल डाउनलोड करके बैंक को भेजें।",
        en: "Every worker whose payable is at least the minimum goes into the batch. Then download the bank file for the bank.",
      },
      "payouts.minimum": { hi: "न्यूनतम राशि (₹)", en: "Minimum (₹)" },
      "payouts.district": { hi: "ज़िला (खाली = सभी)", en: "District (empty = all)" },
      "payouts.run_submit": { hi: "बैच बनाएँ", en: "Run batch" },
      "payouts.batch_made": { hi: "बैच बना: {lines} पंक्तियाँ, कुल {total}।", en: "Batch made: {lines} lines, {total} in all." },
      "payouts.batches": { hi: "भुगतान बैच", en: "Payout batches" },
      "payouts.created": { hi: "बनाया गया", en: "Made" },
      "payouts.lines": { hi: "पंक्तियाँ", en: "Lines" },
      "payouts.total": { hi: "कुल", en: "Total" },
      "payouts.batch_title": { hi: "बैच {when} · {lines} पंक्तियाँ · {total}", en: "Batch of {when} · {lines} lines · {total}" },
      "payouts.bank_file": { hi: "बैंक फ़ाइल डाउनलोड (CSV)", en: "Download bank file (CSV)" },
      "payouts.line": { hi: "पंक्ति", en: "Line" },
      "payouts.worker": { hi: "कर्मी", en: "Worker" },
      "payouts.bank_reference": { hi: "बैंक संदर्भ (UTR)", en: "Bank reference (UTR)" },
      "payouts.reason": { hi: "विफलता का कारण", en: "Why it failed" },
      "payouts.status_reserved": { hi: "बैंक के जवाब की प्रतीक्षा", en: "Awaiting the bank" },
      "payouts.status_paid": { hi: "भुगतान हुआ", en: "Paid" },
      "payouts.status_failed": { hi: "विफल, राशि वापस", en: "Failed, money back" },
      "payouts.return_title": { hi: "बैंक की रिटर्न फ़ाइल", en: "The bank's return file" },
      "payouts.return_hint": {
        hi: "बैंक फ़ाइल के कॉलम रखें, status में paid या failed लिखें, paid के लिए bank_reference (UTR) और failed के लिए failure_reason भरें। सही पंक्तियाँ दर्ज होती हैं; गलत पंक्तियाँ नीचे पंक्ति और फ़ील्ड सहित दिखती हैं।",
        en: "Keep the bank file's columns, write paid or failed in status, with bank_reference (the UTR) for paid and failure_reason for failed. Good rows are recorded; wrong rows are listed below by line and field.",
      },
      "payouts.return_submit": { hi: "रिटर्न फ़ाइल भेजें", en: "Upload return file" },
      "payouts.return_done": {
        hi: "{paid} भुगतान हुए, {failed} विफल (राशि वॉलेट में वापस), {unchanged} पहले से दर्ज, {pending} बाकी; {errors} पंक्तियों में गलती।",
        en: "{paid} paid, {failed} failed (money back in the wallet), {unchanged} already recorded, {pending} still awaited; {errors} rows with errors.",
      },
    },
  });
})();
