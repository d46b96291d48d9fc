/**
 * The brokers' Kafka listeners in the overview, in Chromium: a `brokerlab serve` of its own whose
 * broker 2 finds its port in use shows each broker at its bound address and broker 2 marked
 * "listener down: port N in use", the full reason (which broker, which port, how to change it) in
 * the tooltip and in the Connect a client card, while brokers 1 and 3 accept TCP connections. Screenshot
 * docs/screenshots/broker-listener-down.png.
 */
import { test, expect } from '@playwright/test'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort, startServe } from './serve-process'

const shots = resolve(__dirname, '../../docs/screenshots')

function listen(port: number): Promise<net.Server> {
  return new Promise((res, rej) => {
    const s = net.createServer()
    s.once('error', rej)
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => res(s))
  })
}

/** A base port whose next port is held by another server (the ports base and base+2 were free). */
async function baseWithSecondTaken(): Promise<{ base: number; blocker: net.Server }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = await listen(0)
    const base = (first.address() as net.AddressInfo).port
    await new Promise((r) => first.close(r))
    try {
      const third = await listen(base + 2)
      await new Promise((r) => third.close(r))
      return { base, blocker: await listen(base + 1) }
    } catch {
      /* try other ports */
    }
  }
  throw new Error('no free ports found')
}

function connectOk(port: number): Promise<void> {
  return new Promise((res, rej) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy()
      res()
    })
    s.once('error', rej)
  })
}

test('the overview shows the bound addresses and a broker whose port is in use as listener down', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brokerlab-e2e-listeners-'))
  const { base, blocker } = await baseWithSecondTaken()
  const serve = await startServe({ dataDir, port: await freePort(), brokerPort: base })
  try {
    expect(serve.bootstrap).toBe(`127.0.0.1:${base},127.0.0.1:${base + 2}`)
    await connectOk(base)
    await connectOk(base + 2)
    await page.goto(`${serve.appUrl}#/cluster`)
    const table = page.getByTestId('broker-table')
    for (const p of [base, base + 1, base + 2]) await expect(table).toContainText(`127.0.0.1:${p}`)
    const tag = page.getByTestId('broker-listener-2')
    await expect(tag).toHaveText(`listener down: port ${base + 1} in use`)
    await expect(page.getByTestId('broker-listener-1')).toHaveCount(0)
    mkdirSync(shots, { recursive: true })
    await page.waitForTimeout(1200) // let ECharts finish its entry animation before the picture
    await page.screenshot({ path: resolve(shots, 'broker-listener-down.png'), fullPage: true })
    await tag.hover()
    const tooltip = page.locator('.n-popover__content')
    await expect(tooltip.getByText(`Broker 2 cannot listen on 127.0.0.1:${base + 1}: the port is in use (EADDRINUSE)`)).toBeVisible()
    await expect(tooltip.getByText('run `brokerlab serve --broker-port BASE` with another base port')).toBeVisible()
    // the Connect a client card names the reason and the fix too (the app's Listener base port field)
    const connectDown = page.getByTestId('connect-listeners-down')
    await expect(connectDown).toContainText(`Broker 2 cannot listen on 127.0.0.1:${base + 1}: the port is in use (EADDRINUSE)`)
    await expect(connectDown).toContainText('set another "Listener base port" in the app (Connect a client)')
  } finally {
    await serve.stop()
    await new Promise((r) => blocker.close(r))
    rmSync(dataDir, { recursive: true, force: true })
  }
})
