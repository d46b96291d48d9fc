/**
 * `brokerlab serve`, run in-process through runCli: a clear message when the app is not built,
 * and (with a build) the URL printed, the app served, and a clean stop on the stop signal.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/cli/main'
import type { CliIo } from '../../../src/cli/cli-context'

const ROOT = path.resolve(__dirname, '../../..')
let dir: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-serve-'))
})
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

function io(root: string): { io: CliIo; out: string[]; err: string[]; stop: () => void } {
  const out: string[] = []
  const err: string[] = []
  let stop = () => {}
  const stopSignal = new Promise<void>((res) => (stop = res))
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { isTTY: false, write: (t: string) => err.push(t) }, env: {}, root, stopSignal },
    out,
    err,
    stop
  }
}

describe('brokerlab serve', { timeout: 60_000 }, () => {
  it('explains that browser mode needs `npm run build` when the renderer is not built', async () => {
    const t = io(dir)
    const code = await runCli(['serve', '--port', '0', '--data-dir', path.join(dir, 'data')], t.io)
    expect(code).toBe(1)
    expect(t.err.join('')).toMatch(/out\/renderer\/index\.html does not exist\. Run `npm run build` first/)
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false)
  })

  it.skipIf(!fs.existsSync(path.join(ROOT, 'out/renderer/index.html')))(
    'prints the URL, serves the built app and stops cleanly on the stop signal',
    async () => {
      const t = io(ROOT)
      const running = runCli(['serve', '--port', '0', '--data-dir', path.join(dir, 'data')], t.io)
      const until = Date.now() + 30_000
      while (!t.out.join('').includes('http://') && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(t.out.join(''))?.[0]
      expect(url).toBeDefined()
      const page = await fetch(url!)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/)
      t.stop()
      expect(await running).toBe(0)
      await expect(fetch(url!)).rejects.toThrow()
    }
  )
})
