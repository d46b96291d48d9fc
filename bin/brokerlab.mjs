#!/usr/bin/env node
/**
 * The `brokerlab` command. Runs src/cli/main.ts from the checkout, no build step needed: from a
 * bundle of its sources (esbuild, the one tsx brings; every import of the checkout in one CommonJS
 * file, node_modules packages external) kept in `.tmp/cli-bundle/` and rebuilt when a file or
 * directory under src/ is newer than it, so a command starts in a fraction of a second and the
 * engine it runs (`brokerlab start`) runs as bundled code, as in the app, instead of through tsx's
 * per-module loader. When the bundle cannot be built it falls back to tsx (saying why on stderr).
 * Browser mode (`serve`) additionally needs the built app (`npm run build`).
 *
 * Must stay true: the bundle is never older than the sources it was built from (a rebuild writes a
 * per-process temp file and renames it over the bundle, so concurrent commands never load half a
 * file); it lives under the checkout, so the code in it finds the checkout's node_modules and native
 * addon from its own directory.
 */
import { createRequire } from 'node:module'
import { readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildNodeBundle } from '../scripts/node-bundle.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

/** The newest modification time (ms) of `dir` and everything under it. */
function newestMtime(dir) {
  let newest = statSync(dir).mtimeMs
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

/** The CLI bundle's path, rebuilt first when src/ changed since it was built. @throws when esbuild fails. */
function cliBundle() {
  const out = join(root, '.tmp', 'cli-bundle', 'main.cjs')
  let built = -1
  try {
    built = statSync(out).mtimeMs
  } catch {
    // not built yet
  }
  if (built >= newestMtime(join(root, 'src'))) return out
  buildNodeBundle(join(root, 'src/cli/main.ts'), out)
  return out
}

let runCli
try {
  ;({ runCli } = require(cliBundle()))
} catch (e) {
  process.stderr.write(`brokerlab: running from the TypeScript sources through tsx (the CLI bundle could not be built or loaded: ${e.message})\n`)
  const { register } = await import('tsx/cjs/api')
  register()
  ;({ runCli } = require(resolve(root, 'src/cli/main.ts')))
}

let stop
const stopSignal = new Promise((res) => (stop = res))
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => stop())

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  root,
  stopSignal,
  stdin: process.stdin
})
// Let stdout drain, then exit (workers or timers must not keep a finished command alive).
process.stdout.write('', () => process.exit(code))
