/**
 * LONG topic configs in the browser, exact end to end: a value one below Long.MAX_VALUE typed in the
 * create dialog, one above it refused in the dialog with Kafka's message, Long.MAX_VALUE set in the
 * alter dialog; the topic detail's configs table shows them in full, marks the overrides
 * (DYNAMIC_TOPIC_CONFIG) with the default they override, and the engine holds the same values.
 * Screenshots of the create and alter dialogs and of the configs table go to docs/screenshots.
 */
import { test, expect, type Page } from '@playwright/test'
import { baseUrl, contractRequest, wsUrl } from './serve-process'

const TOPIC = 'e2e-long-configs'

async function typeConfig(page: Page, key: string, value: string): Promise<void> {
  const input = page.getByTestId(`topic-config-${key}`)
  await input.fill(value)
  await input.blur()
}

test('LONG configs stay exact through the create and alter dialogs and the configs table, which marks overrides', async ({ page }) => {
  await page.goto(`${baseUrl()}#/topics`)
  await page.getByTestId('topic-create-open').click()
  const create = page.getByTestId('topic-create-dialog')
  await page.getByTestId('topic-create-name').fill(TOPIC)
  await page.getByTestId('topic-create-partitions').fill('1')
  await page.getByTestId('topic-create-rf').fill('1')
  await create.getByText(/^Configs \(/).click()

  // Above Long.MAX_VALUE: Kafka's message under the field, nothing sent.
  await typeConfig(page, 'flush.ms', '9223372036854775808')
  await expect(page.getByTestId('topic-config-problem-flush.ms')).toHaveText(
    'Invalid value 9223372036854775808 for configuration flush.ms: Not a number of type LONG'
  )
  await page.getByTestId('topic-create-submit').click()
  await expect(create).toBeVisible()

  await typeConfig(page, 'flush.ms', '9223372036854775806')
  await expect(page.getByTestId('topic-config-problem-flush.ms')).toHaveCount(0)
  await typeConfig(page, 'retention.ms', '3600000')
  await expect(create).toContainText("Configs (2 changed from Kafka's defaults)")
  await page.getByTestId('topic-config-flush.ms').scrollIntoViewIfNeeded()
  await create.screenshot({ path: 'docs/screenshots/topic-create-long-config.png' })
  await page.getByTestId('topic-create-submit').click()
  await expect(create).toBeHidden()

  await page.goto(`${baseUrl()}#/topic/${TOPIC}`)
  const table = page.getByTestId('topic-configs')
  await expect(page.getByTestId('topic-config-row-flush.ms')).toHaveAttribute('data-source', 'DYNAMIC_TOPIC_CONFIG')
  await expect(page.getByTestId('topic-config-row-flush.ms')).toContainText('9223372036854775806')
  await expect(page.getByTestId('topic-config-row-flush.ms')).toContainText('default 9223372036854775807 (Long.MAX_VALUE (never))')
  await expect(page.getByTestId('topic-config-row-retention.ms')).toHaveAttribute('data-source', 'DYNAMIC_TOPIC_CONFIG')
  await expect(page.getByTestId('topic-config-row-flush.messages')).toHaveAttribute('data-source', 'DEFAULT_CONFIG')
  await expect(page.getByTestId('topic-config-row-flush.messages')).toContainText('9223372036854775807Long.MAX_VALUE (never)')
  await expect(page.getByTestId('topic-configs-summary')).toContainText('2 set on this topic (DYNAMIC_TOPIC_CONFIG)')

  // Alter: Long.MAX_VALUE for segment.ms, typed in full.
  await page.getByTestId('topic-detail-alter').click()
  const alter = page.getByTestId('topic-alter-dialog')
  await alter.getByText(/^Configs \(/).click()
  await expect(page.getByTestId('topic-config-flush.ms')).toHaveValue('9223372036854775806')
  await typeConfig(page, 'segment.ms', '9223372036854775807')
  await expect(alter).toContainText('Configs (1 changed)')
  await page.getByTestId('topic-config-segment.ms').scrollIntoViewIfNeeded()
  await alter.screenshot({ path: 'docs/screenshots/topic-alter-long-config.png' })
  await page.getByTestId('topic-alter-submit').click()
  await expect(alter).toBeHidden()

  await expect(page.getByTestId('topic-config-row-segment.ms')).toContainText('9223372036854775807Long.MAX_VALUE (never)')
  await expect(page.getByTestId('topic-config-row-segment.ms')).toHaveAttribute('data-source', 'DYNAMIC_TOPIC_CONFIG')
  await table.scrollIntoViewIfNeeded()
  await page.locator('.n-card', { has: table }).screenshot({ path: 'docs/screenshots/topic-configs.png' })

  // The engine holds exactly what was typed.
  const described = (await contractRequest(wsUrl(), 'topic/describe', { topic: TOPIC })) as { configs: Record<string, unknown> }
  expect(described.configs['flush.ms']).toBe('9223372036854775806')
  expect(described.configs['segment.ms']).toBe('9223372036854775807')
  expect(described.configs['retention.ms']).toBe('3600000')
})
