// Copy buttons: <button data-copy="#element-id">, no library needed.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  const text = source.value ?? source.textContent;
  navigator.clipboard.writeText(text).then(() => {
    const label = button.textContent;
    button.textContent = button.dataset.copied || "Copied";
    setTimeout(() => { button.textContent = label; }, 1500);
  });
});

// Forms that ask first: <form data-confirm="Question?">. (No inline onsubmit: the CSP forbids it.)
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// Bars sized by data-width="42.5" (percent). Set through the DOM, because the CSP forbids
// inline style attributes; htmx:load also fires for content htmx swaps in.
function applyWidths(root) {
  root.querySelectorAll("[data-width]").forEach((element) => {
    element.style.width = `${Math.max(0, Math.min(100, Number(element.dataset.width) || 0))}%`;
  });
}
document.addEventListener("DOMContentLoaded", () => applyWidths(document));
document.addEventListener("htmx:load", (event) => applyWidths(event.detail.elt));

// The person picker: clicking a search result adds a ticked box for that person (once).
document.addEventListener("click", (event) => {
  const choice = event.target.closest(".picker-choice");
  if (!choice) return;
  const picker = choice.closest(".person-picker");
  const chips = picker.querySelector(".chips");
  const id = choice.dataset.personId;
  const existing = chips.querySelector(`input[value="${CSS.escape(id)}"]`);
  if (existing) {
    existing.checked = true;
  } else {
    const label = document.createElement("label");
    label.className = "chip";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = picker.dataset.pickerName;
    box.value = id;
    box.checked = true;
    label.append(box, " ", choice.dataset.personName);
    chips.append(label);
  }
  const search = picker.querySelector(".picker-search");
  search.value = "";
  picker.querySelector(".picker-results-box").replaceChildren();
  search.focus();
});

// Enter in a field that belongs to a small inline form clicks its button instead of sending the page's form.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  const target = event.target.closest("[data-enter-clicks], .picker-search");
  if (!target) return;
  event.preventDefault();
  if (target.dataset.enterClicks) document.querySelector(target.dataset.enterClicks)?.click();
});

// The lesson form: choosing a teacher with a linked Zoom user picks that user as the host.
document.addEventListener("change", (event) => {
  if (event.target.id !== "id_teacher") return;
  const map = document.getElementById("teacher-hosts");
  const host = document.getElementById("id_host");
  if (!map || !host || host.disabled) return;
  const hostId = JSON.parse(map.textContent)[event.target.value];
  if (hostId) host.value = String(hostId);
});

// The phone menu: the navigation folds behind one button on narrow screens.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("#menu-toggle");
  if (!toggle) return;
  const open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(open));
  document.getElementById("main-nav")?.classList.toggle("open", open);
});

// The lesson form: the webinar-only fieldset (panelists, registration) shows only when the kind is
// "webinar". Without this script it always shows; the server ignores its fields for lessons.
function toggleWebinarFields() {
  const fieldset = document.getElementById("webinar-fields");
  if (!fieldset) return;
  const chosen = document.querySelector("#lesson-form input[name=kind]:checked");
  fieldset.hidden = !chosen || chosen.value !== "webinar";
}
document.addEventListener("DOMContentLoaded", toggleWebinarFields);
document.addEventListener("change", (event) => {
  if (event.target.name === "kind" && event.target.closest("#lesson-form")) toggleWebinarFields();
});
