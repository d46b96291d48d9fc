import { spawnSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadMmapAddon } from '../../../../src/broker/storage/mmap-backend'
import { bundledEntry } from '../../support/bundled-entry'

const root = resolve(__dirname, '..', '..', '..', '..')
const mmapLoads = loadMmapAddon().ok

/**
 * Runs loadStorageBackend in a fresh Node process (the addon load and the log line are once per
 * process), with `env` added; returns what it printed: the backend name or the error, and log lines.
 * The module comes from a bundle built once per run (bundledEntry), so no tsx loader starts per child.
 */
function inChild(kind: string, env: Record<string, string>): { out: string[]; status: number | null } {
  const script = `
    const { loadStorageBackend } = require(${JSON.stringify(bundledEntry(join(root, 'src/broker/storage/storage-backend.ts')))})
    const lines = []
    try {
      const a = loadStorageBackend(${JSON.stringify(kind)}, (l) => lines.push('LOG ' + l))
      loadStorageBackend(${JSON.stringify(kind)}, (l) => lines.push('LOG ' + l))
      lines.push('BACKEND ' + a.name)
    } catch (e) {
      lines.push('ERROR ' + e.name + ' ' + e.code + ' ' + e.message)
    }
    console.log(lines.join('\\n'))
  `
  const r = spawnSync(process.execPath, ['-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env }
  })
  return { out: r.stdout.trim().split('\n'), status: r.status }
}

describe('loadStorageBackend', () => {
  it('gives the file backend when asked for it, and logs which backend runs once', () => {
    const { out } = inChild('file', {})
    expect(out.filter((l) => l.startsWith('LOG '))).toHaveLength(1)
    expect(out).toContain('BACKEND file')
    expect(out[0]).toMatch(/^LOG brokerlab storage: file backend/)
  })

  it.skipIf(!mmapLoads)('auto picks the mmap backend when the addon loads', () => {
    const { out } = inChild('auto', {})
    expect(out).toContain('BACKEND mmap')
    expect(out[0]).toMatch(/^LOG brokerlab storage: mmap backend \(native addon .*brokerlab_mmap\.node\); CRC-32C: native, /)
  })

  it('auto falls back to the file backend when the addon is missing, saying why', () => {
    const { out } = inChild('auto', { BROKERLAB_NATIVE_PATH: '/nonexistent/brokerlab_mmap.node' })
    expect(out).toContain('BACKEND file')
    expect(out[0]).toMatch(/file backend .*mmap addon unavailable: \/nonexistent\/brokerlab_mmap\.node not found .*\); CRC-32C: JavaScript slicing-by-8$/)
  })

  it('mmap refuses with a StorageError naming the addon when the addon is missing', () => {
    const { out } = inChild('mmap', { BROKERLAB_NATIVE_PATH: '/nonexistent/brokerlab_mmap.node' })
    expect(out.find((l) => l.startsWith('ERROR '))).toMatch(/^ERROR StorageError KAFKA_STORAGE_ERROR .*\/nonexistent\/brokerlab_mmap\.node/)
  })

  it('reports an addon that exists but does not load as unavailable rather than crashing', () => {
    const { out } = inChild('auto', { BROKERLAB_NATIVE_PATH: join(root, 'package.json') })
    expect(out).toContain('BACKEND file')
    expect(out[0]).toMatch(/did not load/)
  })

})
