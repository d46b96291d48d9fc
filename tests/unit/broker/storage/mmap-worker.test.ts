import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadMmapAddon } from '../../../../src/broker/storage/mmap-backend'

const load = loadMmapAddon()
if (!load.ok) console.warn(`skipping mmap worker tests: ${load.reason}`)

// Plain JS run in a worker thread: loads the addon by path, writes a file through a mapping, reads
// it back, and reports. Leaves one mapping open on purpose when `leaveOpen` (teardown must clean up).
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads')
const addon = require(workerData.addonPath)
const f = new addon.MappedFile(workerData.file, true, 0)
const text = Buffer.from('written by worker ' + workerData.id)
f.write(0, text)
f.write(1024 * 1024, Buffer.from('!'))
const back = f.read(0, text.length).toString()
f.truncate(text.length)
f.close()
if (workerData.leaveOpen) new addon.MappedFile(workerData.file + '.open', true, 4096).write(0, Buffer.from('x'))
parentPort.postMessage({ back, page: addon.pageSize })
`

function runWorker(addonPath: string, file: string, id: number, leaveOpen = false): Promise<{ back: string; page: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerSource, { eval: true, workerData: { addonPath, file, id, leaveOpen } })
    w.once('message', (m) => {
      void w.terminate().then(() => resolve(m as { back: string; page: number }))
    })
    w.once('error', reject)
  })
}

describe.skipIf(!load.ok)('the mmap addon in worker threads', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'brokerlab-mmap-worker-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('loads in several worker threads at once, alongside the main thread (context-aware)', async () => {
    if (!load.ok) return
    const addonPath = load.path
    const mainFile = new load.addon.MappedFile(join(dir, 'main.log'), true, 0)
    mainFile.write(0, Buffer.from('main'))
    const results = await Promise.all([1, 2, 3].map((id) => runWorker(addonPath, join(dir, `w${id}.log`), id)))
    expect(results.map((r) => r.back)).toEqual(['written by worker 1', 'written by worker 2', 'written by worker 3'])
    for (const id of [1, 2, 3]) expect(readFileSync(join(dir, `w${id}.log`), 'utf8')).toBe(`written by worker ${id}`)
    expect(mainFile.read(0, 4).toString()).toBe('main')
    mainFile.close()
  })

  it('survives a worker terminated with a mapping still open, and loads again in a new worker', async () => {
    if (!load.ok) return
    const first = await runWorker(load.path, join(dir, 'a.log'), 1, true)
    expect(first.back).toBe('written by worker 1')
    const second = await runWorker(load.path, join(dir, 'b.log'), 2)
    expect(second.back).toBe('written by worker 2')
    expect(second.page).toBeGreaterThan(0)
  })
})
