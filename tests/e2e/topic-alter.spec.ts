/**
 * Altering a topic in the browser, as kafka-topics --alter and kafka-configs --alter: grow a topic
 * from 2 to 5 partitions and change a config from the topic detail; a decrease is refused in the
 * dialog before anything is sent.
 */
import { test, expect } from '@playwright/test'
import { baseUrl } from './serve-process'

const TOPIC = 'e2e-alter'

test('the topic detail adds partitions and changes configs; a decrease is refused', async ({ page }) => {
  await page.goto(`${baseUrl()}#/topics`)
  await page.getByTestId('topic-create-open').click()
  await page.getByTestId('topic-create-name').fill(TOPIC)
  await page.getByTestId('topic-create-partitions').fill('2')
  await page.getByTestId('topic-create-submit').click()
  await expect(page.getByTestId('topic-create-dialog')).toBeHidden()

  await page.goto(`${baseUrl()}#/topic/${TOPIC}`)
  const rows = page.getByTestId('partition-table').locator('tbody tr')
  await expect(rows).toHaveCount(2)
  await page.getByTestId('topic-detail-alter').click()
  const dialog = page.getByTestId('topic-alter-dialog')
  await expect(dialog).toBeVisible()

  // A decrease: refused in the dialog, the button stays disabled.
  await page.getByTestId('topic-alter-partitions').fill('1')
  await page.getByTestId('topic-alter-partitions').blur()
  await expect(dialog).toContainText('currently has 2 partition(s); 1 would not be an increase')
  await expect(page.getByTestId('topic-alter-submit')).toBeDisabled()

  await page.getByTestId('topic-alter-partitions').fill('5')
  await page.getByTestId('topic-alter-partitions').blur()
  await expect(dialog).toContainText('Adds 3: keys hash over 5 partitions from now on')
  await dialog.getByText(/^Configs \(/).click()
  await page.getByTestId('topic-config-retention.ms').fill('3600000')
  await page.getByTestId('topic-config-retention.ms').blur()
  await expect(dialog).toContainText('Configs (1 changed)')
  await page.screenshot({ path: 'docs/screenshots/topic-alter.png' })
  await page.getByTestId('topic-alter-submit').click()
  await expect(dialog).toBeHidden()

  await expect(rows).toHaveCount(5)
  await expect(page.getByTestId('topic-configs')).toContainText(/retention\.ms\s*3600000/)
})
