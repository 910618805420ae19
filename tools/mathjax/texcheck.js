// TeX check for `make lint` and the build (mldeck/tex/mathjax.py): MathJax 3.2.2, the TeX input
// Anki's reviewer loads (tex-chtml.js plus mathtools), parses every formula of the deck in one
// run. stdin: JSON [{"tex": "...", "display": true|false}, ...]; stdout: JSON [null | "message"].
// Unlike Anki, which renders errors in red (noerrors) and unknown macros as red text
// (noundefined), both are reported here: what Anki would show as an error is an error.
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
    const out = [];
    for (const { tex, display } of formulas) {
      MathJax.texReset(); // labels and equation numbers: each formula on its own, as on a card
      try {
        await MathJax.tex2mmlPromise(String(tex), { display: Boolean(display) });
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
