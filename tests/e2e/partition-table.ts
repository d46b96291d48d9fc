/**
 * Reading the topic detail's partition table (data-testid "partition-table") as a user sees it, for
 * the end-to-end specs. Must stay true: it reads only what the table shows (the Leader column is
 * the 2nd cell, the ISR column the 4th, a comma-separated list of broker ids), and changes nothing.
 */
import type { Page } from '@playwright/test'

/**
 * Leader and ISR of the first row (partition 0) of the partition table on the page: the leader as
 * its cell's text (a broker id, or whatever the cell shows when there is none), the ISR as broker
 * ids sorted ascending. Waits as Playwright's innerText does for the row to exist.
 */
export async function partition0(page: Page): Promise<{ leader: string; isr: number[] }> {
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
