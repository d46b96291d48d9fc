#!/usr/bin/env node
/**
 * The `brokerlab` command. Registers tsx so the TypeScript sources run directly from the checkout
 * (no build step needed for the CLI), then runs src/cli/main.ts and exits with its code.
 * Browser mode (`serve`) additionally needs the built app (`npm run build`).
 */
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/cjs/api'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
register()
const require = createRequire(import.meta.url)
const { runCli } = require(resolve(root, 'src/cli/main.ts'))

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
