/**
 * The storage backends every storage test runs against. The file backend is always here; the mmap
 * backend joins when its addon is built.
 */
import { FileBackend } from '../../../../src/broker/storage/file-backend'
import { MmapBackend, loadMmapAddon } from '../../../../src/broker/storage/mmap-backend'
import type { StorageBackend } from '../../../../src/broker/storage/storage-types'

export const backends: { name: string; create: () => StorageBackend }[] = [{ name: 'file', create: () => new FileBackend() }]

// The mmap backend (native addon) joins when the addon loads; otherwise the suite says why it is skipped.
const mmap = loadMmapAddon()
if (mmap.ok) backends.push({ name: 'mmap', create: () => new MmapBackend(mmap.addon) })
else console.warn(`storage tests: mmap backend skipped (${mmap.reason})`)
