/**
 * One way to bundle a TypeScript entry of this checkout for plain Node, as electron-vite bundles the
 * engine worker the app runs: esbuild (the version tsx brings and transforms with), every import of
 * the checkout in one CommonJS file, node_modules packages external (required at run time from the
 * bundle's own directory, so put it under the checkout whose node_modules and native addon it must
 * find). Used by bin/brokerlab.mjs (the CLI bundle), tests/unit/support/bundled-entry.ts (test
 * children and workers) and tests/bench/engine.bench.ts (the benchmark workloads).
 *
 * Must stay true: a bundle is written whole or not at all (a temp file beside it, renamed over it;
 * removed when the build fails), so a concurrent reader never loads half a file.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'

// Resolved at the first build, not at import: test children bundle this module (through
// tests/unit/support/bundled-entry.ts) as CommonJS, where import.meta.url is undefined, and never build.
let esbuild

/**
 * Bundles `entry` (absolute path) into `outfile` (absolute path; its directory is created).
 * `tmpSuffix` names the temp file: unique per concurrent writer (default the process id).
 * @throws Error with esbuild's message when the entry does not compile.
 */
export function buildNodeBundle(entry, outfile, tmpSuffix = String(process.pid)) {
  esbuild ??= createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))('esbuild')
  mkdirSync(dirname(outfile), { recursive: true })
  const tmp = `${outfile}.${tmpSuffix}.tmp`
  try {
    esbuild.buildSync({
      entryPoints: [entry],
      outfile: tmp,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      logLevel: 'error' // sources' import.meta fallbacks are dead code in CJS (their __dirname branch runs)
    })
    renameSync(tmp, outfile)
  } finally {
    rmSync(tmp, { force: true })
  }
}
