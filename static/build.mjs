// Front-end build: `npm run build` (Node 20, no bundler).
//
// static/scss/main.scss -> static/build/main.css (GOV.UK Frontend + Luton 2040 brand),
// GOV.UK Frontend's JavaScript and images copied beside it, and our own small scripts from
// static/js/. static/build/ is generated and git-ignored; Django's staticfiles (whitenoise's
// manifest storage in production) serves and fingerprints it.

import { cp, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as sass from "sass";

const staticDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(staticDir);
const target = join(staticDir, "build");
// Built beside the target, then swapped in: a test run or dev server reading static/build
// while someone rebuilds never sees a half-empty directory. Dot-prefixed so staticfiles
// ignores it.
const out = join(staticDir, `.build-${process.pid}`);
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

async function buildCss() {
  const result = await sass.compileAsync(join(staticDir, "scss", "main.scss"), {
    style: "compressed",
    sourceMap: false,
    importers: [new sass.NodePackageImporter(root)],
    // GOV.UK Frontend 5 still uses @import internally; its deprecation warnings are not ours
    // to fix, and would bury any warning from our own code.
    quietDeps: true,
    silenceDeprecations: ["import", "global-builtin", "slash-div", "if-function"],
  });
  await writeFile(join(out, "main.css"), result.css);
}

async function copyAssets() {
  await cp(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
  // Fonts are deliberately not copied: the portal uses the system font stack.
  await cp(join(govuk, "assets", "images"), join(out, "assets", "images"), { recursive: true });
  const jsDir = join(staticDir, "js");
  const scripts = (await readdir(jsDir).catch(() => [])).filter((name) => name.endsWith(".js") || name.endsWith(".mjs"));
  for (const name of scripts) {
    await cp(join(jsDir, name), join(out, name));
  }
}

async function main() {
  // Build from empty so a renamed or removed source never leaves a stale built file behind.
  await mkdir(out, { recursive: true });
  await Promise.all([buildCss(), copyAssets()]);
  const old = join(staticDir, `.build-old-${process.pid}`);
  await rename(target, old).catch((error) => {
    if (error.code !== "ENOENT") throw error;
  });
  await rename(out, target);
  await rm(old, { recursive: true, force: true });
  console.log(`Built front-end assets into ${target}`);
}

main().catch(async (error) => {
  await rm(out, { recursive: true, force: true });
  console.error(error);
  process.exitCode = 1;
});
