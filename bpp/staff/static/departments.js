// Departments tab (admins and district officers): government departments booking workers on credit — each account
// with what it owes (visits done but not invoiced, invoices unpaid), the monthly GST invoices (issue a month's, open
// the print view) and the treasury's payments (record one against an invoice). District officers see their
// district only (the API decides). Department officers have their own page, /department/. Uses console.js helpers.
"use strict";

(() => {
  const MANAGERS = ["admin", "district_officer"];
  const OFFICERS = ["department_requester", "department_approver"];
  const view = { accounts: [], invoices: [], invoice: null };

  const panel = document.createElement("section");
  panel.className = "tab-panel";
  panel.id = "tab-departments";
  panel.setAttribute("role", "tabpanel");
  panel.hidden = true;
  panel.innerHTML = `
    <div class="toolbar">
      <h2 data-i18n="departments.title"></h2>
      <button type="button" class="secondary" id="departments-refresh" data-i18n="refresh"></button>
    </div>
    <p class="hint" data-i18n="departments.hint"></p>
    <div class="msg" data-msg="departments" role="status" hidden></div>
    <div class="table-wrap">
      <table class="grid" id="departments-table">
        <thead><tr>
          <th data-i18n="departments.department"></th><th data-i18n="catalog.district"></th><th>GSTIN · DDO</th>
          <th data-i18n="departments.unbilled"></th><th data-i18n="departments.receivable"></th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </div>

    <div class="toolbar">
      <h3 data-i18n="departments.invoices"></h3>
      <form id="departments-issue-form" class="inline-form" novalidate>
        <label><span data-i18n="departments.month"></span><input name="month" type="month">
          <small class="field-error" data-error-for="month"></small></label>
        <button type="submit" id="departments-issue-submit" data-i18n="departments.issue"></button>
      </form>
    </div>
    <p class="hint" data-i18n="departments.issue_hint"></p>
    <div class="msg" data-msg="departments-issue" data-form="departments-issue-form" role="status" hidden></div>
    <div class="table-wrap">
      <table class="grid" id="department-invoices-table">
        <thead><tr>
          <th data-i18n="departments.invoice_no"></th><th data-i18n="departments.department"></th>
          <th data-i18n="departments.month"></th><th data-i18n="departments.visits"></th>
          <th data-i18n="departments.total"></th><th data-i18n="departments.outstanding"></th><th data-i18n="actions"></th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </div>

    <section class="card" id="department-invoice" hidden>
      <h3 id="department-invoice-title"></h3>
      <dl class="facts" id="department-invoice-facts"></dl>
      <h4 data-i18n="departments.payments"></h4>
      <div class="table-wrap">
        <table class="grid" id="department-payments-table">
          <thead><tr><th data-i18n="departments.paid_on"></th><th data-i18n="departments.reference"></th>
            <th data-i18n="departments.amount"></th></tr></thead>
          <tbody></tbody>
        </table>
      </div>
      <h4 data-i18n="departments.record"></h4>
      <p class="hint" data-i18n="departments.record_hint"></p>
      <form id="department-payment-form" class="inline-form" novalidate>
        <label><span data-i18n="departments.amount"></span><input name="amount" inputmode="decimal" size="12">
          <small class="field-error" data-error-for="amount"></small></label>
        <label><span data-i18n="departments.reference"></span><input name="reference" maxlength="64" size="18">
          <small class="field-error" data-error-for="reference"></small></label>
        <label><span data-i18n="departments.paid_on"></span><input name="paid_on" type="date">
          <small class="field-error" data-error-for="paid_on"></small></label>
        <button type="submit" id="department-payment-submit" data-i18n="departments.record_submit"></button>
      </form>
      <div class="msg" data-msg="department-payment" data-form="department-payment-form" role="status" hidden></div>
    </section>`;
  document.getElementById("console").append(panel);
  document.querySelector("#console .tabs").append(el("button", {
    type: "button", role: "tab", "data-tab": "departments", "data-i18n": "tab.departments",
    "data-roles": MANAGERS.join(" "),
  }));

  const rupees = (amount) => `₹${amount}`;

  function accountName(accountId) {
    const account = view.accounts.find((candidate) => candidate.id === accountId);
    return account ? `${account.department} — ${account.office}` : accountId;
  }

  async function load() {
    if (OFFICERS.includes(role())) {
      window.location.replace("/department/");  // a department's officers have their own page
      return;
    }
    if (!MANAGERS.includes(role())) return;
    await act("departments", async () => {
      [view.accounts, view.invoices] = await Promise.all([api("GET", "/departments"), api("GET", "/department-invoices")]);
      render();
    });
  }

  async function issue(event) {
    event.preventDefault();
    const month = event.target.elements.month.value;
    await act("departments-issue", async () => {
      const answer = await api("POST", "/department-invoices", { json: { month } });
      say("departments-issue", ok("departments.issued", {
        count: answer.issued.length, month: answer.month, already: answer.already_issued.length,
      }));
      [view.accounts, view.invoices] = await Promise.all([api("GET", "/departments"), api("GET", "/department-invoices")]);
      render();
    }, byId("departments-issue-submit"));
  }

  async function openInvoice(number, button) {
    await act("departments", async () => {
      view.invoice = await api("GET", `/department-invoices/${encodeURIComponent(number)}`);
      const form = byId("department-payment-form");
      form.reset();
      form.elements.amount.value = Number(view.invoice.outstanding) > 0 ? view.invoice.outstanding : "";
      form.elements.paid_on.value = new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Kolkata" });
      say("department-payment", null);
      renderInvoice();
      byId("department-invoice").scrollIntoView({ block: "nearest" });
    }, button);
  }

  async function recordPayment(event) {
    event.preventDefault();
    const values = event.target.elements;
    const number = view.invoice.number;
    await act("department-payment", async () => {
      view.invoice = await api("POST", `/department-invoices/${encodeURIComponent(number)}/payments`, {
        json: { amount: values.amount.value.trim(), reference: values.reference.value.trim(), paid_on: values.paid_on.value },
      });
      say("department-payment", ok("departments.recorded", { number, outstanding: view.invoice.outstanding }));
      [view.accounts, view.invoices] = await Promise.all([api("GET", "/departments"), api("GET", "/department-invoices")]);
      values.amount.value = "";
      values.reference.value = "";
      render();
    }, byId("department-payment-submit"));
  }

  function renderAccounts() {
    rows(byId("departments-table").tBodies[0], view.accounts, (account) => el("tr", { "data-account-id": account.id },
      el("td", {}, el("span", { text: `${account.department} — ${account.office}` }), el("br"), el("code", { text: account.id })),
      el("td", { text: account.district }),
      el("td", {}, el("code", { text: account.gstin }), " · ", account.ddo_code),
      el("td", { class: "num", text: rupees(account.unbilled) }),
      el("td", { class: "num department-receivable", text: rupees(account.receivable) })), 5);
  }

  function renderInvoices() {
    rows(byId("department-invoices-table").tBodies[0], view.invoices, (invoice) => el("tr", { "data-invoice": invoice.number },
      el("td", {}, el("code", { text: invoice.number })),
      el("td", { text: accountName(invoice.account_id) }),
      el("td", { text: invoice.month }),
      el("td", { class: "num", text: String(invoice.visits) }),
      el("td", { class: "num", text: rupees(invoice.total) }),
      el("td", { class: "num invoice-outstanding", text: rupees(invoice.outstanding) }),
      el("td", {}, el("div", { class: "row-actions" },
        el("a", { href: invoice.print_url, target: "_blank", rel: "noopener", class: "button secondary", "data-action": "print",
          text: t("departments.print") }),
        el("button", { type: "button", "data-action": "payments", text: t("departments.open"),
          onclick: (event) => openInvoice(invoice.number, event.currentTarget) })))), 7);
  }

  function renderInvoice() {
    const shown = view.invoice;
    byId("department-invoice").hidden = !shown;
    if (!shown) return;
    byId("department-invoice-title").textContent = t("departments.invoice_of", { number: shown.number, month: shown.month });
    byId("department-invoice-facts").replaceChildren(...[
      ["departments.department", accountName(shown.account_id)], ["departments.visits", String(shown.visits)],
      ["departments.total", rupees(shown.total)], ["departments.paid", rupees(shown.paid)],
      ["departments.outstanding", rupees(shown.outstanding)],
    ].flatMap(([key, text]) => [el("dt", { text: t(key) }), el("dd", { id: `department-invoice-${key.split(".")[1]}`, text })]));
    rows(byId("department-payments-table").tBodies[0], shown.payments, (payment) => el("tr", {},
      el("td", { text: payment.paid_on }), el("td", {}, el("code", { text: payment.reference })),
      el("td", { class: "num", text: rupees(payment.amount) })), 3);
  }

  function render() {
    renderAccounts();
    renderInvoices();
    renderInvoice();
  }

  function reset() {
    Object.assign(view, { accounts: [], invoices: [], invoice: null });
  }

  function start() {
    byId("departments-refresh").addEventListener("click", load);
    byId("departments-issue-form").addEventListener("submit", issue);
    byId("department-payment-form").addEventListener("submit", recordPayment);
  }

  addPanel({
    start, load, render, reset,
    text: {
      "tab.departments": { hi: "सरकारी विभाग", en: "Departments" },
      "role.department_requester": { hi: "विभाग: माँगने वाले अधिकारी", en: "Department: requesting officer" },
      "role.department_approver": { hi: "विभाग: स्वीकृति देने वाले अधिकारी", en: "Department: approving officer" },
      "departments.title": { hi: "सरकारी विभाग (उधार पर बुकिंग)", en: "Government departments (booking on credit)" },
      "departments.hint": {
        hi: "विभाग विज़िट पर कुछ नहीं देता: हर महीने के अंत में हर खाते का एक GST बिल बनता है, और कोषागार से भुगतान आने पर उसे यहाँ दर्ज करें।",
        en: "A department pays nothing at the visit: each account gets one GST invoice at the end of the month; record the treasury's payment here when it arrives.",
      },
      "departments.department": { hi: "विभाग", en: "Department" },
      "departments.unbilled": { hi: "पूरी विज़िट, बिल बाकी", en: "Visits done, not invoiced" },
      "departments.receivable": { hi: "बिल का बकाया", en: "Invoiced, unpaid" },
      "departments.invoices": { hi: "मासिक बिल", en: "Monthly invoices" },
      "departments.month": { hi: "महीना", en: "Month" },
      "departments.issue": { hi: "इस महीने के बिल बनाएँ", en: "Issue this month's invoices" },
      "departments.issue_hint": {
        hi: "महीना पूरा होने के बाद: हर विभाग का एक बिल, उस महीने की सभी पूरी विज़िट के साथ। दोबारा करने पर कोई बिल दो बार नहीं बनता।",
        en: "Once the month is over: one invoice per department with every visit completed in it. Doing it again issues no invoice twice.",
      },
      "departments.issued": {
        hi: "{month}: {count} नए बिल बने ({already} पहले से बने थे)।",
        en: "{month}: {count} invoices issued ({already} had been issued before).",
      },
      "departments.invoice_no": { hi: "बिल संख्या", en: "Invoice no." },
      "departments.visits": { hi: "विज़िट", en: "Visits" },
      "departments.total": { hi: "कुल", en: "Total" },
      "departments.paid": { hi: "प्राप्त", en: "Paid" },
      "departments.outstanding": { hi: "बकाया", en: "Outstanding" },
      "departments.print": { hi: "बिल छापें", en: "Print invoice" },
      "departments.open": { hi: "भुगतान", en: "Payments" },
      "departments.invoice_of": { hi: "बिल {number} ({month})", en: "Invoice {number} ({month})" },
      "departments.payments": { hi: "कोषागार से प्राप्त भुगतान", en: "Payments from the treasury" },
      "departments.paid_on": { hi: "भुगतान की तारीख", en: "Paid on" },
      "departments.reference": { hi: "कोषागार संदर्भ (ई-चालान / UTR / चेक)", en: "Treasury reference (e-challan / UTR / cheque)" },
      "departments.amount": { hi: "राशि (₹)", en: "Amount (₹)" },
      "departments.record": { hi: "भुगतान दर्ज करें", en: "Record a payment" },
      "departments.record_hint": {
        hi: "कोषागार ने जितना भेजा वह राशि और उसका संदर्भ लिखें। एक संदर्भ एक ही बार दर्ज होता है।",
        en: "Enter what the treasury paid and its reference. A reference is recorded once.",
      },
      "departments.record_submit": { hi: "भुगतान दर्ज करें", en: "Record payment" },
      "departments.recorded": {
        hi: "भुगतान दर्ज हुआ। बिल {number} का बकाया अब ₹{outstanding} है।",
        en: "Payment recorded. Invoice {number} now has ₹{outstanding} outstanding.",
      },
    },
  });
})();
