// Helpline desk (/staff/api/helpline/...): an operator on a call books for the caller in three screens —
// 1 the caller (her phone finds her orders and complaints), 2 the service and the place, 3 the fee and the time —
// and changes a booking with her consent or registers her complaint. A tab of the staff console (console.js).
"use strict";

const HELPLINE_SCREENS = ["caller", "service", "slot"];
// where each field the booking API may name is entered (an error there brings its screen back)
const HELPLINE_FIELD_SCREEN = {
  phone: "caller", name: "caller", language: "caller",
  pincode: "service", address: "service", item_id: "service", point: "service", lat: "service", lng: "service",
  slot: "slot",
};

const helpline = {
  screen: "caller",
  caller: null,  // {phone, orders, complaints}
  area: null,  // the pincode's district and point
  found: [],  // services the typed words name
  item: null,  // the chosen service
  quote: null,  // its fee and open windows
  booked: null,  // the order just booked
  change: null,  // {order, action, slots}
  searchTimer: null,
};

function helplineForm() {
  return byId("helpline-form");
}

function helplineValue(name) {
  return helplineForm().elements[name].value.trim();
}

function showHelplineScreen(screen) {
  helpline.screen = screen;
  renderHelpline();
  const first = helplineForm().querySelector(`[data-screen="${screen}"] input, [data-screen="${screen}"] textarea`);
  if (first) first.focus();
}

function helplinePoint() {
  const lat = helplineValue("lat");
  const lng = helplineValue("lng");
  const moved = helpline.area && (Number(lat) !== helpline.area.lat || Number(lng) !== helpline.area.lng);
  // the pincode's own point is sent as nothing: the server takes it from the pincode
  return moved && lat !== "" && lng !== "" ? { lat: numberOrText(lat), lng: numberOrText(lng) } : {};
}

/** Show a failure; when it names a field of an earlier screen, go back to that screen. */
function helplineFailed(error) {
  if (error.endedSession) return;
  const problem = asProblem(error);
  const screens = problem.errors.map((wrong) => HELPLINE_FIELD_SCREEN[wrong.field.split(".")[0]]).filter(Boolean);
  const earliest = HELPLINE_SCREENS.find((screen) => screens.includes(screen));
  if (earliest && HELPLINE_SCREENS.indexOf(earliest) < HELPLINE_SCREENS.indexOf(helpline.screen)) {
    helpline.screen = earliest;
    renderHelpline();
  }
  say("helpline", problem);
}

async function helplineStep(button, work) {
  if (button) button.disabled = true;
  say("helpline", null);
  try {
    await work();
  } catch (error) {
    helplineFailed(error);
  } finally {
    if (button) button.disabled = false;
  }
}

// ---- screen 1: the caller -----------------------------------------------------------------------

async function findCaller() {
  const phone = helplineValue("phone");
  helpline.caller = await api("GET", `/helpline/callers/${encodeURIComponent(phone)}`);
  const form = helplineForm();
  const last = helpline.caller.orders[0];
  if (last && !form.elements.name.value.trim()) form.elements.name.value = last.customer_name;
  if (last && !form.elements.address.value.trim()) {
    form.elements.address.value = last.address;
    form.elements.pincode.value = last.pincode;
  }
  renderHelpline();
}

async function startBooking(button) {
  await helplineStep(button, async () => {
    await findCaller();  // checks the phone, and shows her history meanwhile
    if (!helplineValue("name")) {
      say("helpline", { tone: "error", ...both("helpline.name_needed"), errors: [{ field: "name", ...both("helpline.name_needed") }] });
      return;
    }
    helpline.booked = null;
    showHelplineScreen("service");
    if (helplineValue("pincode") && !helpline.area) await lookUpPincode();
  });
}

function orderStatus(order) {
  return t(`order_status.${order.status}`);
}

function historyActions(order) {
  const buttons = [];
  if (order.changeable) {
    buttons.push(el("button", { type: "button", class: "secondary", "data-action": "reschedule", text: t("helpline.reschedule"),
      onclick: (event) => openChange(order, "reschedule", event.currentTarget) }));
    buttons.push(el("button", { type: "button", class: "danger", "data-action": "cancel", text: t("helpline.cancel_booking"),
      onclick: (event) => openChange(order, "cancel", event.currentTarget) }));
  }
  buttons.push(el("button", { type: "button", class: "secondary", "data-action": "complain", text: t("helpline.complain"),
    onclick: (event) => openChange(order, "complain", event.currentTarget) }));
  return el("div", { class: "row-actions" }, buttons);
}

function renderHistory() {
  const box = byId("helpline-history");
  const caller = helpline.caller;
  if (!caller) {
    box.replaceChildren();
    return;
  }
  const orders = el("table", { class: "grid", id: "helpline-orders" },
    el("thead", {}, el("tr", {}, ["helpline.order", "helpline.service", "helpline.when", "complaints.status", "helpline.fee", "actions"]
      .map((key) => el("th", { text: t(key) })))),
    el("tbody"));
  rows(orders.tBodies[0], caller.orders, (order) => el("tr", { "data-order-id": order.id },
    el("td", {}, el("code", { text: order.id }), el("br"), el("small", { text: order.channel })),
    el("td", { text: pick({ hi: order.item.name_hi, en: order.item.name_en }) }),
    el("td", { text: order.slot ? formatTime(order.slot.start) : "—" }),
    el("td", { class: "order-status", text: orderStatus(order) }),
    el("td", { class: "num", text: `₹${order.total}` }),
    el("td", {}, historyActions(order))), 6);
  const complaints = caller.complaints.length
    ? el("ul", { id: "helpline-complaints" }, caller.complaints.map((complaint) => el("li", {},
      el("code", { text: complaint.id }), ` · ${complaint.order_id} · ${t(`kind.${complaint.kind}`)} · ${t(`status.${complaint.status}`)} · ${complaint.short_desc}`)))
    : el("p", { class: "hint", text: t("helpline.no_complaints") });
  box.replaceChildren(
    el("h4", { text: t("helpline.history", { phone: caller.phone }) }),
    el("div", { class: "table-wrap" }, orders),
    el("h4", { text: t("tab.complaints") }), complaints);
}

// ---- changing a booking, or a complaint, with the caller on the line ----------------------------

async function openChange(order, action, button) {
  await helplineStep(button, async () => {
    let slots = [];
    if (action === "reschedule") {
      slots = (await api("POST", "/helpline/quotes", { json: { item_id: order.item.id, pincode: order.pincode } })).slots;
    }
    helpline.change = { order, action, slots };
    say("helpline-change", null);
    renderChange();
    byId("helpline-change").scrollIntoView({ block: "nearest" });
  });
}

function consentBox() {
  return el("label", { class: "choice wide" }, el("input", { type: "checkbox", name: "caller_consents" }), " ",
    el("span", { text: t("helpline.consent") }),
    el("small", { class: "field-error", "data-error-for": "caller_consents" }));
}

function changeFields(change) {
  if (change.action === "reschedule") {
    return [
      el("fieldset", { class: "wide" }, el("legend", { text: t("helpline.new_time") }),
        el("div", { class: "choices" }, change.slots.map((slot, index) => el("label", { class: "choice" },
          el("input", { type: "radio", name: "slot", value: slot.start, checked: index === 0 }), " ", formatTime(slot.start)))),
        el("small", { class: "field-error", "data-error-for": "slot" })),
      consentBox(),
    ];
  }
  if (change.action === "cancel") {
    return [
      el("label", {}, el("span", { text: t("helpline.reason") }),
        el("select", { name: "reason_id" }, ["012", "010", "004", "006"].map((code) => el("option", { value: code, text: t(`reason.${code}`) })))),
      consentBox(),
    ];
  }
  return [
    el("label", {}, el("span", { text: t("complaints.kind") }),
      el("select", { name: "kind" }, ["no_show", "overcharging", "quality", "conduct", "other"].map((kind) => el("option", { value: kind, text: t(`kind.${kind}`) })))),
    el("label", { class: "wide" }, el("span", { text: t("resolve.short_desc") }), el("input", { name: "short_desc", maxlength: 500 }),
      el("small", { class: "field-error", "data-error-for": "short_desc" })),
  ];
}

function renderChange() {
  const box = byId("helpline-change");
  const change = helpline.change;
  box.hidden = !change;
  if (!change) return;
  const form = byId("helpline-change-form");
  byId("helpline-change-title").textContent = `${t(`helpline.${change.action === "cancel" ? "cancel_booking" : change.action}`)} · ${change.order.id}`;
  form.replaceChildren(...changeFields(change),
    el("div", { class: "wide button-row" },
      el("button", { type: "submit", id: "helpline-change-submit", text: t("helpline.confirm_change") }),
      el("button", { type: "button", class: "secondary", text: t("cancel"), onclick: () => { helpline.change = null; renderChange(); } })));
}

async function submitChange(event) {
  event.preventDefault();
  const change = helpline.change;
  const values = event.target.elements;
  const path = `/helpline/orders/${encodeURIComponent(change.order.id)}`;
  await act("helpline-change", async () => {
    if (change.action === "complain") {
      const complaint = await api("POST", `${path}/complaints`, { json: {
        kind: values.kind.value, short_desc: values.short_desc.value.trim(),
        caller_name: helplineValue("name") || null, caller_phone: helpline.caller.phone,
      } });
      say("helpline", ok("helpline.complaint_filed", { id: complaint.id }));
    } else if (change.action === "cancel") {
      await api("POST", `${path}/cancel`, { json: { reason_id: values.reason_id.value, caller_consents: values.caller_consents.checked } });
      say("helpline", ok("helpline.cancelled", { id: change.order.id }));
    } else {
      const chosen = event.target.querySelector("input[name=slot]:checked");
      await api("POST", `${path}/reschedule`, { json: { slot: chosen ? chosen.value : "", caller_consents: values.caller_consents.checked } });
      say("helpline", ok("helpline.rescheduled", { id: change.order.id }));
    }
    helpline.change = null;
    await findCaller();
  }, event.submitter);
}

// ---- screen 2: the service and the place --------------------------------------------------------

async function lookUpPincode() {
  const pincode = helplineValue("pincode");
  helpline.area = null;
  if (!pincode) return;
  helpline.area = await api("GET", `/helpline/places/${encodeURIComponent(pincode)}`);
  const form = helplineForm();
  form.elements.lat.value = helpline.area.lat ?? "";
  form.elements.lng.value = helpline.area.lng ?? "";
  renderHelpline();
  if (helplineValue("service_query")) await searchServices();
}

async function searchServices() {
  const query = helplineValue("service_query");
  if (!query) {
    helpline.found = [];
    renderHelpline();
    return;
  }
  const pincode = helpline.area ? `&pincode=${encodeURIComponent(helpline.area.pincode)}` : "";
  helpline.found = await api("GET", `/helpline/services?q=${encodeURIComponent(query)}${pincode}`);
  if (helpline.item && !helpline.found.some((item) => item.id === helpline.item.id)) helpline.item = null;
  if (!helpline.item && helpline.found.length === 1) helpline.item = helpline.found[0];
  renderHelpline();
}

function queueServiceSearch() {
  clearTimeout(helpline.searchTimer);
  helpline.searchTimer = setTimeout(() => helplineStep(null, searchServices), 250);
}

function renderServices() {
  const box = byId("helpline-services");
  if (!helpline.found.length) {
    box.replaceChildren(el("p", { class: "hint", text: t(helplineValue("service_query") ? "helpline.no_service" : "helpline.type_service") }));
    return;
  }
  box.replaceChildren(...helpline.found.map((item) => el("label", { class: "choice service-choice", "data-item-id": item.id },
    el("input", { type: "radio", name: "item_id", value: item.id, checked: helpline.item && helpline.item.id === item.id,
      onchange: () => { helpline.item = item; renderHelpline(); } }), " ",
    el("span", { lang: "hi", class: "name-hi", text: item.name_hi }), " · ",
    el("span", { lang: "en", text: item.name_en }), " · ",
    el("strong", { text: `₹${item.total}` }))));
}

async function toQuote(button) {
  await helplineStep(button, async () => {
    if (!helpline.area) await lookUpPincode();
    helpline.quote = await api("POST", "/helpline/quotes", { json: {
      item_id: helpline.item ? helpline.item.id : "", pincode: helplineValue("pincode"), ...helplinePoint(),
    } });
    showHelplineScreen("slot");
  });
}

// ---- screen 3: the fee and the time ---------------------------------------------------------------

function renderQuote() {
  const quote = helpline.quote;
  const box = byId("helpline-quote");
  if (!quote) {
    box.replaceChildren();
    return;
  }
  const itemName = pick({ hi: quote.item.name_hi, en: quote.item.name_en });
  const lines = quote.lines.map((line) => `${line.title === "tax" ? t("helpline.tax") : itemName}: ₹${line.amount}`).join(" + ");
  const slots = quote.slots.map((slot, index) => el("label", { class: "choice" },
    el("input", { type: "radio", name: "slot", value: index === 0 ? "now" : slot.start, checked: index === 0 }), " ",
    index === 0 ? t("helpline.now", { time: formatTime(slot.start) }) : formatTime(slot.start)));
  box.replaceChildren(
    el("p", { class: "fee-line" }, el("span", { text: t("helpline.fixed_fee") }), " ",
      el("strong", { id: "helpline-total", text: `₹${quote.total}` }), el("small", { text: ` (${lines})` })),
    el("p", { class: "hint", text: t("helpline.cash_note") }),
    el("fieldset", {}, el("legend", { text: t("helpline.time") }), el("div", { class: "choices", id: "helpline-slots" }, slots),
      el("small", { class: "field-error", "data-error-for": "slot" })));
}

async function book() {
  const chosen = helplineForm().querySelector("#helpline-slots input:checked");
  await helplineStep(byId("helpline-book"), async () => {
    helpline.booked = await api("POST", "/helpline/orders", { json: {
      item_id: helpline.item ? helpline.item.id : "", name: helplineValue("name"), phone: helplineValue("phone"),
      address: helplineValue("address"), pincode: helplineValue("pincode"), slot: chosen ? chosen.value : "now",
      language: helplineValue("language"), ...helplinePoint(),
    } });
    say("helpline", ok("helpline.booked", { id: helpline.booked.id, total: helpline.booked.total, phone: helplineValue("phone") }));
    await findCaller();
  });
}

/** Enter in a field does what the screen's main button does. */
function submitScreen(event) {
  event.preventDefault();
  if (helpline.screen === "caller") startBooking(byId("helpline-to-service"));
  else if (helpline.screen === "service") toQuote(byId("helpline-to-quote"));
  else book();
}

function nextCaller() {
  helplineForm().reset();
  Object.assign(helpline, { screen: "caller", caller: null, area: null, found: [], item: null, quote: null, booked: null, change: null });
  say("helpline", null);
  showHelplineScreen("caller");
}

// ---- drawing --------------------------------------------------------------------------------------

function renderHelpline() {
  if (!byId("tab-helpline")) return;
  helplineForm().hidden = Boolean(helpline.booked);
  helplineForm().querySelectorAll("[data-screen]").forEach((screen) => { screen.hidden = screen.dataset.screen !== helpline.screen; });
  byId("helpline-steps").querySelectorAll("li").forEach((step) => { step.classList.toggle("current", step.dataset.screen === helpline.screen); });
  const area = helpline.area;
  byId("helpline-district").textContent = area
    ? t("helpline.district", { district: area.district, unit: pick({ hi: area.provider.name_hi, en: area.provider.name_en }) })
    : "";
  byId("helpline-done").hidden = !helpline.booked;
  if (helpline.booked) {
    const order = helpline.booked;
    byId("helpline-done-text").textContent = t("helpline.done", {
      id: order.id, total: order.total, when: order.slot ? formatTime(order.slot.start) : "—",
    });
  }
  byId("helpline-to-quote").disabled = !helpline.item;
  renderHistory();
  renderServices();
  renderQuote();
  renderChange();
}

addPanel({
  text: {
    "tab.helpline": { hi: "हेल्पलाइन डेस्क", en: "Helpline desk" },
    "helpline.title": { hi: "कॉल पर बुकिंग (155330)", en: "Booking on a call (155330)" },
    "helpline.screen_caller": { hi: "1. कॉल करने वाला", en: "1. Caller" },
    "helpline.screen_service": { hi: "2. सेवा और पता", en: "2. Service and address" },
    "helpline.screen_slot": { hi: "3. शुल्क और समय", en: "3. Fee and time" },
    "helpline.phone": { hi: "मोबाइल नंबर (10 अंक)", en: "Mobile number (10 digits)" },
    "helpline.name": { hi: "नाम", en: "Name" },
    "helpline.language": { hi: "SMS की भाषा", en: "SMS language" },
    "helpline.find": { hi: "पुराने ऑर्डर देखें", en: "Show past orders" },
    "helpline.new_booking": { hi: "नई बुकिंग →", en: "New booking →" },
    "helpline.name_needed": { hi: "कॉल करने वाले का नाम लिखें।", en: "Write the caller's name." },
    "helpline.history": { hi: "{phone} के ऑर्डर", en: "Orders of {phone}" },
    "helpline.no_complaints": { hi: "कोई शिकायत नहीं।", en: "No complaints." },
    "helpline.order": { hi: "ऑर्डर", en: "Order" },
    "helpline.service": { hi: "सेवा", en: "Service" },
    "helpline.when": { hi: "समय", en: "Time" },
    "helpline.fee": { hi: "शुल्क", en: "Fee" },
    "helpline.reschedule": { hi: "समय बदलें", en: "Reschedule" },
    "helpline.cancel_booking": { hi: "बुकिंग रद्द करें", en: "Cancel booking" },
    "helpline.complain": { hi: "शिकायत दर्ज करें", en: "Register complaint" },
    "helpline.consent": { hi: "कॉल करने वाले ने सहमति दी है", en: "The caller agrees" },
    "helpline.new_time": { hi: "नया समय", en: "New time" },
    "helpline.reason": { hi: "कारण", en: "Reason" },
    "helpline.confirm_change": { hi: "पक्का करें", en: "Confirm" },
    "helpline.cancelled": { hi: "बुकिंग {id} रद्द हो गई; कॉल करने वाले को SMS भेजा गया।", en: "Booking {id} is cancelled; the caller gets an SMS." },
    "helpline.rescheduled": { hi: "बुकिंग {id} का समय बदल गया; कॉल करने वाले को SMS भेजा गया।", en: "Booking {id} is moved; the caller gets an SMS." },
    "helpline.complaint_filed": { hi: "शिकायत {id} दर्ज हो गई; संख्या SMS से भेजी गई।", en: "Complaint {id} is registered; its number goes by SMS." },
    "helpline.pincode": { hi: "पिनकोड", en: "Pincode" },
    "helpline.address": { hi: "पूरा पता (मकान, गली, मोहल्ला)", en: "Full address (house, street, area)" },
    "helpline.lat": { hi: "अक्षांश (ज़रूरत हो तो सुधारें)", en: "Latitude (refine if needed)" },
    "helpline.lng": { hi: "देशांतर (ज़रूरत हो तो सुधारें)", en: "Longitude (refine if needed)" },
    "helpline.district": { hi: "ज़िला: {district} · {unit}", en: "District: {district} · {unit}" },
    "helpline.service_query": { hi: "सेवा का नाम लिखें (हिंदी या अंग्रेज़ी)", en: "Type the service (Hindi or English)" },
    "helpline.type_service": { hi: "सेवा का नाम लिखते ही मिलती सेवाएँ यहाँ दिखेंगी।", en: "Matching services show here as you type." },
    "helpline.no_service": { hi: "इस नाम की कोई सेवा नहीं मिली; दूसरा शब्द आज़माएँ।", en: "No service by that name; try another word." },
    "helpline.to_quote": { hi: "शुल्क और समय देखें →", en: "See fee and times →" },
    "helpline.back": { hi: "← पीछे", en: "← Back" },
    "helpline.fixed_fee": { hi: "तय शुल्क:", en: "Fixed fee:" },
    "helpline.tax": { hi: "GST", en: "GST" },
    "helpline.cash_note": {
      hi: "काम पूरा होने पर कॉल करने वाले कर्मी को यही राशि नकद देंगे; इससे ज़्यादा कोई नहीं माँग सकता।",
      en: "The caller pays the worker exactly this in cash once the work is done; nobody may ask for more.",
    },
    "helpline.time": { hi: "समय", en: "Time" },
    "helpline.now": { hi: "अभी — सबसे जल्दी {time}", en: "Now — earliest {time}" },
    "helpline.book": { hi: "बुक करें", en: "Book" },
    "helpline.booked": { hi: "बुकिंग {id} हो गई (₹{total}); {phone} पर SMS भेजा गया।", en: "Booked {id} (₹{total}); an SMS goes to {phone}." },
    "helpline.done": {
      hi: "ऑर्डर संख्या {id} · ₹{total} · {when}। कॉल करने वाले को बताएँ: कर्मी का नाम और OTP SMS से आएगा।",
      en: "Order number {id} · ₹{total} · {when}. Tell the caller: the worker's name and the OTP come by SMS.",
    },
    "helpline.next_caller": { hi: "अगला कॉल", en: "Next caller" },
    "order_status.Created": { hi: "बना", en: "Created" },
    "order_status.Accepted": { hi: "स्वीकृत", en: "Accepted" },
    "order_status.In-progress": { hi: "चल रहा है", en: "In progress" },
    "order_status.Completed": { hi: "पूरा", en: "Completed" },
    "order_status.Cancelled": { hi: "रद्द", en: "Cancelled" },
    "reason.012": { hi: "अब सेवा नहीं चाहिए", en: "No longer wants the service" },
    "reason.010": { hi: "बुकिंग में बदलाव चाहिए", en: "Wants to change the booking" },
    "reason.004": { hi: "कर्मी तय नहीं हुआ या नहीं पहुँचा", en: "No worker assigned or arriving" },
    "reason.006": { hi: "तय समय पर सेवा नहीं मिली", en: "Not served in the booked time" },
  },
  start() {
    const form = helplineForm();
    form.addEventListener("submit", submitScreen);
    byId("helpline-find").addEventListener("click", (event) => helplineStep(event.currentTarget, findCaller));
    byId("helpline-to-service").addEventListener("click", (event) => startBooking(event.currentTarget));
    form.elements.pincode.addEventListener("change", () => helplineStep(null, lookUpPincode));
    form.elements.service_query.addEventListener("input", queueServiceSearch);
    byId("helpline-to-quote").addEventListener("click", (event) => toQuote(event.currentTarget));
    form.querySelectorAll("[data-back]").forEach((button) => button.addEventListener("click", () => showHelplineScreen(button.dataset.back)));
    byId("helpline-next").addEventListener("click", nextCaller);
    byId("helpline-change-form").addEventListener("submit", submitChange);
  },
  load() {
    if (role() === "helpline_operator" && state.tab === "catalog") showTab("helpline");  // the desk is her page
  },
  render: renderHelpline,
  reset() {
    Object.assign(helpline, { screen: "caller", caller: null, area: null, found: [], item: null, quote: null, booked: null, change: null });
    helplineForm().reset();
  },
});
