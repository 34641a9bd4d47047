// Orders tab (admins and district officers): the list with its filters (a customer's mobile or an order's id,
// district, channel, service, status, days), an order's whole story, and what an office does to an order that went
// wrong: give it to another worker, cancel it for the provider, move its visit, refund its cancellation fee, each
// with a reason kept in the order's audit. District rules are the API's. Uses the console's helpers (console.js).
"use strict";

(() => {
  const MANAGERS = ["admin", "district_officer"];
  const STATUSES = ["Created", "Accepted", "In-progress", "Completed", "Cancelled"];
  const CHANNELS = ["ondc", "helpline", "kiosk", "department"];
  const view = { orders: [], story: null, candidates: [], searched: false, categories: [] };

  const panel = document.createElement("section");
  panel.className = "tab-panel";
  panel.id = "tab-orders";
  panel.setAttribute("role", "tabpanel");
  panel.hidden = true;
  panel.innerHTML = `
    <div class="toolbar">
      <h2 data-i18n="orders.title"></h2>
      <button type="button" class="secondary" id="orders-refresh" data-i18n="refresh"></button>
    </div>
    <p class="hint" data-i18n="orders.hint"></p>
    <form id="orders-filter" class="orders-filter" novalidate>
      <label class="wide"><span data-i18n="orders.q"></span>
        <input name="q" id="orders-q" maxlength="128" inputmode="search" data-i18n-placeholder="orders.q_placeholder"></label>
      <label><span data-i18n="catalog.district"></span><input name="district" id="orders-district" placeholder="std:0522" size="10">
        <small class="field-error" data-error-for="district"></small></label>
      <label><span data-i18n="orders.channel"></span><select name="channel" id="orders-channel"></select>
        <small class="field-error" data-error-for="channel"></small></label>
      <label><span data-i18n="orders.service"></span><select name="service" id="orders-service"></select>
        <small class="field-error" data-error-for="service"></small></label>
      <label><span data-i18n="complaints.status"></span><select name="status" id="orders-status"></select></label>
      <label><span data-i18n="orders.date_from"></span><input type="date" name="date_from" id="orders-from"></label>
      <label><span data-i18n="orders.date_to"></span><input type="date" name="date_to" id="orders-to">
        <small class="field-error" data-error-for="date_to"></small></label>
      <div class="button-row">
        <button type="submit" id="orders-search" data-i18n="orders.search"></button>
        <button type="button" class="secondary" id="orders-clear" data-i18n="orders.clear"></button>
      </div>
    </form>
    <div class="msg" data-msg="orders" data-form="orders-filter" role="status" hidden></div>
    <div class="table-wrap">
      <table class="grid" id="orders-table">
        <thead><tr>
          <th data-i18n="orders.created"></th><th data-i18n="complaints.order"></th><th data-i18n="orders.channel"></th>
          <th data-i18n="orders.service"></th><th data-i18n="orders.customer"></th><th data-i18n="orders.slot"></th>
          <th data-i18n="complaints.status"></th><th data-i18n="orders.worker"></th><th data-i18n="actions"></th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </div>

    <section class="card" id="order-detail" hidden>
      <div class="toolbar">
        <h3 id="order-title"></h3>
        <button type="button" class="secondary" id="order-reload" data-i18n="refresh"></button>
      </div>
      <div class="msg" data-msg="order" role="status" hidden></div>
      <div class="order-columns">
        <dl class="facts" id="order-facts"></dl>
        <div id="order-otp"></div>
      </div>

      <section class="order-actions" id="order-actions">
        <h4 data-i18n="orders.act"></h4>
        <label class="wide"><span data-i18n="orders.reason"></span>
          <textarea id="order-reason" rows="2" maxlength="1000" data-i18n-placeholder="orders.reason_placeholder"></textarea></label>
        <div class="order-action" id="act-reassign">
          <label><span data-i18n="orders.reassign_to"></span><select id="reassign-worker"></select></label>
          <button type="button" id="reassign-submit" data-i18n="orders.reassign"></button>
        </div>
        <div class="order-action" id="act-cancel">
          <label><span data-i18n="orders.cancel_reason"></span><select id="cancel-reason"></select></label>
          <button type="button" class="danger" id="cancel-submit" data-i18n="orders.cancel"></button>
        </div>
        <div class="order-action" id="act-reschedule">
          <label><span data-i18n="orders.new_start"></span><input type="datetime-local" id="reschedule-start"></label>
          <button type="button" id="reschedule-submit" data-i18n="orders.reschedule"></button>
        </div>
        <div class="order-action" id="act-refund">
          <span id="refund-amount"></span>
          <button type="button" id="refund-submit" data-i18n="orders.refund"></button>
        </div>
        <p class="hint" data-i18n="orders.act_hint"></p>
      </section>

      <h4 data-i18n="orders.events"></h4>
      <div class="table-wrap"><table class="grid" id="order-events">
        <thead><tr><th data-i18n="when"></th><th data-i18n="orders.what"></th><th data-i18n="who"></th>
          <th data-i18n="orders.details"></th></tr></thead><tbody></tbody></table></div>
      <h4 data-i18n="orders.offers"></h4>
      <div class="table-wrap"><table class="grid" id="order-offers">
        <thead><tr><th data-i18n="orders.worker"></th><th data-i18n="orders.distance"></th><th data-i18n="orders.sent"></th>
          <th data-i18n="orders.outcome"></th><th data-i18n="orders.decided"></th></tr></thead><tbody></tbody></table></div>
      <h4 data-i18n="orders.messages"></h4>
      <div class="table-wrap"><table class="grid" id="order-messages">
        <thead><tr><th data-i18n="when"></th><th data-i18n="orders.direction"></th><th data-i18n="txlog.action"></th>
          <th data-i18n="txlog.status"></th><th data-i18n="txlog.body"></th></tr></thead><tbody></tbody></table></div>
      <h4 data-i18n="orders.ledger"></h4>
      <div class="table-wrap"><table class="grid" id="order-ledger">
        <thead><tr><th data-i18n="when"></th><th data-i18n="payouts.event"></th><th data-i18n="orders.postings"></th></tr></thead>
        <tbody></tbody></table></div>
      <h4 data-i18n="orders.ratings_complaints"></h4>
      <div class="table-wrap"><table class="grid" id="order-feedback">
        <thead><tr><th data-i18n="when"></th><th data-i18n="complaints.kind"></th><th data-i18n="complaints.summary"></th>
          <th data-i18n="complaints.status"></th></tr></thead><tbody></tbody></table></div>
    </section>`;
  document.getElementById("console").append(panel);
  document.querySelector("#console .tabs").append(el("button", {
    type: "button", role: "tab", "data-tab": "orders", "data-i18n": "tab.orders", "data-roles": MANAGERS.join(" "),
  }));

  function manager() {
    return MANAGERS.includes(role());
  }

  function filters() {
    const form = byId("orders-filter").elements;
    const params = new URLSearchParams();
    for (const name of ["q", "district", "channel", "service", "status", "date_from", "date_to"]) {
      const value = form[name].value.trim();
      if (value) params.set(name, value);
    }
    return params;
  }

  async function load() {
    if (!manager()) return;
    prepareFilters();
    await act("orders", async () => {  // the service filter's choices, whatever the catalogue tab has loaded yet
      view.categories = await api("GET", "/catalog/categories");
      renderFilters();
    });
    await search();
  }

  async function search(event) {
    if (event) event.preventDefault();
    await act("orders", async () => {
      const query = filters().toString();
      view.orders = await api("GET", `/orders${query ? `?${query}` : ""}`);
      view.searched = true;
      renderList();
      if (byId("orders-q").value.trim() && view.orders.length === 1) await openOrder(view.orders[0].id);
    }, event && event.submitter);
  }

  function prepareFilters() {
    const district = byId("orders-district");
    const officer = role() === "district_officer";
    district.value = officer ? state.session.district : district.value;
    district.readOnly = officer;
  }

  function options(select, entries) {
    const chosen = select.value;
    select.replaceChildren(...entries.map(([value, label]) => el("option", { value, text: label })));
    select.value = entries.some(([value]) => value === chosen) ? chosen : "";
  }

  function renderFilters() {
    options(byId("orders-channel"), [["", t("orders.any")], ...CHANNELS.map((code) => [code, t(`channel.${code}`)])]);
    const categories = view.categories
      .map((category) => [category.code, pick({ hi: category.name_hi, en: category.name_en })])
      .sort((a, b) => a[1].localeCompare(b[1]));
    options(byId("orders-service"), [["", t("orders.any")], ...categories]);
    options(byId("orders-status"), [["", t("orders.any")], ...STATUSES.map((status) => [status, t(`order.${status}`)])]);
  }

  function channelText(name) {
    const [kind, account] = name.split(/:(.*)/s);
    return account ? `${t(`channel.${kind}`)} · ${account}` : t(`channel.${kind}`);
  }

  function serviceName(order) {
    return pick({ hi: order.item.name_hi, en: order.item.name_en });
  }

  function slotText(slot) {
    return slot ? `${formatTime(slot.start)} – ${formatTime(slot.end).split(", ").pop()}` : t("orders.asap");
  }

  function statusCell(order) {
    return el("td", { class: "order-status" },
      el("span", { class: `badge st-${order.status}`, text: t(`order.${order.status}`) }), " ",
      el("span", { class: "hint", text: t(`fulfillment.${order.fulfillment_state}`) }),
      order.late ? [" ", el("span", { class: "badge late", "data-late": "", text: t("orders.late") })] : null);
  }

  function renderList() {
    const tbody = byId("orders-table").tBodies[0];
    rows(tbody, view.orders, (order) => el("tr", { "data-order-id": order.id, class: order.late ? "overdue" : "" },
      el("td", { text: formatTime(order.created_at) }),
      el("td", {}, el("code", { text: order.id })),
      el("td", { text: channelText(order.channel) }),
      el("td", { text: serviceName(order) }),
      el("td", { text: [order.customer_name, order.customer_phone].filter(Boolean).join(" · ") }),
      el("td", { text: slotText(order.slot) }),
      statusCell(order),
      el("td", { text: order.worker_id || "—" }),
      el("td", {}, el("button", {
        type: "button", class: "secondary", "data-action": "open-order", text: t("open"), onclick: () => openOrder(order.id),
      }))), 9);
    if (view.searched && !view.orders.length) say("orders", { tone: "warn", ...TEXT["orders.none"], errors: [] });
  }

  async function openOrder(orderId) {
    await act("orders", async () => {
      await show(await api("GET", `/orders/${encodeURIComponent(orderId)}`));
      say("order", null);
      byId("order-detail").scrollIntoView({ block: "nearest" });
    });
  }

  async function show(story) {
    view.story = story;
    view.candidates = story.actions.reassign
      ? await api("GET", `/orders/${encodeURIComponent(story.order.id)}/workers`) : [];
    renderStory();
  }

  function fact(term, value, field) {
    return [el("dt", { text: term }), el("dd", { "data-field": field, text: value || "—" })];
  }

  function renderFacts(order) {
    const customer = order.customer || {};
    const place = order.end_location || {};
    const worker = order.worker;
    const cancellation = order.cancellation;
    const facts = [
      fact(t("complaints.status"), `${t(`order.${order.status}`)} · ${t(`fulfillment.${order.fulfillment_state}`)}`
        + (order.late ? ` · ${t("orders.late")}` : ""), "status"),
      fact(t("orders.channel"), channelText(order.channel), "channel"),
      fact(t("catalog.district"), order.city, "district"),
      fact(t("orders.customer"), [customer.name, customer.phone].filter(Boolean).join(" · "), "customer"),
      fact(t("orders.address"), [place.address, place.area_code].filter(Boolean).join(", "), "address"),
      fact(t("orders.slot"), slotText(order.slot), "slot"),
      fact(t("orders.total"), `₹${order.total}`, "total"),
      fact(t("orders.payment"), `${order.payment.type} · ${order.payment.collected_by} · ${order.payment.status}`, "payment"),
      fact(t("orders.worker"), worker ? `${worker.name} · ${worker.phone} (${worker.id})` : t("orders.no_worker"), "worker"),
      fact(t("orders.references"), [order.buyer_order_id, order.transaction_id].join(" · "), "references"),
    ];
    if (cancellation) {
      const reason = reasonText(cancellation.reason_id);
      facts.push(fact(t("orders.cancellation"), [t(`orders.by_${cancellation.who}`), reason, cancellation.note,
        order.cancellation_fee_due !== null ? t("orders.fee_due", { fee: order.cancellation_fee_due }) : null]
        .filter(Boolean).join(" · "), "cancellation"));
    }
    byId("order-facts").replaceChildren(...facts.flat());
  }

  function renderOtp(otp) {
    const when = otp.valid_to ? formatTime(otp.valid_to) : "";
    byId("order-otp").replaceChildren(el("p", { class: "otp-state", "data-otp": otp.status },
      el("strong", { text: `${t("orders.otp")}: ` }),
      el("span", { class: `badge otp-${otp.status}`, text: t(`otp.${otp.status}`, { until: when }) }),
      otp.issued_at ? el("span", { class: "hint", text: ` ${t("otp.tries", { wrong: otp.wrong_tries, left: otp.tries_left })}` }) : null));
  }

  function reasonText(code) {
    const reason = (view.story.cancel_reasons || []).find((entry) => entry.code === code);
    return reason ? `${code} ${pick(reason)}` : code || "";
  }

  function renderActions(story) {
    const allowed = story.actions;
    byId("order-actions").hidden = !Object.values(allowed).some(Boolean);
    byId("act-reassign").hidden = !allowed.reassign;
    byId("act-cancel").hidden = !allowed.cancel;
    byId("act-reschedule").hidden = !allowed.reschedule;
    byId("act-refund").hidden = !allowed.refund_fee;
    const workers = byId("reassign-worker");
    const chosen = workers.value;
    workers.replaceChildren(el("option", { value: "", text: t("orders.choose_worker") }), ...view.candidates.map((worker) => {
      const why = worker.holds_this_order ? t("orders.holds") : worker.busy_with ? t("orders.busy", { order: worker.busy_with })
        : worker.booked_then ? t("orders.booked") : "";
      const label = `${worker.name} · ${worker.phone} · ${worker.distance_km} km${worker.online ? "" : ` · ${t("orders.offline")}`}`;
      return el("option", { value: worker.id, disabled: !worker.free, text: why ? `${label} — ${why}` : label });
    }));
    workers.value = view.candidates.some((worker) => worker.id === chosen && worker.free) ? chosen : "";
    const reasons = byId("cancel-reason");
    const reasonChosen = reasons.value;
    reasons.replaceChildren(...story.cancel_reasons.map((reason) => el("option", { value: reason.code, text: `${reason.code} · ${pick(reason)}` })));
    if (reasonChosen) reasons.value = reasonChosen;
    const start = byId("reschedule-start");
    if (!start.value && story.order.slot) start.value = indiaLocal(new Date(Date.parse(story.order.slot.start) + 86400000));
    byId("refund-amount").textContent = t("orders.refund_amount", { fee: story.order.cancellation_fee_due || "0.00" });
  }

  // <input type="datetime-local"> holds India's wall-clock time; the API wants an instant with its offset
  function indiaLocal(date) {
    return new Date(date.getTime() + 5.5 * 3600000).toISOString().slice(0, 16);
  }

  function eventText(event) {
    const detail = event.detail || {};
    const parts = [];
    const named = (id) => (id ? view.story.workers[id] || id : "—");
    if (detail.previous_worker_id !== undefined) parts.push(t("orders.moved", { from: named(detail.previous_worker_id), to: named(detail.worker_id) }));
    if (detail.reason_id) parts.push(reasonText(detail.reason_id));
    if (detail.to) parts.push(t("orders.moved_slot", { to: formatTime(detail.to[0]) }));
    if (detail.fee && detail.fee !== "0.00") parts.push(t("orders.fee", { fee: detail.fee }));
    if (detail.amount) parts.push(t("orders.fee", { fee: detail.amount }));
    if (detail.gps) parts.push(`GPS ${detail.gps}`);
    if (detail.reason) parts.push(`${t("orders.reason")}: ${detail.reason}`);
    return parts.join(" · ");
  }

  function renderStory() {
    const story = view.story;
    byId("order-detail").hidden = !story;
    if (!story) return;
    const order = story.order;
    byId("order-title").textContent = `${order.id} · ${serviceName(order)}`;
    renderFacts(order);
    renderOtp(story.otp);
    renderActions(story);
    rows(byId("order-events").tBodies[0], story.events, (event) => el("tr", { class: event.by_staff ? "by-staff" : "", "data-kind": event.kind },
      el("td", { text: formatTime(event.at) }),
      el("td", { text: TEXT[`event.${event.kind}`] ? t(`event.${event.kind}`) : event.kind }),
      el("td", { text: event.actor_name }),
      el("td", { text: eventText(event) })), 4);
    rows(byId("order-offers").tBodies[0], story.offers, (offer) => el("tr", {},
      el("td", { text: offer.worker_name || offer.worker_id }),
      el("td", { class: "num", text: `${offer.distance_km} km` }),
      el("td", { text: formatTime(offer.sent_at) }),
      el("td", { text: t(`offer.${offer.outcome}`) }),
      el("td", { text: formatTime(offer.decided_at) })), 5);
    const messages = story.messages || { inbound: [], callbacks: [] };
    const exchanged = [
      ...messages.inbound.map((m) => ({ at: m.received_at, direction: "in", action: m.action, status: m.ack, body: m.body })),
      ...messages.callbacks.map((c) => ({ at: c.created_at, direction: "out", action: c.action, status: `${c.status} (${c.attempts})`, body: c.payload })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    rows(byId("order-messages").tBodies[0], exchanged, (m) => el("tr", { "data-action": m.action },
      el("td", { text: formatTime(m.at) }),
      el("td", { text: t(`orders.dir_${m.direction}`) }),
      el("td", { text: m.action }),
      el("td", { text: m.status }),
      el("td", {}, m.body ? el("details", {}, el("summary", { text: t("txlog.body") }), el("pre", { text: pretty(m.body) })) : "—")), 5);
    rows(byId("order-ledger").tBodies[0], story.ledger, (entry) => el("tr", {},
      el("td", { text: formatTime(entry.posted_at) }),
      el("td", { text: TEXT[`payouts.event_${entry.kind}`] ? t(`payouts.event_${entry.kind}`) : entry.kind }),
      el("td", { text: entry.postings.map((p) => `${p.account} ${p.amount}`).join(", ") })), 3);
    const feedback = [
      ...story.ratings.map((r) => ({ at: r.rated_at, kind: t("orders.rating", { subject: r.subject }), text: `${r.value}/5`, status: "" })),
      ...story.complaints.map((c) => ({ at: c.created_at, kind: t(`kind.${c.kind}`), text: c.short_desc, status: t(`status.${c.status}`) })),
    ];
    rows(byId("order-feedback").tBodies[0], feedback, (f) => el("tr", {},
      el("td", { text: formatTime(f.at) }), el("td", { text: f.kind }), el("td", { text: f.text }), el("td", { text: f.status })), 4);
  }

  function pretty(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }

  async function change(path, body, doneKey, vars, button) {
    const order = view.story.order;
    await act("order", async () => {
      const story = await api("POST", `/orders/${encodeURIComponent(order.id)}/${path}`, { json: body });
      byId("order-reason").value = "";
      byId("reschedule-start").value = "";
      await show(story);
      say("order", ok(doneKey, { order: order.id, ...vars }));
      view.orders = view.orders.map((row) => (row.id === story.order.id ? { ...row, ...story.order } : row));
      renderList();
    }, button);
  }

  function reason() {
    return byId("order-reason").value.trim();
  }

  function reassign(event) {
    const select = byId("reassign-worker");
    const worker = view.candidates.find((candidate) => candidate.id === select.value);
    change("reassign", { worker_id: select.value, reason: reason() }, "orders.reassigned", { name: worker ? worker.name : select.value },
      event.currentTarget);
  }

  function cancelOrder(event) {
    change("cancel", { reason_id: byId("cancel-reason").value, reason: reason() }, "orders.cancelled", {}, event.currentTarget);
  }

  function reschedule(event) {
    const local = byId("reschedule-start").value;
    change("reschedule", { start: local ? `${local}:00+05:30` : "", reason: reason() }, "orders.rescheduled", {}, event.currentTarget);
  }

  function refund(event) {
    change("refund-fee", { reason: reason() }, "orders.refunded", { fee: view.story.order.cancellation_fee_due }, event.currentTarget);
  }

  function start() {
    byId("orders-filter").addEventListener("submit", search);
    byId("orders-clear").addEventListener("click", () => { clearFilters(); search(); });
    byId("orders-refresh").addEventListener("click", () => search());
    byId("order-reload").addEventListener("click", () => openOrder(view.story.order.id));
    byId("reassign-submit").addEventListener("click", reassign);
    byId("cancel-submit").addEventListener("click", cancelOrder);
    byId("reschedule-submit").addEventListener("click", reschedule);
    byId("refund-submit").addEventListener("click", refund);
  }

  function render() {
    renderFilters();
    if (!state.session) return;
    renderList();
    renderStory();
  }

  function clearFilters() {
    const form = byId("orders-filter");
    form.querySelectorAll("input, select").forEach((field) => { if (!field.readOnly) field.value = ""; });
  }

  function reset() {
    Object.assign(view, { orders: [], story: null, candidates: [], searched: false, categories: [] });
    byId("orders-district").readOnly = false;
    clearFilters();
  }

  const event = (hi, en) => ({ hi, en });
  addPanel({
    start, load, render, reset,
    text: {
      "tab.orders": { hi: "ऑर्डर", en: "Orders" },
      "orders.title": { hi: "ऑर्डर", en: "Orders" },
      "orders.hint": {
        hi: "ग्राहक का मोबाइल नंबर या ऑर्डर संख्या डालें, या ज़िला, चैनल, सेवा, स्थिति और दिन से छाँटें। लाल निशान वाले ऑर्डर में कर्मी समय पर नहीं पहुँचा।",
        en: "Type the customer's mobile number or an order id, or narrow by district, channel, service, status and days. Orders marked late have no worker at the door in time.",
      },
      "orders.q": { hi: "मोबाइल नंबर या ऑर्डर संख्या", en: "Mobile number or order id" },
      "orders.q_placeholder": { hi: "जैसे 9415000001 या SM-…", en: "e.g. 9415000001 or SM-…" },
      "orders.channel": { hi: "चैनल", en: "Channel" },
      "orders.service": { hi: "सेवा", en: "Service" },
      "orders.date_from": { hi: "इस दिन से", en: "From day" },
      "orders.date_to": { hi: "इस दिन तक", en: "To day" },
      "orders.any": { hi: "सभी", en: "All" },
      "orders.search": { hi: "खोजें", en: "Search" },
      "orders.clear": { hi: "साफ़ करें", en: "Clear" },
      "orders.none": { hi: "इन शर्तों से कोई ऑर्डर नहीं मिला। नंबर या छँटाई जाँचें।", en: "No order matches. Check the number or the filters." },
      "orders.created": { hi: "बुक हुआ", en: "Booked" },
      "orders.customer": { hi: "ग्राहक", en: "Customer" },
      "orders.address": { hi: "पता", en: "Address" },
      "orders.slot": { hi: "समय", en: "Visit" },
      "orders.asap": { hi: "जल्द से जल्द", en: "As soon as possible" },
      "orders.worker": { hi: "कर्मी", en: "Worker" },
      "orders.no_worker": { hi: "अभी कोई कर्मी नहीं", en: "No worker yet" },
      "orders.total": { hi: "कुल शुल्क", en: "Total" },
      "orders.payment": { hi: "भुगतान", en: "Payment" },
      "orders.references": { hi: "खरीदार ऐप ऑर्डर · लेन-देन id", en: "Buyer-app order · transaction id" },
      "orders.cancellation": { hi: "रद्दीकरण", en: "Cancellation" },
      "orders.by_buyer": { hi: "ग्राहक ने रद्द किया", en: "Cancelled by the customer" },
      "orders.by_provider": { hi: "सेवा मित्र ने रद्द किया", en: "Cancelled by Seva Mitra" },
      "orders.fee_due": { hi: "देय शुल्क ₹{fee}", en: "fee due ₹{fee}" },
      "orders.late": { hi: "देर", en: "Late" },
      "orders.otp": { hi: "शुरुआत का OTP", en: "Start OTP" },
      "otp.not_issued": { hi: "अभी जारी नहीं (कर्मी पहुँचने पर)", en: "Not issued yet (sent when the worker arrives)" },
      "otp.valid": { hi: "मान्य, {until} तक", en: "Valid until {until}" },
      "otp.expired": { hi: "समाप्त; कर्मी नया OTP मँगाए", en: "Expired; the worker must ask for a new one" },
      "otp.locked": { hi: "गलत प्रयासों से बंद; नया OTP चाहिए", en: "Locked by wrong tries; a new one is needed" },
      "otp.used": { hi: "उपयोग हो गया: काम शुरू हुआ", en: "Used: the service started" },
      "otp.tries": { hi: "({wrong} गलत प्रयास, {left} बाकी)", en: "({wrong} wrong tries, {left} left)" },
      "orders.act": { hi: "कार्रवाई करें", en: "Act on this order" },
      "orders.reason": { hi: "कारण", en: "Reason" },
      "orders.reason_placeholder": { hi: "हर कार्रवाई का कारण ज़रूरी है; यह ऑर्डर के ऑडिट में आपके नाम से दर्ज होता है।", en: "Every action needs a reason; it is kept in the order's audit under your name." },
      "orders.act_hint": {
        hi: "कर्मी केवल तब बदला जा सकता है जब वह अभी निकला न हो। रद्द करना और समय बदलना ग्राहक के लिए मुफ़्त है। खरीदार ऐप को हर बदलाव तुरंत भेजा जाता है; हेल्पलाइन, कियोस्क और विभाग के ग्राहक को SMS जाता है (नया कर्मी उसके पहुँचने पर OTP के साथ)।",
        en: "A worker can be changed only before she sets off. Cancelling and moving the visit cost the customer nothing. A buyer app is sent every change at once; a helpline, kiosk or department customer gets an SMS (a new worker's name comes with the OTP when she arrives).",
      },
      "orders.reassign_to": { hi: "नया कर्मी (पास वाले पहले)", en: "New worker (nearest first)" },
      "orders.choose_worker": { hi: "कर्मी चुनें", en: "Choose a worker" },
      "orders.reassign": { hi: "कर्मी बदलें", en: "Reassign" },
      "orders.holds": { hi: "अभी इसी के पास", en: "holds it now" },
      "orders.busy": { hi: "ऑर्डर {order} पर व्यस्त", en: "busy with {order}" },
      "orders.booked": { hi: "उस समय बुक", en: "booked then" },
      "orders.offline": { hi: "ऑफ़लाइन", en: "offline" },
      "orders.cancel_reason": { hi: "रद्द करने का कोड", en: "Cancellation code" },
      "orders.cancel": { hi: "सेवा मित्र की ओर से रद्द करें", en: "Cancel for Seva Mitra" },
      "orders.new_start": { hi: "नया समय (भारत समय)", en: "New start (India time)" },
      "orders.reschedule": { hi: "समय बदलें", en: "Move the visit" },
      "orders.refund_amount": { hi: "रद्दीकरण शुल्क ₹{fee}", en: "Cancellation fee ₹{fee}" },
      "orders.refund": { hi: "शुल्क लौटाएँ", en: "Refund the fee" },
      "orders.reassigned": { hi: "ऑर्डर {order} अब {name} के पास है।", en: "Order {order} now goes to {name}." },
      "orders.cancelled": { hi: "ऑर्डर {order} रद्द हुआ; कर्मी मुक्त और ग्राहक को सूचना भेजी गई।", en: "Order {order} is cancelled; its worker is free and the customer has been told." },
      "orders.rescheduled": { hi: "ऑर्डर {order} का समय बदला गया; ग्राहक को सूचना भेजी गई।", en: "Order {order} has a new visit time; the customer has been told." },
      "orders.refunded": { hi: "ऑर्डर {order} का ₹{fee} रद्दीकरण शुल्क लौटाया गया।", en: "The ₹{fee} cancellation fee of order {order} is refunded." },
      "orders.events": { hi: "क्या हुआ (ऑडिट सहित)", en: "What happened (with the audit)" },
      "orders.what": { hi: "क्या", en: "What" },
      "orders.details": { hi: "विवरण", en: "Details" },
      "orders.moved": { hi: "{from} से {to} को", en: "from {from} to {to}" },
      "orders.moved_slot": { hi: "नया समय {to}", en: "new time {to}" },
      "orders.fee": { hi: "शुल्क ₹{fee}", en: "fee ₹{fee}" },
      "orders.offers": { hi: "प्रस्ताव (भेजे और ठुकराए)", en: "Offers (made and refused)" },
      "orders.distance": { hi: "दूरी", en: "Distance" },
      "orders.sent": { hi: "भेजा", en: "Sent" },
      "orders.outcome": { hi: "नतीजा", en: "Outcome" },
      "orders.decided": { hi: "कब तय हुआ", en: "Decided" },
      "orders.messages": { hi: "खरीदार ऐप से संदेश", en: "Messages with the buyer app" },
      "orders.direction": { hi: "दिशा", en: "Direction" },
      "orders.dir_in": { hi: "आया", en: "In" },
      "orders.dir_out": { hi: "भेजा", en: "Out" },
      "orders.ledger": { hi: "भुगतान और खाता प्रविष्टियाँ", en: "Payments and ledger entries" },
      "orders.postings": { hi: "खाते और राशि", en: "Accounts and amounts" },
      "orders.ratings_complaints": { hi: "रेटिंग और शिकायतें", en: "Ratings and complaints" },
      "orders.rating": { hi: "रेटिंग ({subject})", en: "Rating ({subject})" },
      "channel.ondc": { hi: "ONDC खरीदार ऐप", en: "ONDC buyer app" },
      "channel.helpline": { hi: "हेल्पलाइन", en: "Helpline" },
      "channel.kiosk": { hi: "कियोस्क", en: "Kiosk" },
      "channel.department": { hi: "सरकारी विभाग", en: "Department" },
      "order.Created": { hi: "बना", en: "Created" },
      "order.Accepted": { hi: "स्वीकृत", en: "Accepted" },
      "order.In-progress": { hi: "जारी", en: "In progress" },
      "order.Completed": { hi: "पूरा", en: "Completed" },
      "order.Cancelled": { hi: "रद्द", en: "Cancelled" },
      "fulfillment.Pending": { hi: "कर्मी निकला नहीं", en: "Worker not on the way" },
      "fulfillment.In-Transit": { hi: "कर्मी रास्ते में", en: "Worker on the way" },
      "fulfillment.At-Location": { hi: "कर्मी पहुँच गया", en: "Worker at the door" },
      "fulfillment.Service-Started": { hi: "काम चल रहा है", en: "Service started" },
      "fulfillment.Completed": { hi: "काम पूरा", en: "Done" },
      "fulfillment.Cancelled": { hi: "रद्द", en: "Cancelled" },
      "offer.pending": { hi: "जवाब बाकी", en: "Awaiting answer" },
      "offer.accepted": { hi: "स्वीकार", en: "Accepted" },
      "offer.declined": { hi: "ठुकराया", en: "Declined" },
      "offer.expired": { hi: "समय पर जवाब नहीं", en: "Not answered in time" },
      "offer.withdrawn": { hi: "वापस लिया", en: "Withdrawn" },
      "event.Created": event("ऑर्डर आया", "Order placed"),
      "event.Accepted": event("ऑर्डर स्वीकार", "Order accepted"),
      "event.assigned": event("कर्मी सौंपा गया", "Worker assigned"),
      "event.travelling": event("कर्मी निकला", "Worker set off"),
      "event.arrived": event("कर्मी पहुँचा", "Worker arrived"),
      "event.otp-issued": event("OTP भेजा गया", "OTP sent"),
      "event.started": event("काम शुरू (OTP से)", "Service started (OTP)"),
      "event.completed": event("काम पूरा", "Service completed"),
      "event.cancelled": event("रद्द", "Cancelled"),
      "event.rescheduled": event("समय बदला", "Visit moved"),
      "event.fee-refunded": event("रद्दीकरण शुल्क लौटाया", "Cancellation fee refunded"),
    },
  });
})();
