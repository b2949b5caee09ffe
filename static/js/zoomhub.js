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
