/**
 * Browser mode's connection, in Chromium: the page takes the run's token from the URL serve printed,
 * keeps it and takes it out of the address bar, and a page opened without it is refused; a request
 * made while the host is down fails with DISCONNECTED and is not sent after the page reconnects
 * (this one runs its own `brokerlab serve` on its own data dir and port, stopped and started again).
 */
import { test, expect } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newWebToken } from '../../src/host/web-token'
import { baseUrl, cli, contractRequest, freePort, type ServeProcess, startServe } from './serve-process'

test('the page keeps the token of the printed URL out of the address bar, and a page without it is refused', async ({ page, browser }) => {
  const printed = new URL(baseUrl())
  expect(printed.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/)
  await page.goto(`${baseUrl()}#/topics`)
  await expect(page.getByTestId('status-connection')).toContainText('open')
  expect(page.url()).toBe(`${printed.origin}/#/topics`)
  // A reload (no token in the URL any more) uses the kept one.
  await page.reload()
  await expect(page.getByTestId('status-connection')).toContainText('open')
  await expect(page.getByTestId('topic-table')).toContainText('flights')

  // Another tab of a fresh browser, opened without the token: the host refuses its WebSocket.
  const context = await browser.newContext()
  try {
    const stranger = await context.newPage()
    const refused = stranger.waitForEvent('websocket').then((ws) => new Promise<void>((res) => ws.once('close', () => res())))
    await stranger.goto(`${printed.origin}/#/topics`)
    await refused
    const badge = stranger.getByTestId('status-connection')
    await expect(badge).not.toContainText('open')
    await expect(badge).toHaveAttribute('title', /opened without its token: open the URL `brokerlab serve` printed/)
  } finally {
    await context.close()
  }
})

test('a topic created while the host is down fails with DISCONNECTED and does not exist after the page reconnects', async ({ page }) => {
  const TOPIC = 'created-while-down'
  const AFTER = 'created-after-reconnect'
  const dataDir = mkdtempSync(join(tmpdir(), 'brokerlab-e2e-reconnect-'))
  const port = await freePort()
  // The same token across the restart, so the open page may reconnect (a new run would need its new URL).
  const token = newWebToken()
  let serve: ServeProcess | null = await startServe({ dataDir, port, token })
  try {
    await page.goto(`${serve.appUrl}#/topics`)
    const badge = page.getByTestId('status-connection')
    await expect(badge).toContainText('open')
    // Open the dialog once while connected, so Kafka's defaults are loaded.
    await page.getByTestId('topic-create-open').click()
    await expect(page.getByTestId('topic-create-dialog')).toBeVisible()
    await page.getByTestId('topic-create-cancel').click()
    await expect(page.getByTestId('topic-create-dialog')).toBeHidden()

    await serve.stop()
    serve = null
    await expect(badge).not.toContainText('open')
    await page.getByTestId('topic-create-open').click()
    await page.getByTestId('topic-create-name').fill(TOPIC)
    await page.getByTestId('topic-create-submit').click()
    await expect(page.getByTestId('topic-create-error')).toContainText('DISCONNECTED')
    await expect(page.getByTestId('topic-create-error')).toContainText('the request was not sent')
    await page.getByTestId('topic-create-cancel').click()

    serve = await startServe({ dataDir, port, token })
    await expect(badge).toContainText('open', { timeout: 20_000 })
    // A request on the page's new connection, answered after anything the page would have replayed on it.
    await page.getByTestId('topic-create-open').click()
    await page.getByTestId('topic-create-name').fill(AFTER)
    await page.getByTestId('topic-create-partitions').fill('1')
    await page.getByTestId('topic-create-submit').click()
    await expect(page.getByTestId('topic-create-dialog')).toBeHidden()
    await expect(page.getByTestId('topic-table')).toContainText(AFTER)
    await expect(page.getByTestId('topic-table')).not.toContainText(TOPIC)
    const topics = ((await contractRequest(serve.wsUrl, 'topic/list', {})) as { name: string }[]).map((t) => t.name)
    expect(topics).toContain(AFTER)
    expect(topics).not.toContain(TOPIC)
    await serve.stop()
    serve = null
    // And on disk, through the CLI.
    const onDisk = cli(['topic', 'list'], dataDir)
    expect(onDisk).toContain(AFTER)
    expect(onDisk).not.toContain(TOPIC)
  } finally {
    await serve?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
})
