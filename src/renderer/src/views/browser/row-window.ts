/**
 * The window of a virtual list of rows of one fixed height: which rows a scroll position shows,
 * computed from the scroll offset and the viewport's height alone (O(1), whatever the number of
 * rows), and a composable that follows an element's scroll offset and height. The message browser's
 * table uses it so that a 100,000-row page that grows chunk by chunk costs per chunk only the rows
 * on screen (a virtualiser that measures items, such as @tanstack/virtual-core, rebuilds a
 * measurement per row whenever the row count changes: O(rows) per chunk).
 *
 * Must stay true: the window always holds every row whose box intersects the viewport (plus
 * `overscan` rows either side), and lies within 0..count.
 */
import { computed, onBeforeUnmount, onMounted, ref, type ComputedRef, type Ref } from 'vue'

/** Rows [start, end) to render, and the list's full height in px. */
export interface RowWindow {
  start: number
  end: number
  totalHeight: number
}

/**
 * The rows to render for a scroll offset.
 * @param scrollTop the viewport's scroll offset, px (clamped to >= 0)
 * @param viewportHeight the viewport's height, px
 * @param rowHeight each row's height, px (> 0)
 * @param count rows in the list
 * @param overscan rows rendered beyond each edge of the viewport
 * @throws RangeError when rowHeight is not a positive number
 */
export function rowWindow(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan: number): RowWindow {
  if (!(rowHeight > 0)) throw new RangeError(`rowHeight must be a positive number of px, got ${rowHeight}`)
  const top = Math.max(0, scrollTop)
  const first = Math.floor(top / rowHeight)
  const last = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight)
  const start = Math.min(count, Math.max(0, first - overscan))
  const end = Math.min(count, Math.max(start, last + overscan))
  return { start, end, totalHeight: count * rowHeight }
}

/**
 * Follows `scroller`'s scroll offset (passive scroll listener) and height (ResizeObserver) and
 * gives the window of `count()` rows of `rowHeight` px it shows.
 */
export function useRowWindow(scroller: Ref<HTMLElement | null>, count: () => number, rowHeight: number, overscan: number): ComputedRef<RowWindow> {
  const scrollTop = ref(0)
  const height = ref(0)
  let observer: ResizeObserver | null = null
  const onScroll = (): void => {
    scrollTop.value = scroller.value?.scrollTop ?? 0
  }
  onMounted(() => {
    const el = scroller.value
    if (!el) return
    el.addEventListener('scroll', onScroll, { passive: true })
    height.value = el.clientHeight
    observer = new ResizeObserver(() => (height.value = el.clientHeight))
    observer.observe(el)
  })
  onBeforeUnmount(() => {
    scroller.value?.removeEventListener('scroll', onScroll)
    observer?.disconnect()
  })
  return computed(() => rowWindow(scrollTop.value, height.value, rowHeight, count(), overscan))
}
