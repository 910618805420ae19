// Entry preview: filters, search, night mode and front/back, on a page that works from file://.
"use strict";

(function () {
  const NIGHT_CLASSES = ["nightMode", "night_mode"]; // Anki desktop/iOS, AnkiDroid
  const STORE_KEY = "mldeck-preview-night";
  const $ = (id) => document.getElementById(id);
  const cards = Array.from(document.querySelectorAll(".pv-card"));
  const controls = {
    source: $("pv-source"),
    difficulty: $("pv-difficulty"),
    topic: $("pv-topic"),
    search: $("pv-search"),
  };

  function cardBodies(root) {
    return Array.from(root.querySelectorAll(".pv-side"))
      .map((host) => host.shadowRoot && host.shadowRoot.querySelector(".card"))
      .filter(Boolean);
  }

  function matches(card, want, terms) {
    const d = card.dataset;
    if (want.source && !d.sources.split(" ").includes(want.source)) return false;
    if (want.difficulty && d.difficulty !== want.difficulty) return false;
    if (want.topic && !d.topics.split(" ").includes(want.topic)) return false;
    return terms.every((t) => d.search.includes(t));
  }

  function applyFilters() {
    const want = {
      source: controls.source.value,
      difficulty: controls.difficulty.value,
      topic: controls.topic.value,
    };
    const terms = controls.search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const card of cards) {
      const keep = matches(card, want, terms);
      card.hidden = !keep;
      if (keep) shown += 1;
    }
    $("pv-count").textContent = `${shown} of ${cards.length} cards`;
    $("pv-empty").hidden = shown !== 0;
  }

  function setNight(on) {
    document.body.classList.toggle("nightMode", on);
    document.body.classList.toggle("night_mode", on);
    for (const body of cardBodies(document)) {
      for (const cls of NIGHT_CLASSES) body.classList.toggle(cls, on);
    }
    const button = $("pv-night");
    button.setAttribute("aria-pressed", String(on));
    button.textContent = on ? "Light mode" : "Night mode";
    try {
      localStorage.setItem(STORE_KEY, on ? "1" : "0");
    } catch (e) {
      // storage can be disabled for file:// pages; the toggle still works
    }
  }

  function showSide(card, front) {
    card.querySelector(".pv-front").hidden = !front;
    card.querySelector(".pv-back").hidden = front;
    const flip = card.querySelector(".pv-flip");
    flip.setAttribute("aria-pressed", String(front));
    flip.textContent = front ? "Show back" : "Show front";
  }

  function initialNight() {
    let saved = null;
    try {
      saved = localStorage.getItem(STORE_KEY);
    } catch (e) {
      saved = null;
    }
    if (saved !== null) return saved === "1";
    return window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  for (const el of [controls.source, controls.difficulty, controls.topic]) {
    el.addEventListener("change", applyFilters);
  }
  controls.search.addEventListener("input", applyFilters);
  document.querySelector(".pv-controls").addEventListener("submit", (e) => e.preventDefault());
  $("pv-night").addEventListener("click", () => setNight(!document.body.classList.contains("nightMode")));
  $("pv-sides").addEventListener("click", (e) => {
    const fronts = e.currentTarget.getAttribute("aria-pressed") !== "true";
    e.currentTarget.setAttribute("aria-pressed", String(fronts));
    e.currentTarget.textContent = fronts ? "Show backs" : "Show fronts";
    for (const card of cards) showSide(card, fronts);
  });
  document.getElementById("pv-cards").addEventListener("click", (e) => {
    const target = e.target.closest("button");
    if (!target) return;
    const card = target.closest(".pv-card");
    if (target.classList.contains("pv-flip")) {
      showSide(card, card.querySelector(".pv-front").hidden);
    } else if (target.classList.contains("pv-topic")) {
      controls.topic.value = target.dataset.topic;
      applyFilters();
      window.scrollTo(0, 0);
    }
  });

  setNight(initialNight());
  applyFilters();
})();
