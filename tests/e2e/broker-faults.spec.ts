/**
 * The failure playground in the browser: killing the leader of a one-partition RF 3 topic in the
 * brokers view shows it killed at once; within broker.session.timeout.ms (9 s by default) the
 * controller fences it, a follower from the ISR takes over, the ISR shrinks, and Recent events
 * explains why; starting it again brings it back running and into the ISR. Slowing a broker shows
 * "slowed by 200 ms" and Heal undoes it. The spec leaves every broker running and healed and deletes
 * its topic; it never kills broker 3, whose flights leadership stop-broker.spec.ts relies on.
 * At 1,280 x 800 and 1,024 x 768 every fault button of every broker is in the window and takes the
 * click (nothing clipped or covered).
 */
import { test, expect, type Page } from '@playwright/test'
import { partition0 } from './partition-table'
import { baseUrl, contractRequest, wsUrl } from './serve-process'

/** One partition, RF 3; its name hashes (replica-assignment.ts) to a leader other than broker 3. */
const TOPIC = 'playground-orders'

/**
 * Whether the element is in the window and is what a click at its centre hits: the page is scrolled
 * vertically only (never the table's own horizontal scroller), so a button clipped by the table
 * counts as not clickable.
 */
async function clickableInPlace(page: Page, testId: string): Promise<{ testId: string; inWindow: boolean; hit: boolean }> {
  return page.getByTestId(testId).evaluate((el, id) => {
    const w = globalThis as unknown as PageWindow
    const r0 = el.getBoundingClientRect()
    w.scrollTo(0, w.scrollY + r0.top - w.innerHeight / 2)
    const r = el.getBoundingClientRect()
    const inWindow = r.width > 0 && r.left >= 0 && r.right <= w.innerWidth && r.top >= 0 && r.bottom <= w.innerHeight
    const at = w.document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
    return { testId: id, inWindow, hit: !!at && el.contains(at as typeof el) }
  }, testId)
}

/** The page globals clickableInPlace reads (the e2e tsconfig has no DOM lib). */
interface PageWindow {
  scrollY: number
  innerWidth: number
  innerHeight: number
  scrollTo(x: number, y: number): void
  document: { elementFromPoint(x: number, y: number): unknown }
}

test('at 1,280 x 800 and 1,024 x 768 every fault button of every broker is in view and takes the click', async ({ page }) => {
  for (const [width, height] of [
    [1280, 800],
    [1024, 768]
  ]) {
    await page.setViewportSize({ width, height })
    await page.goto(`${baseUrl()}#/cluster`)
    for (const id of [1, 2, 3]) {
      await expect(page.getByTestId(`broker-status-${id}`)).toHaveText('running')
      const ids = [`broker-stop-${id}`, `broker-kill-${id}`, `broker-slow-${id}`, `broker-isolate-${id}`, `broker-pause-fetching-${id}`]
      for (const t of ids) expect(await clickableInPlace(page, t), `${t} at ${width} x ${height}`).toEqual({ testId: t, inWindow: true, hit: true })
    }
    if (width === 1024) {
      await page.evaluate(() => (globalThis as unknown as PageWindow).scrollTo(0, 0))
      await page.mouse.move(0, 0)
      await page.waitForTimeout(500)
      await page.screenshot({ path: 'docs/screenshots/brokers-1024.png' })
    }
  }
  // The fixed column really takes clicks: Slow… opens its popover at the narrowest width.
  await page.getByTestId('broker-slow-1').click()
  await expect(page.getByTestId('broker-slow-popover-1')).toBeVisible()
})

test.afterAll(async () => {
  await contractRequest(wsUrl(), 'topic/delete', { topic: TOPIC }).catch(() => undefined)
})

test('killing a leader fences it after the session timeout, a follower takes over and the ISR shrinks; starting it again brings it back', async ({ page }) => {
  test.setTimeout(120_000)
  await contractRequest(wsUrl(), 'topic/create', { topic: TOPIC, partitions: 1, replicationFactor: 3 })
  await page.goto(`${baseUrl()}#/topic/${TOPIC}`)
  await expect.poll(async () => (await partition0(page)).isr).toEqual([1, 2, 3])
  const victim = Number((await partition0(page)).leader)
  expect([1, 2]).toContain(victim)

  await page.goto(`${baseUrl()}#/cluster`)
  await expect(page.getByTestId(`broker-status-${victim}`)).toHaveText('running')
  await expect(page.getByTestId(`broker-heartbeat-${victim}`)).toContainText(/ago$/)
  await page.getByTestId(`broker-kill-${victim}`).click()
  await page.getByTestId('broker-kill-confirm').click()
  await expect(page.getByTestId(`broker-status-${victim}`)).toHaveText(/^killed/)
  await expect(page.getByTestId(`broker-start-${victim}`)).toBeVisible()
  await expect(page.getByTestId(`broker-kill-${victim}`)).toHaveCount(0)
  // Only the missing heartbeats tell the controller: it fences the broker after broker.session.timeout.ms.
  await expect(page.getByTestId(`broker-status-${victim}`)).toHaveText('killed, fenced', { timeout: 20_000 })
  await expect(page.getByTestId(`broker-led-${victim}`)).toHaveText('0')
  const events = page.getByTestId('cluster-events')
  await expect(events.locator(`li[data-kind="leader-elected"]`, { hasText: `${TOPIC}-0` }).first()).toContainText(
    `its leader, broker ${victim}, was fenced`
  )
  // __consumer_offsets' elections and ISR shrinks are one summary line, not rows of their own; times carry their zone.
  const summary = events.getByTestId('cluster-events-summary').filter({ hasText: `after broker ${victim} was killed and fenced` })
  await expect(summary.first()).toContainText(/__consumer_offsets: \d+ partitions? .*elected new leaders?/)
  await expect(events.locator('li[data-kind="leader-elected"]', { hasText: '__consumer_offsets' })).toHaveCount(0)
  await expect(events.getByTestId('event-time').first()).toContainText(/UTC/)
  await page.mouse.move(0, 0) // no tooltip over the table
  await page.waitForTimeout(500)
  await page.screenshot({ path: 'docs/screenshots/broker-faults.png', fullPage: true })
  // The summary opens the Timeline on __consumer_offsets, where each of its events has a row.
  await summary.first().click()
  await expect(page.getByTestId('timeline-topic')).toContainText('__consumer_offsets')
  await expect(page.getByTestId('timeline-event').first()).toHaveAttribute('data-topic', '__consumer_offsets')

  await page.goto(`${baseUrl()}#/topic/${TOPIC}`)
  await expect.poll(async () => (await partition0(page)).isr).toEqual([1, 2, 3].filter((b) => b !== victim))
  const after = await partition0(page)
  expect(after.leader).not.toBe(String(victim))
  expect(after.isr).toContain(Number(after.leader))

  await page.goto(`${baseUrl()}#/cluster`)
  await page.getByTestId(`broker-start-${victim}`).click()
  await expect(page.getByTestId(`broker-status-${victim}`)).toHaveText('running')
  await expect(page.getByTestId(`broker-kill-${victim}`)).toBeVisible()
  await page.goto(`${baseUrl()}#/topic/${TOPIC}`)
  await expect.poll(async () => (await partition0(page)).isr, { timeout: 30_000 }).toEqual([1, 2, 3])
})

test('slowing a broker shows the delay in its state; a delay out of range is refused before it is sent; heal undoes it', async ({ page }) => {
  await page.goto(`${baseUrl()}#/cluster`)
  await expect(page.getByTestId('broker-status-2')).toHaveText('running')
  await expect(page.getByTestId('broker-heal-2')).toHaveCount(0)
  await page.getByTestId('broker-slow-2').click()
  const ms = page.getByTestId('broker-slow-ms-2')
  await ms.fill('300001')
  await expect(page.getByTestId('broker-slow-problem-2')).toHaveText('The delay must be an integer from 1 to 300000 ms, got 300001')
  await expect(page.getByTestId('broker-slow-apply-2')).toBeDisabled()
  await ms.fill('200')
  await page.getByTestId('broker-slow-apply-2').click()
  await expect(page.getByTestId('broker-status-2')).toHaveText('running, slowed by 200 ms')
  await page.getByTestId('broker-heal-2').click()
  await expect(page.getByTestId('broker-status-2')).toHaveText('running')
  await expect(page.getByTestId('broker-heal-2')).toHaveCount(0)
})
