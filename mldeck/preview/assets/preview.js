// Card preview: filters with counts that follow each other, search, the filter state in the
// URL (#source=…&difficulty=…&topic=…&q=…), night mode, front/back, and MathJax inside each
// card's shadow root. Works from file:// with no network.
"use strict";

(function () {
  const NIGHT_CLASSES = ["nightMode", "night_mode"]; // Anki desktop/iOS, AnkiDroid
  const STORE_KEY = "mldeck-preview-night";
  const $ = (id) => document.getElementById(id);
  const cards = Array.from(document.querySelectorAll(".pv-card"));
  const selects = { source: $("pv-source"), difficulty: $("pv-difficulty"), topic: $("pv-topic") };
  const search = $("pv-search");
  const words = (s) => (s || "").split(" ").filter(Boolean);
  const facts = cards.map((card) => ({
    card,
    source: words(card.dataset.sources),
    difficulty: words(card.dataset.difficulty),
    topic: words(card.dataset.topics),
    text: card.dataset.search,
  }));

  function wanted() {
    const want = {};
    for (const key of Object.keys(selects)) want[key] = selects[key].value;
    want.q = search.value;
    return want;
  }

  // Does a card pass every filter (but `skip`, whose own options are being counted)?
  function keeps(fact, want, terms, skip) {
    for (const key of Object.keys(selects)) {
      if (key !== skip && want[key] && !fact[key].includes(want[key])) return false;
    }
    return terms.every((t) => fact.text.includes(t));
  }

  // Each option's count: the cards that would show if it were chosen, the other filters kept.
  function updateCounts(want, terms) {
    for (const key of Object.keys(selects)) {
      const counts = new Map();
      let all = 0;
      for (const fact of facts) {
        if (!keeps(fact, want, terms, key)) continue;
        all += 1;
        for (const value of fact[key]) counts.set(value, (counts.get(value) || 0) + 1);
      }
      for (const option of selects[key].options) {
        const n = option.value ? counts.get(option.value) || 0 : all;
        option.textContent = `${option.dataset.label} (${n})`;
      }
    }
  }

  function writeUrl(want) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(want)) if (value.trim()) params.set(key, value.trim());
    const hash = params.toString();
    const url = hash ? `#${hash}` : location.pathname + location.search;
    try {
      history.replaceState(null, "", url);
    } catch (e) {
      location.replace(hash ? `#${hash}` : "#");
    }
  }

  // The filters from the URL's hash; a card anchor (#card-…) is left to the browser.
  function readUrl() {
    const raw = location.hash.slice(1);
    if (raw.startsWith("card-")) return false;
    const params = new URLSearchParams(raw);
    for (const [key, select] of Object.entries(selects)) {
      const value = params.get(key) || "";
      select.value = Array.from(select.options).some((o) => o.value === value) ? value : "";
    }
    search.value = params.get("q") || "";
    return true;
  }

  function applyFilters(fromUser) {
    const want = wanted();
    const terms = want.q.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const fact of facts) {
      const keep = keeps(fact, want, terms, null);
      fact.card.hidden = !keep;
      if (keep) shown += 1;
    }
    $("pv-count").textContent = `${shown} of ${cards.length} cards`;
    $("pv-shown").textContent = shown === cards.length ? String(shown) : `${shown}/${cards.length}`;
    $("pv-empty").hidden = shown !== 0;
    updateCounts(want, terms);
    if (fromUser) writeUrl(want);
    typesetShown();
  }

  function cardBodies(root) {
    return Array.from(root.querySelectorAll(".pv-side"))
      .map((host) => host.shadowRoot && host.shadowRoot.querySelector(".card"))
      .filter(Boolean);
  }

  function setNight(on) {
    document.body.classList.toggle("nightMode", on);
    document.body.classList.toggle("night_mode", on);
    for (const body of cardBodies(document)) {
      for (const cls of NIGHT_CLASSES) body.classList.toggle(cls, on);
    }
    const button = $("pv-night");
    button.setAttribute("aria-pressed", String(on));
    button.textContent = on ? "Light" : "Night";
    try {
      localStorage.setItem(STORE_KEY, on ? "1" : "0");
    } catch (e) {
      // storage can be disabled for file:// pages; the toggle still works
    }
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

  // Turn a card to its front or back; the caller typesets what is newly shown (once for many).
  function showSide(card, front) {
    card.querySelector(".pv-front").hidden = !front;
    card.querySelector(".pv-back").hidden = front;
    const flip = card.querySelector(".pv-flip");
    flip.setAttribute("aria-pressed", String(front));
    flip.textContent = front ? "Show back" : "Show front";
  }

  // MathJax's CHTML rules live in the page's <head>, which shadow roots do not see: every root
  // adopts one shared copy of them, before typesetting (MathJax measures with them) and after
  // (each new glyph adds a rule). Only shown sides are typeset, as they come into view: MathJax
  // sizes formulas from the text around them, which a hidden side does not have. Inside a shown
  // side, closed folds are typeset too, as Anki does.
  const typeset = new WeakSet();
  const sheet = new CSSStyleSheet();
  let queue = Promise.resolve();
  let pending = 0;

  // The shared sheet is replaced only when MathJax has added rules: every root restyles after
  // a replace, which on a page of hundreds of cards costs far more than the comparison.
  let copied = "";

  function copyRules(mj) {
    const style = mj.chtmlStylesheet(); // attached first, so MathJax adds each glyph's rule to it
    if (!style.isConnected) document.head.appendChild(style);
    const text = Array.from(style.sheet.cssRules, (rule) => rule.cssText).join("\n");
    if (text === copied) return;
    sheet.replaceSync(text);
    copied = text;
  }

  function typesetShown() {
    const mj = window.MathJax;
    if (!mj || !mj.startup || !mj.startup.promise) return;
    const roots = Array.from(document.querySelectorAll(".pv-card:not([hidden]) .pv-side:not([hidden])"))
      .map((host) => host.shadowRoot)
      .filter((root) => root && !typeset.has(root));
    if (!roots.length) return;
    for (const root of roots) typeset.add(root);
    pending += 1;
    document.body.dataset.mathDone = "no";
    queue = queue
      .then(() => mj.startup.promise)
      .then(() => {
        copyRules(mj);
        for (const root of roots) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
        return mj.typesetPromise(roots.map((root) => root.querySelector(".card")));
      })
      .then(() => copyRules(mj))
      .catch((error) => console.error("MathJax:", error))
      .finally(() => {
        pending -= 1;
        if (!pending) document.body.dataset.mathDone = "yes";
      });
  }

  for (const select of Object.values(selects)) select.addEventListener("change", () => applyFilters(true));
  search.addEventListener("input", () => applyFilters(true));
  $("pv-controls").addEventListener("submit", (e) => e.preventDefault());
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") e.preventDefault();
  });
  window.addEventListener("hashchange", () => {
    if (readUrl()) {
      applyFilters(false);
      return;
    }
    const target = document.getElementById(location.hash.slice(1)); // a card anchor: show that card
    if (target && target.hidden) {
      for (const select of Object.values(selects)) select.value = "";
      search.value = "";
      applyFilters(false);
      target.scrollIntoView();
    }
  });
  $("pv-night").addEventListener("click", () => setNight(!document.body.classList.contains("nightMode")));
  $("pv-more").addEventListener("click", (e) => {
    const open = document.body.classList.toggle("pv-open");
    e.currentTarget.setAttribute("aria-expanded", String(open));
  });
  $("pv-sides").addEventListener("click", (e) => {
    const fronts = e.currentTarget.getAttribute("aria-pressed") !== "true";
    e.currentTarget.setAttribute("aria-pressed", String(fronts));
    e.currentTarget.textContent = fronts ? "Show backs" : "Show fronts";
    for (const card of cards) showSide(card, fronts);
    typesetShown();
  });
  $("pv-cards").addEventListener("click", (e) => {
    const target = e.target.closest("button");
    if (!target) return;
    const card = target.closest(".pv-card");
    if (target.classList.contains("pv-flip")) {
      showSide(card, card.querySelector(".pv-front").hidden);
      typesetShown();
    } else if (target.classList.contains("pv-topic")) {
      selects.topic.value = target.dataset.topic;
      applyFilters(true);
      window.scrollTo(0, 0);
    }
  });

  setNight(initialNight());
  readUrl();
  applyFilters(false);
})();
