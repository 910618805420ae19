// TeX check for `make lint` and the build (mldeck/tex/mathjax.py): MathJax 3.2.2, the TeX input
// Anki's reviewer loads (tex-chtml.js plus mathtools), parses every formula of the deck in one
// run. stdin: JSON [{"tex": "...", "display": true|false}, ...]; stdout: JSON [null | "message"].
// Unlike Anki, which renders errors in red (noerrors) and unknown macros as red text
// (noundefined), both are reported here: what Anki would show as an error is an error.
// Only the parse runs: every TeX error is thrown by the parser, and the input jax's post
// filters (sub/sup and stretchy clean-up, inherited attributes, relation merging) only rewrite a
// tree that parsed; MathML is never serialised. That halves the time per formula (about 0.4 ms),
// which the 10,000-card benchmark sees. tests/test_tex.py checks that errors are still found.
"use strict";
const fs = require("fs");
const path = require("path");

const formulas = JSON.parse(fs.readFileSync(0, "utf8"));
require("mathjax")
  .init({
    loader: {
      load: ["input/tex", "[tex]/mathtools"],
      paths: { mathjax: path.join(__dirname, "node_modules", "mathjax", "es5") },
    },
    tex: {
      packages: { "[+]": ["mathtools"], "[-]": ["noundefined", "noerrors", "textmacros"] },
      formatError: (jax, err) => {
        throw err;
      },
    },
    startup: { typeset: false },
  })
  .then(async (MathJax) => {
    const jax = MathJax.startup.input[0];
    for (const filter of Array.from(jax.postFilters)) jax.postFilters.remove(filter.item);
    const COMPILED = MathJax._.core.MathItem.STATE.COMPILED;
    const out = [];
    for (const { tex, display } of formulas) {
      MathJax.texReset(); // labels and equation numbers: each formula on its own, as on a card
      try {
        // like tex2mmlPromise: a package a formula loads on demand (autoload) is awaited
        await MathJax._.mathjax.mathjax.handleRetriesFor(() =>
          MathJax.startup.document.convert(String(tex), { display: Boolean(display), format: "TeX", end: COMPILED }),
        );
        out.push(null);
      } catch (err) {
        out.push(String((err && err.message) || err).split("\n")[0].slice(0, 300));
      }
    }
    process.stdout.write(JSON.stringify(out));
  })
  .catch((err) => {
    process.stderr.write(`MathJax failed to start: ${err && err.message}\n`);
    process.exit(2);
  });
