/**
 * The failure playground in the browser: killing the leader of a one-partition RF 3 topic in the
 * brokers view shows it killed at once; within broker.session.timeout.ms (9 s by default) the
 * controller fences it, a follower from the ISR takes over, the ISR shrinks, and Recent events
 * explains why; starting it again brings it back running and into the ISR. Slowing a broker shows
 * "slowed by 200 ms" and Heal undoes it. The spec leaves every broker running and healed and deletes
 * its topic; it never kills broker 3, whose flights leadership stop-broker.spec.ts relies on.
 */
import { test, expect, type Page } from '@playwright/test'
import { baseUrl, contractRequest, wsUrl } from './serve-process'

/** One partition, RF 3; its name hashes (replica-assignment.ts) to a leader other than broker 3. */
const TOPIC = 'playground-orders'

/** Leader and ISR of partition 0 of TOPIC as the topic detail's partition table shows them. */
async function partition0(page: Page): Promise<{ leader: string; isr: number[] }> {
  const row = page.getByTestId('partition-table').locator('tbody tr').first()
  const leader = (await row.locator('td').nth(1).innerText()).trim()
  const isr = (await row.locator('td').nth(3).innerText())
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number)
    .sort()
  return { leader, isr }
}

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
  await page.mouse.move(0, 0) // no tooltip over the table
  await page.waitForTimeout(500)
  await page.screenshot({ path: 'docs/screenshots/broker-faults.png', fullPage: true })

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
