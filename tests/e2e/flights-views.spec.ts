/**
 * The main job on real input, seen in the browser: global-setup imported the 20,000 flights
 * (topic `flights`, 6 partitions, RF 3, keyed by origin) through the CLI and a group consumed 8,000 of
 * them. Each view must show it; each view's screenshot is written to docs/screenshots/ (committed,
 * and used by the README).
 */
import { test, expect, type Page } from '@playwright/test'
import { readFileSync, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { partitionForKey } from '../../src/broker/client/partitioner'
import { FLIGHTS, FLIGHTS_CONSUMED, FLIGHTS_GROUP } from './global-setup'
import { FLIGHTS_2K } from '../fixtures/datasets'
import { baseUrl } from './serve-process'

const shots = resolve(__dirname, '../../docs/screenshots')

/** Records per partition that murmur2 of each origin gives, computed from the file itself. */
function expectedCounts(): number[] {
  const flights = JSON.parse(readFileSync(FLIGHTS, 'utf8')) as { origin: string }[]
  const counts = new Array<number>(6).fill(0)
  for (const f of flights) counts[partitionForKey(Buffer.from(f.origin, 'utf8'), 6)]++
  return counts
}

/**
 * How a row's cell sits among its neighbours: whether the text of `textId` ends inside its own cell,
 * whether the cell of `nextId` starts after that text, and whether that next cell ends inside the
 * table's visible width (so it is read without scrolling).
 */
async function cellFit(page: Page, rowSelector: string, textId: string, nextId: string): Promise<{ insideCell: boolean; nextAfter: boolean; nextInView: boolean }> {
  return page
    .locator(rowSelector)
    .first()
    .evaluate(
      (row, ids) => {
        type Box = { closest(s: string): Box; getBoundingClientRect(): { left: number; right: number; width: number } }
        const r = row as unknown as Box & { querySelector(s: string): Box }
        const text = r.querySelector(`[data-testid="${ids.textId}"]`)
        const next = r.querySelector(`[data-testid="${ids.nextId}"]`).closest('td')
        const t = text.getBoundingClientRect()
        const cell = text.closest('td').getBoundingClientRect()
        const n = next.getBoundingClientRect()
        const view = r.closest('.n-data-table-base-table-body, .n-scrollbar-container, .n-data-table-wrapper').getBoundingClientRect()
        return { insideCell: t.right <= cell.right + 0.5, nextAfter: n.left >= t.right - 0.5, nextInView: n.right <= view.right + 0.5 && n.width > 0 }
      },
      { textId, nextId }
    )
}

async function open(page: Page, hash: string): Promise<void> {
  await page.goto(`${baseUrl()}${hash}`)
  await expect(page.getByTestId('status-connection')).toContainText(/open|connected/i)
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true })
  await page.waitForTimeout(1200) // let ECharts finish its entry animation before the picture
  // Toasts of earlier specs' faults (a new page shows the snapshot's recent warnings) would cover the view.
  for (const close of await page.locator('.n-message .n-message__close').all()) await close.click().catch(() => undefined)
  await expect(page.locator('.n-message')).toHaveCount(0)
  await page.screenshot({ path: resolve(shots, `${name}.png`), fullPage: true })
}

test.describe('the flights dataset in browser mode', () => {
  test('the cluster overview shows three brokers and the 20,000 flights', async ({ page }) => {
    await open(page, '#/cluster')
    await expect(page.getByTestId('cluster-brokers-alive')).toContainText('3')
    // Each broker's address is where its listener is bound (serve --broker-port 0 in the tests).
    for (const address of (process.env.BROKERLAB_BOOTSTRAP ?? '').split(',')) await expect(page.getByTestId('broker-table')).toContainText(address)
    expect(process.env.BROKERLAB_BOOTSTRAP).toMatch(/^127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/)
    await expect(page.getByTestId('view-cluster')).toContainText('20,000')
    await shoot(page, 'overview')
  })

  test('the topic list shows flights with 6 partitions and replication factor 3', async ({ page }) => {
    await open(page, '#/topics')
    const row = page.getByTestId('topic-table').locator('tr', { hasText: 'flights' })
    await expect(row).toContainText('20,000')
    await shoot(page, 'topics')
  })

  test('the topic detail shows per-partition high watermarks equal to murmur2 counts', async ({ page }) => {
    await open(page, '#/topic/flights')
    await expect(page.getByTestId('topic-detail-name')).toHaveText('flights')
    const table = page.getByTestId('partition-table')
    const counts = expectedCounts()
    for (let p = 0; p < 6; p++) {
      const row = table.locator('tbody tr').nth(p)
      await expect(row).toContainText(counts[p].toLocaleString('en-US'))
    }
    // The Segments card: the last timestamp (with its zone) ends in its cell, before the "active" tag.
    await expect(page.getByTestId('segment-active').first()).toBeVisible()
    expect(await cellFit(page, '[data-testid="segments-table"] tbody tr', 'segment-last-timestamp', 'segment-active')).toEqual({ insideCell: true, nextAfter: true, nextInView: true })
    await expect(page.getByTestId('segment-last-timestamp').first()).toContainText(/UTC/)
    await shoot(page, 'topic-detail')
  })

  test('the message browser pages through flights records', async ({ page }) => {
    await open(page, '#/browser/flights')
    await page.getByTestId('browser-fetch').click()
    await expect(page.getByTestId('browser-row').first()).toBeVisible()
    await expect(page.getByTestId('browser-row-value').first()).toContainText('origin')
    await shoot(page, 'messages')
  })

  test('the consumer group shows the lag left after consuming 8,000 flights', async ({ page }) => {
    await open(page, `#/groups/${FLIGHTS_GROUP}`)
    await expect(page.getByTestId('group-selected')).toHaveText(FLIGHTS_GROUP)
    await expect(page.getByTestId('group-lag-total')).toHaveText((20_000 - FLIGHTS_CONSUMED).toLocaleString('en-US'))
    await shoot(page, 'consumer-groups')
  })

  test('the producer explains where a keyed record lands', async ({ page }) => {
    await open(page, '#/producer/flights')
    await page.getByTestId('producer-key').fill('DFW')
    await page.getByTestId('producer-value').fill('{"origin":"DFW","destination":"ORD","delay":7}')
    await page.getByTestId('producer-send').click()
    const expected = partitionForKey(Buffer.from('DFW'), 6)
    await expect(page.getByTestId('producer-result-partition').first()).toHaveText(String(expected))
    // Offsets past 999 carry thousands separators; the timestamp its zone.
    await expect(page.getByTestId('producer-result-offset').first()).toHaveText(/^\d{1,3}(,\d{3})+$/)
    await expect(page.getByTestId('producer-result-timestamp').first()).toContainText(/UTC/)
    // At 1,440 and 1,280 px the timestamp ends in its cell, before "Why", which is read without scrolling.
    for (const width of [1440, 1280]) {
      await page.setViewportSize({ width, height: 900 })
      await page.waitForTimeout(300)
      expect(await cellFit(page, '[data-testid="producer-result-row"]', 'producer-result-timestamp', 'producer-result-why'), `at ${width} px`).toEqual({
        insideCell: true,
        nextAfter: true,
        nextInView: true
      })
    }
    await page.setViewportSize({ width: 1440, height: 900 })
    await shoot(page, 'producer')
  })

  test('the import view imports a JSON file keyed by a chosen field into a new topic, with progress', async ({ page }) => {
    await open(page, '#/import')
    await page.getByTestId('import-file').setInputFiles(FLIGHTS_2K)
    await expect(page.getByTestId('import-detected')).toContainText('2,000')
    await page.getByTestId('import-key-field').click()
    await page.locator('.n-base-select-option').filter({ hasText: /^\s*origin\s*$/ }).first().click()
    await page.getByTestId('import-topic-new').click()
    await page.getByTestId('import-topic-name').fill('flights-2k')
    await page.getByTestId('import-partitions').fill('3')
    await page.getByTestId('import-rf').fill('2')
    await page.getByTestId('import-run').click()
    await expect(page.getByTestId('import-result')).toContainText('2,000')
    const flights = JSON.parse(readFileSync(FLIGHTS_2K, 'utf8')) as { origin: string }[]
    const counts = new Array<number>(3).fill(0)
    for (const f of flights) counts[partitionForKey(Buffer.from(f.origin, 'utf8'), 3)]++
    const perPartition = page.getByTestId('import-per-partition')
    for (const c of counts) await expect(perPartition).toContainText(c.toLocaleString('en-US'))
    await shoot(page, 'import')
  })
})
