/**
 * End to end in Chromium against browser mode: create a topic, produce a keyed message, find it in
 * the message browser at the partition and offset the producer reported, consume it with a group and
 * see the group's lag fall to zero. The partition is also checked against murmur2 computed here.
 */
import { test, expect, type Page } from '@playwright/test'
import { partitionForKey } from '../../src/broker/client/partitioner'
import { baseUrl } from './serve-process'

const TOPIC = 'e2e-orders'
const KEY = 'customer-42'
const VALUE = '{"total":12.5,"items":3}'
const GROUP = 'e2e-billing'

/** Clicks the left menu entry with this label. */
async function nav(page: Page, label: string): Promise<void> {
  await page.getByRole('menuitem', { name: new RegExp(`${label}$`) }).click()
}

/** Opens a naive-ui select by its data-testid and picks the option with exactly this label. */
async function choose(page: Page, testid: string, label: string): Promise<void> {
  await page.getByTestId(testid).click()
  await page.locator('.n-base-select-option').filter({ hasText: new RegExp(`^\\s*${label}\\s*$`) }).first().click()
}

test('a keyed record goes from the producer to the message browser to a consumer group with zero lag', async ({ page }) => {
  await page.goto(baseUrl())
  await expect(page.getByTestId('status-connection')).toContainText(/open|connected/i)

  // Create the topic: 6 partitions, replication factor 3.
  await nav(page, 'Topics')
  await page.getByTestId('topic-create-open').click()
  await page.getByTestId('topic-create-name').fill(TOPIC)
  await page.getByTestId('topic-create-submit').click()
  await expect(page.getByTestId('topic-create-dialog')).toBeHidden()
  await expect(page.getByTestId('topic-table')).toContainText(TOPIC)

  // Produce one keyed record with acks=all.
  await nav(page, 'Producer')
  await choose(page, 'producer-topic', TOPIC)
  await page.getByTestId('producer-key').fill(KEY)
  await page.getByTestId('producer-value').fill(VALUE)
  await page.getByTestId('producer-acks-all').click()
  await page.getByTestId('producer-send').click()
  const partitionCell = page.getByTestId('producer-result-partition').first()
  await expect(partitionCell).toBeVisible()
  const partition = Number(await partitionCell.innerText())
  const offset = Number((await page.getByTestId('producer-result-offset').first().innerText()).replace(/,/g, ''))
  expect(partition).toBe(partitionForKey(Buffer.from(KEY), 6))
  expect(offset).toBe(0)
  await expect(page.getByTestId('producer-reason').first()).toContainText('murmur2')

  // Find it in the message browser at that partition and offset.
  await nav(page, 'Messages')
  await choose(page, 'browser-topic', TOPIC)
  await choose(page, 'browser-partition', `Partition ${partition}`)
  await choose(page, 'browser-start', 'Offset')
  await page.getByTestId('browser-offset').fill(String(offset))
  await page.getByTestId('browser-fetch').click()
  const row = page.getByTestId('browser-row').first()
  await expect(row).toBeVisible()
  await expect(row.getByTestId('browser-row-offset')).toHaveText(offset.toLocaleString('en-US'))
  await expect(row.getByTestId('browser-row-partition')).toHaveText(String(partition))
  await expect(row.getByTestId('browser-row-key')).toHaveText(KEY)
  await expect(row.getByTestId('browser-row-value')).toContainText('12.5')

  // Consume it with a group: lag 1 before (nothing committed counts from the log start), 0 after.
  await nav(page, 'Consumer groups')
  await page.getByTestId('groups-group-id').fill(GROUP)
  await choose(page, 'groups-topic', TOPIC)
  await page.getByTestId('groups-max-records').fill('100')
  await page.getByTestId('groups-consume').click()
  await expect(page.getByTestId('groups-consumed')).toContainText('1')
  await expect(page.getByTestId('group-selected')).toHaveText(GROUP)
  await expect(page.getByTestId('group-lag-total')).toHaveText('0')
  const lagCells = page.getByTestId('group-describe-lag')
  await expect(lagCells).toHaveCount(6)
  for (const text of await lagCells.allInnerTexts()) expect(text).toBe('0')
})
