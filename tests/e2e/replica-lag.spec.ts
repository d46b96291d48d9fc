/**
 * Replica lag and the preferred leader election in the browser: on a one-partition RF 3 topic, a
 * follower whose fetching is paused (brokers view) falls behind: the topic detail shows its lag in
 * records growing as records are produced, and back at 0 once it fetches again. Stopping the
 * leader moves leadership to another in-sync replica; after it starts and rejoins the ISR, the
 * topic detail's "Preferred leader election" moves leadership back to it and says so in words.
 *
 * Leaves the cluster as it found it: every broker running and fetching, the topic deleted, and
 * leadership of every partition back on its preferred replica (the overview's all-topics
 * Preferred leader election, which undoes what stopping broker 1 moved). Never stops broker 3,
 * whose flights leadership stop-broker.spec.ts relies on.
 */
import { test, expect, type Page } from '@playwright/test'
import { partition0 } from './partition-table'
import { baseUrl, contractRequest, wsUrl } from './serve-process'

/** One partition, RF 3; its name hashes (replica-assignment.ts) to the replicas [1, 2, 3]: leader 1. */
const TOPIC = 'replica-lag-demo'
const LEADER = 1
const LAGGING = 2

/** Broker `b`'s lag in records as the replica-lag table shows it (null for "?"). */
async function lagRecords(page: Page, b: number): Promise<number | null> {
  const text = (await page.locator(`[data-testid="replica-lag-row"][data-broker="${b}"] [data-testid="replica-lag-records"]`).innerText()).trim()
  return text === '?' ? null : Number(text.replace(/,/g, ''))
}

async function produce(n: number): Promise<void> {
  await contractRequest(wsUrl(), 'produce/send', { topic: TOPIC, acks: 1, records: [{ key: 'k{{i}}', value: 'v{{i}}' }], count: n })
}

test.afterAll(async () => {
  // Whatever happened above: every broker running and fetching again, the topic gone.
  await contractRequest(wsUrl(), 'broker/fetching', { brokerId: LAGGING, paused: false }).catch(() => undefined)
  await contractRequest(wsUrl(), 'broker/start', { brokerId: LEADER }).catch(() => undefined)
  await contractRequest(wsUrl(), 'topic/delete', { topic: TOPIC }).catch(() => undefined)
})

test('a paused follower lags in records and catches up; after the leader restarted, the preferred leader election moves leadership back', async ({ page }) => {
  test.setTimeout(120_000)
  await contractRequest(wsUrl(), 'topic/create', { topic: TOPIC, partitions: 1, replicationFactor: 3 })
  await page.goto(`${baseUrl()}#/topic/${TOPIC}`)
  await expect.poll(async () => (await partition0(page)).isr).toEqual([1, 2, 3])
  expect((await partition0(page)).leader).toBe(String(LEADER))
  await expect.poll(() => lagRecords(page, LAGGING)).toBe(0)

  // Pause broker 2's fetching in the brokers view; it keeps running and stays in the ISR for replica.lag.time.max.ms (30 s).
  await page.goto(`${baseUrl()}#/cluster`)
  await page.getByTestId(`broker-pause-fetching-${LAGGING}`).click()
  await expect(page.getByTestId(`broker-resume-fetching-${LAGGING}`)).toBeVisible()
  await page.goto(`${baseUrl()}#/topic/${TOPIC}`)
  await produce(40)
  await expect.poll(() => lagRecords(page, LAGGING)).toBe(40)
  await produce(60)
  await expect.poll(() => lagRecords(page, LAGGING)).toBe(100)
  await expect(page.locator(`[data-testid="replica-lag-row"][data-broker="${LAGGING}"] [data-testid="replica-lag-ms"]`)).toHaveText(/\d+(\.\d)? (ms|s)|min/)
  await expect(page.locator(`[data-testid="partition-lag"][data-broker="${LAGGING}"]`)).toContainText(`${LAGGING}: 100 ·`)
  expect(await lagRecords(page, 3)).toBe(0) // the other follower keeps up
  expect(await lagRecords(page, LEADER)).toBe(0)
  await page.mouse.move(0, 0)
  await page.waitForTimeout(2500) // a few more points on the lag chart
  await page.screenshot({ path: 'docs/screenshots/replica-lag.png', fullPage: true })

  // Resume: it catches up, its lag is 0 again.
  await page.goto(`${baseUrl()}#/cluster`)
  await page.getByTestId(`broker-resume-fetching-${LAGGING}`).click()
  await expect(page.getByTestId(`broker-pause-fetching-${LAGGING}`)).toBeVisible()
  await page.goto(`${baseUrl()}#/topic/${TOPIC}`)
  await expect.poll(() => lagRecords(page, LAGGING)).toBe(0)
  await expect(page.locator(`[data-testid="replica-lag-row"][data-broker="${LAGGING}"] [data-testid="replica-lag-ms"]`)).toHaveText('0 ms')
  await expect.poll(async () => (await partition0(page)).isr).toEqual([1, 2, 3])

  // Stop the leader (controlled shutdown): an in-sync follower takes over.
  await contractRequest(wsUrl(), 'broker/stop', { brokerId: LEADER })
  await expect.poll(async () => (await partition0(page)).leader).not.toBe(String(LEADER))
  const interim = (await partition0(page)).leader
  await contractRequest(wsUrl(), 'broker/start', { brokerId: LEADER })
  await expect.poll(async () => (await partition0(page)).isr, { timeout: 30_000 }).toEqual([1, 2, 3])
  expect((await partition0(page)).leader).toBe(interim) // leadership does not move back by itself (not within leader.imbalance.check.interval.seconds)

  // The preferred replica is broker 1: the election moves leadership back and says so.
  await page.getByTestId('preferred-election').click()
  const result = page.getByTestId('preferred-election-result')
  await expect(result).toContainText(`Preferred leader election of ${TOPIC}: 1 elected`)
  await expect(result.getByTestId('preferred-election-line')).toHaveText([new RegExp(`^${TOPIC}-0: elected broker ${LEADER} \\(was broker ${interim}\\), leader epoch \\d+$`)])
  await expect.poll(async () => (await partition0(page)).leader).toBe(String(LEADER))
  // Asked again, it is not needed.
  await page.getByTestId('preferred-election').click()
  await expect(result.getByTestId('preferred-election-line')).toHaveText([`${TOPIC}-0: not needed, broker ${LEADER} (the preferred replica) already leads`])

  // The overview: health counts, and the all-topics election puts every partition stopping broker 1 moved back on its preferred replica.
  await page.goto(`${baseUrl()}#/cluster`)
  await expect(page.getByTestId('cluster-under-min-isr')).toHaveText('0')
  await page.getByTestId('preferred-election').click()
  await expect(page.getByTestId('preferred-election-result')).toContainText(/Preferred leader election: .*not needed/)
  await expect(page.getByTestId('preferred-election-result')).not.toContainText('failed')
  await page.mouse.move(0, 0)
  await page.waitForTimeout(500)
  await page.screenshot({ path: 'docs/screenshots/preferred-election.png' })
})
