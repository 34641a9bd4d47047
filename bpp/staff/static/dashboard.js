// Dashboard tab (admins and district officers): the programme's live figures per district and for the state,
// bookings per day and per service drawn with Chart.js (bundled under /staff/static/vendor/), every figure
// downloadable as CSV and all of them as one Excel workbook. Uses the console's helpers (console.js).
"use strict";

(() => {
  const VIEWERS = ["admin", "district_officer"];
  const REFRESH_MS = 60_000;
  const CHANNEL_COLOURS = { ondc: "#1f6f8b", helpline: "#e07a1f", kiosk: "#5b8c2a", department: "#8a4fa0" };
  const CARDS = [
    ["workers_registered", "workers_verified", "workers_online"],
    ["bookings_today", "bookings_month", "completion_rate_percent", "cancellation_rate_percent"],
    ["arrival_median_minutes", "arrival_p90_minutes", "complaints_open", "complaints_overdue"],
    ["earned_month", "paid_out_month", "paid_out_total"],
  ];
  const RUPEES = new Set(["earned_month", "earned_total", "paid_out_month", "paid_out_total"]);

  const view = { report: null, district: "", districts: [], charts: {}, timer: null };

  const panel = document.createElement("section");
  panel.className = "tab-panel";
  panel.id = "tab-dashboard";
  panel.setAttribute("role", "tabpanel");
  panel.hidden = true;
  panel.innerHTML = `
    <div class="toolbar">
      <h2 data-i18n="dashboard.title"></h2>
      <label data-roles="admin"><span data-i18n="dashboard.scope"></span>
        <select id="dashboard-district"><option value="" data-i18n="dashboard.state"></option></select></label>
      <button type="button" class="secondary" id="dashboard-refresh" data-i18n="refresh"></button>
      <button type="button" class="secondary" id="dashboard-xlsx" data-i18n="dashboard.xlsx"></button>
    </div>
    <p class="hint" id="dashboard-updated"></p>
    <div class="msg" data-msg="dashboard" role="status" hidden></div>
    <div class="figure-cards" id="dashboard-cards"></div>
    <div class="two-columns">
      <section class="card"><h3 data-i18n="dashboard.per_day"></h3>
        <div class="chart-box"><canvas id="chart-per-day" role="img" data-i18n-label="dashboard.per_day"></canvas></div></section>
      <section class="card"><h3 data-i18n="dashboard.per_service"></h3>
        <div class="chart-box"><canvas id="chart-per-service" role="img" data-i18n-label="dashboard.per_service"></canvas></div></section>
    </div>
    <div id="dashboard-tables"></div>`;
  document.getElementById("console").append(panel);
  const tab = el("button", {
    type: "button", role: "tab", "data-tab": "dashboard", "data-i18n": "tab.dashboard", "data-roles": VIEWERS.join(" "),
    onclick: () => { showTab("dashboard"); drawCharts(); },
  });
  document.querySelector("#console .tabs").append(tab);

  function viewer() {
    return VIEWERS.includes(role());
  }

  function heading(table, key) {
    const column = table.columns.find((candidate) => candidate.key === key);
    return column ? pick(column) : key;
  }

  function cells(table) {
    return table.rows.map((row) => Object.fromEntries(table.columns.map((column, index) => [column.key, row[index]])));
  }

  function tableNamed(name) {
    return view.report ? view.report.tables.find((table) => table.name === name) : null;
  }

  function shown(key, value) {
    if (value === null || value === undefined) return "—";
    if (key === "district") return value === "state" ? t("dashboard.state") : value;
    if (RUPEES.has(key)) return `₹${value}`;
    if (key.endsWith("_percent")) return `${value}%`;
    return String(value);
  }

  function downloadPath(format, table) {
    const query = new URLSearchParams(view.district ? { district: view.district } : {});
    if (format === "csv") return `/dashboard/${encodeURIComponent(table)}.csv?${query}`;
    query.set("lang", state.lang);
    if (table) query.set("table", table);
    return `/dashboard/workbook.xlsx?${query}`;
  }

  async function load() {
    if (!viewer()) return;
    await act("dashboard", async () => {
      const query = view.district ? `?district=${encodeURIComponent(view.district)}` : "";
      view.report = await api("GET", `/dashboard${query}`);
      if (!view.district && view.report.scope === "state") {
        view.districts = cells(tableNamed("districts")).map((row) => row.district).filter((name) => name !== "state");
      }
      render();
    });
  }

  function renderScopeChoices() {
    const select = byId("dashboard-district");
    const chosen = view.district;
    select.replaceChildren(el("option", { value: "", text: t("dashboard.state") }),
      ...view.districts.map((name) => el("option", { value: name, text: name })));
    select.value = chosen;
  }

  function renderCards() {
    const summary = tableNamed("districts");
    const box = byId("dashboard-cards");
    if (!summary) {
      box.replaceChildren();
      return;
    }
    const rows = cells(summary);
    const scope = rows.find((row) => row.district === view.report.scope) || rows[rows.length - 1];
    box.replaceChildren(...CARDS.map((group) => el("div", { class: "figure-group" }, group.map((key) => el("div", {
      class: "figure", "data-figure": key,
    }, el("span", { class: "figure-value", text: shown(key, scope[key]) }), el("span", { class: "figure-label", text: heading(summary, key) }))))));
  }

  function renderTables() {
    byId("dashboard-tables").replaceChildren(...view.report.tables.map((table) => {
      const grid = el("table", { class: "grid", "data-table": table.name },
        el("thead", {}, el("tr", {}, table.columns.map((column) => el("th", { text: pick(column) })))),
        el("tbody"));
      rows(grid.tBodies[0], cells(table), (row) => el("tr", {},
        table.columns.map((column) => el("td", {
          class: /^-?[\d.]+$/.test(String(row[column.key])) ? "num" : "", text: shown(column.key, row[column.key]),
        }))),
      table.columns.length);
      return el("section", { class: "card", "data-figure-table": table.name },
        el("div", { class: "toolbar" },
          el("h3", { text: pick(table.title) }),
          el("button", {
            type: "button", class: "secondary", "data-download": "csv", text: t("dashboard.csv"),
            onclick: (event) => download(event.currentTarget, downloadPath("csv", table.name)),
          }),
          el("button", {
            type: "button", class: "secondary", "data-download": "xlsx", text: t("dashboard.xlsx_one"),
            onclick: (event) => download(event.currentTarget, downloadPath("xlsx", table.name)),
          })),
        // a chart's own numbers are there for whoever wants them, folded away
        table.name === "bookings_per_day"
          ? el("details", {}, el("summary", { text: t("dashboard.numbers") }), el("div", { class: "table-wrap" }, grid))
          : el("div", { class: "table-wrap" }, grid));
    }));
  }

  async function download(button, path) {
    await act("dashboard", async () => {
      const name = await downloadFile(path, "seva-mitra-dashboard");
      say("dashboard", ok("dashboard.downloaded", { name }));
    }, button);
  }

  function chart(id, config) {
    if (view.charts[id]) view.charts[id].destroy();
    view.charts[id] = new Chart(byId(id), config);
  }

  function drawCharts() {
    const perDay = tableNamed("bookings_per_day");
    const perService = tableNamed("bookings_by_service");
    if (!perDay || !perService || panel.hidden) return;  // Chart.js measures its box: draw once it is on screen
    const locale = state.lang === "hi" ? "hi-IN" : "en-IN";
    const days = cells(perDay);
    const common = { animation: false, maintainAspectRatio: false, responsive: true };
    chart("chart-per-day", {
      type: "bar",
      data: {
        labels: days.map((row) => new Date(`${row.day}T00:00:00+05:30`).toLocaleDateString(locale, { day: "numeric", month: "short", timeZone: "Asia/Kolkata" })),
        datasets: perDay.columns.filter((column) => CHANNEL_COLOURS[column.key]).map((column) => ({
          label: pick(column), data: days.map((row) => row[column.key]), backgroundColor: CHANNEL_COLOURS[column.key],
        })),
      },
      options: { ...common, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    });
    const services = cells(perService).slice(0, 12);
    chart("chart-per-service", {
      type: "bar",
      data: {
        labels: services.map((row) => (state.lang === "hi" ? row.name_hi : row.name_en)),
        datasets: [{ label: t("dashboard.month"), data: services.map((row) => row.month), backgroundColor: "#1f6f8b" }],
      },
      options: { ...common, indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  function render() {
    if (!view.report) {
      byId("dashboard-cards").replaceChildren();
      byId("dashboard-tables").replaceChildren();
      byId("dashboard-updated").textContent = "";
      return;
    }
    renderScopeChoices();
    byId("dashboard-updated").textContent = t("dashboard.updated", {
      when: formatTime(view.report.generated_at), scope: shown("district", view.report.scope),
    });
    panel.querySelectorAll("[data-i18n-label]").forEach((node) => node.setAttribute("aria-label", t(node.dataset.i18nLabel)));
    renderCards();
    renderTables();
    drawCharts();
  }

  function reset() {
    Object.values(view.charts).forEach((drawn) => drawn.destroy());
    Object.assign(view, { report: null, district: "", districts: [], charts: {} });
  }

  function start() {
    byId("dashboard-refresh").addEventListener("click", load);
    byId("dashboard-district").addEventListener("change", (event) => { view.district = event.target.value; load(); });
    byId("dashboard-xlsx").addEventListener("click", (event) => download(event.currentTarget, downloadPath("xlsx")));
    view.timer = setInterval(() => { if (state.session && state.tab === "dashboard") load(); }, REFRESH_MS);
  }

  addPanel({
    start, load, render, reset,
    text: {
      "tab.dashboard": { hi: "डैशबोर्ड", en: "Dashboard" },
      "dashboard.title": { hi: "कार्यक्रम के आँकड़े", en: "Programme figures" },
      "dashboard.scope": { hi: "क्षेत्र", en: "Area" },
      "dashboard.state": { hi: "पूरा राज्य", en: "Whole state" },
      "dashboard.updated": {
        hi: "{scope} · {when} पर अपडेट; हर मिनट अपने-आप ताज़ा होता है। दिन और महीने भारत के समय से गिने जाते हैं।",
        en: "{scope} · updated {when}; refreshes every minute. Days and months are counted in India time.",
      },
      "dashboard.per_day": { hi: "पिछले 30 दिनों में रोज़ की बुकिंग (चैनल के अनुसार)", en: "Bookings per day, last 30 days (by channel)" },
      "dashboard.per_service": { hi: "इस महीने सेवा के अनुसार बुकिंग", en: "Bookings this month by service" },
      "dashboard.month": { hi: "इस महीने की बुकिंग", en: "Bookings this month" },
      "dashboard.csv": { hi: "CSV डाउनलोड", en: "Download CSV" },
      "dashboard.xlsx_one": { hi: "Excel डाउनलोड", en: "Download Excel" },
      "dashboard.xlsx": { hi: "सभी आँकड़े Excel में", en: "All figures as Excel" },
      "dashboard.downloaded": { hi: "{name} डाउनलोड हुई।", en: "{name} was downloaded." },
      "dashboard.numbers": { hi: "हर दिन के आँकड़े देखें", en: "Show each day's numbers" },
    },
  });
})();
