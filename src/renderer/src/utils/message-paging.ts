/**
 * The message browser's paging helpers for the renderer: a page loaded in chunks, the page's rows
 * as they load (PageRows), where it is and which end it reached. The logic is pure and lives in
 * shared/page-chunks.ts and shared/page-rows.ts (tested there against the real host); this module
 * is the renderer's door to it.
 */
export { PAGE_CHUNK_RECORDS, PAGE_MAX_BYTES, atHighWatermark, atLogStart, compareRecords, loadPage } from '../../../shared/page-chunks'
export type { PageRequest, PageSoFar } from '../../../shared/page-chunks'
export { PageRows } from '../../../shared/page-rows'
export type { PageRange, RowList } from '../../../shared/page-rows'
