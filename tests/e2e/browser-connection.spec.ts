/**
 * Browser mode's connection, in Chromium: the page takes the run's token from the URL serve printed,
 * keeps it and takes it out of the address bar, and a page opened without it is refused.
 */
import { test, expect } from '@playwright/test'

function baseUrl(): string {
  const url = process.env.BROKERLAB_URL
  if (!url) throw new Error('BROKERLAB_URL is not set: global-setup did not start browser mode')
  return url
}

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
