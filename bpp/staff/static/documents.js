// A worker's onboarding documents, in her card on the workers tab (admins and her district's officer): the
// police verification certificate and ID proof, uploaded as PDF, JPEG or PNG (the server checks the content
// and the size), each shown with who uploaded it and its SHA-256, downloadable. Both are needed before the
// last verification step. Uses the console's helpers (console.js).
"use strict";

(() => {
  const MANAGERS = ["admin", "district_officer"];
  const view = { workerId: null, list: null };

  const section = el("div", { id: "worker-documents", "data-roles": MANAGERS.join(" ") },
    el("h4", { "data-i18n": "documents.title" }),
    el("p", { class: "hint", "data-i18n": "documents.hint" }),
    el("div", { class: "msg", "data-msg": "documents", role: "status", hidden: true }),
    el("div", { class: "table-wrap" }, el("table", { class: "grid", id: "documents-table" },
      el("thead", {}, el("tr", {}, ["documents.kind", "documents.on_file", "documents.checksum", "actions"]
        .map((key) => el("th", { "data-i18n": key })))),
      el("tbody"))));
  const steps = document.getElementById("worker-steps");
  steps.parentElement.insertBefore(section, steps.previousElementSibling);  // above the verification steps

  function human(size) {
    return size >= 1_000_000 ? `${(size / 1_000_000).toFixed(1).replace(/\.0$/, "")} MB` : `${Math.round(size / 1_000)} KB`;
  }

  async function refresh(workerId) {
    await act("documents", async () => {
      view.list = await api("GET", `/workers/${encodeURIComponent(workerId)}/documents`);
      view.workerId = workerId;
      render();
    });
  }

  async function upload(kind, input, button) {
    const file = input.files[0];
    const workerId = view.workerId;
    if (!file) {
      say("documents", { tone: "error", ...both("documents.choose"), errors: [] });
      return;
    }
    if (file.size > view.list.max_bytes) {  // the server refuses it too; this spares sending it
      say("documents", { tone: "error", ...both("documents.too_large", { limit: human(view.list.max_bytes) }), errors: [] });
      return;
    }
    await act("documents", async () => {
      const query = `?filename=${encodeURIComponent(file.name)}`;
      const saved = await sendFile(`/workers/${encodeURIComponent(workerId)}/documents/${kind}`, file, file.type, query);
      await refresh(workerId);
      say("documents", ok("documents.uploaded", { name: saved.file_name, kind: both(`documents.kind_${kind}`) }));
    }, button);
  }

  async function download(record, button) {
    await act("documents", async () => {
      await downloadFile(`/workers/${encodeURIComponent(view.workerId)}/documents/${encodeURIComponent(record.id)}`, record.file_name);
    }, button);
  }

  function row(required) {
    const latest = view.list.documents.find((record) => record.kind === required.kind);
    const input = el("input", {
      type: "file", accept: ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png", name: required.kind,
      "aria-label": pick(required),
    });
    const uploadButton = el("button", {
      type: "button", "data-upload": required.kind, text: t("documents.upload"),
      onclick: (event) => upload(required.kind, input, event.currentTarget),
    });
    return el("tr", { "data-kind": required.kind },
      el("td", { text: pick(required) }),
      el("td", { class: "on-file" }, latest
        ? `${latest.file_name} · ${human(latest.size_bytes)} · ${formatTime(latest.uploaded_at)} · ${latest.uploaded_by}`
        : el("span", { class: "badge late", text: t("documents.missing") })),
      el("td", {}, latest ? el("code", { title: latest.sha256, text: latest.sha256.slice(0, 12) }) : ""),
      el("td", {}, el("div", { class: "row-actions" },
        latest ? el("button", {
          type: "button", class: "secondary", "data-download": required.kind, text: t("documents.download"),
          onclick: (event) => download(latest, event.currentTarget),
        }) : null,
        input, uploadButton)));
  }

  function render() {
    const tbody = byId("documents-table").tBodies[0];
    tbody.replaceChildren(...(view.list ? view.list.required.map(row) : []));
  }

  function workerShown(worker) {
    if (!MANAGERS.includes(role())) return;
    if (worker.id !== view.workerId) {
      view.list = null;
      say("documents", null);
      render();
      refresh(worker.id);
    } else {
      render();
    }
  }

  function reset() {
    Object.assign(view, { workerId: null, list: null });
  }

  addPanel({
    render, reset, workerShown,
    text: {
      "documents.title": { hi: "दस्तावेज़ (सत्यापन से पहले ज़रूरी)", en: "Documents (needed before verification)" },
      "documents.hint": {
        hi: "पुलिस सत्यापन प्रमाणपत्र और पहचान पत्र की स्कैन या फ़ोटो PDF, JPEG या PNG में अपलोड करें। इन्हें केवल व्यवस्थापक और इस ज़िले के अधिकारी देख सकते हैं।",
        en: "Upload a scan or photo of the police verification certificate and the ID proof as PDF, JPEG or PNG. Only admins and this district's officers can see them.",
      },
      "documents.kind": { hi: "दस्तावेज़", en: "Document" },
      "documents.on_file": { hi: "अपलोड की गई फ़ाइल", en: "File on record" },
      "documents.checksum": { hi: "SHA-256", en: "SHA-256" },
      "documents.missing": { hi: "अभी नहीं", en: "Not yet" },
      "documents.upload": { hi: "अपलोड करें", en: "Upload" },
      "documents.download": { hi: "देखें (डाउनलोड)", en: "View (download)" },
      "documents.choose": { hi: "पहले फ़ाइल चुनें।", en: "Choose a file first." },
      "documents.too_large": {
        hi: "फ़ाइल {limit} से बड़ी है। दस्तावेज़ को कम रिज़ॉल्यूशन पर स्कैन करें या छोटी PDF बनाएँ, फिर अपलोड करें।",
        en: "The file is larger than {limit}. Scan the document at a lower resolution or save a smaller PDF, then upload it again.",
      },
      "documents.uploaded": { hi: "{kind} अपलोड हुआ: {name}", en: "{kind} uploaded: {name}" },
      "documents.kind_id_proof": { hi: "पहचान पत्र", en: "ID proof" },
      "documents.kind_police_certificate": { hi: "पुलिस सत्यापन प्रमाणपत्र", en: "Police verification certificate" },
    },
  });
})();
