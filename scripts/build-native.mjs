// Builds the optional memory-mapped storage addon (native/). Never fails the install: when the addon
// cannot be built, the engine falls back to positional file I/O and logs which backend it runs.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const nativeDir = join(root, 'native')
if (!existsSync(join(nativeDir, 'binding.gyp'))) process.exit(0)
if (process.env.BROKERLAB_SKIP_NATIVE === '1') {
  console.log('brokerlab: BROKERLAB_SKIP_NATIVE=1, skipping the mmap addon (file I/O backend will be used)')
  process.exit(0)
}
let gyp
try {
  gyp = join(dirname(fileURLToPath(import.meta.resolve('node-gyp/package.json'))), 'bin', 'node-gyp.js')
} catch {
  console.log('brokerlab: node-gyp not installed; skipping the mmap addon (file I/O backend will be used)')
  process.exit(0)
}
const r = spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: nativeDir, stdio: 'inherit' })
if (r.status !== 0) {
  console.log('brokerlab: the mmap addon did not build; the engine will use the file I/O backend')
}
process.exit(0)
