/**
 * Breaking a broker in the browser: stopping broker 3 moves leadership of the partitions it led to
 * another in-sync replica and drops it from every ISR (under-replicated partitions appear); starting it
 * again lets it catch up and rejoin every ISR. Pausing a broker's fetching keeps it up. Runs after the
 * other specs (it changes leadership).
 */
import { test, expect, type Page } from '@playwright/test'
import { baseUrl } from './serve-process'

/** Leaders of the flights partitions as the topic detail's partition table shows them. */
async function flightsLeaders(page: Page): Promise<number[]> {
  const rows = page.getByTestId('partition-table').locator('tbody tr')
  await expect(rows).toHaveCount(6)
  const leaders: number[] = []
  for (let p = 0; p < 6; p++) leaders.push(Number(await rows.nth(p).locator('td').nth(1).innerText()))
  return leaders
}

/** The number a naive-ui statistic shows (its last number). */
async function statistic(page: Page, testid: string): Promise<number> {
  const m = /(\d[\d,]*)\s*$/.exec(await page.getByTestId(testid).innerText())
  if (!m) throw new Error(`no number in ${testid}`)
  return Number(m[1].replace(/,/g, ''))
}

test('stopping a broker moves leadership and shrinks ISRs; starting it again heals the cluster', async ({ page }) => {
  await page.goto(`${baseUrl()}#/topic/flights`)
  const before = await flightsLeaders(page)
  expect(before).toContain(3)

  await page.goto(`${baseUrl()}#/cluster`)
  await page.getByTestId('broker-stop-3').click()
  await page.getByTestId('broker-stop-confirm').click()
  await expect(page.getByTestId('cluster-brokers-alive')).toContainText('2')
  await expect.poll(() => statistic(page, 'cluster-urp')).toBeGreaterThan(0)
  // Kafka's count includes __consumer_offsets (replicated over all three brokers); the overview says how many.
  await expect(page.getByTestId('cluster-urp-internal')).toContainText(/\d+ of them in __consumer_offsets/, { timeout: 15_000 })
  const internal = Number((await page.getByTestId('cluster-urp-internal').innerText()).split(' ')[0])
  expect(await statistic(page, 'cluster-urp')).toBeGreaterThanOrEqual(internal)
  await expect(page.getByTestId('broker-start-3')).toBeVisible()
  await page.waitForTimeout(1200)
  await page.screenshot({ path: 'docs/screenshots/broker-stopped.png', fullPage: true })

  await page.goto(`${baseUrl()}#/topic/flights`)
  await expect.poll(async () => (await flightsLeaders(page)).includes(3)).toBe(false)
  // A stopped broker leaves every ISR at once, as in a controlled shutdown.
  const isr = await page.getByTestId('partition-table').locator('tbody tr td:nth-child(4)').allInnerTexts()
  for (let p = 0; p < 6; p++) expect(isr[p]).not.toContain('3')

  await page.goto(`${baseUrl()}#/cluster`)
  await page.getByTestId('broker-start-3').click()
  await expect(page.getByTestId('cluster-brokers-alive')).toContainText('3 / 3')
  await expect.poll(() => statistic(page, 'cluster-urp'), { timeout: 30_000 }).toBe(0)
  await expect(page.getByTestId('broker-stop-3')).toBeVisible()
})

test('pausing a broker\'s fetching keeps it up and leading; resuming brings it back', async ({ page }) => {
  await page.goto(`${baseUrl()}#/cluster`)
  await expect(page.getByTestId('broker-status-2')).toHaveText('running')
  const ledBefore = await page.getByTestId('broker-led-2').innerText()
  await page.getByTestId('broker-pause-fetching-2').click()
  await expect(page.getByTestId('broker-status-2')).toHaveText('running, not fetching')
  await expect(page.getByTestId('broker-resume-fetching-2')).toBeVisible()
  // Still up: it keeps leading its partitions (followers leave ISRs only after replica.lag.time.max.ms).
  await expect(page.getByTestId('broker-led-2')).toHaveText(ledBefore)
  await page.mouse.move(0, 0) // no tooltip over the table
  await page.waitForTimeout(500)
  await page.screenshot({ path: 'docs/screenshots/broker-not-fetching.png', fullPage: true })
  await page.getByTestId('broker-resume-fetching-2').click()
  await expect(page.getByTestId('broker-status-2')).toHaveText('running')
  await expect(page.getByTestId('broker-pause-fetching-2')).toBeVisible()
})
