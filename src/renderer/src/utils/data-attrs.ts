/**
 * dataAttrs: types `data-*` attributes (data-testid and friends) as HTMLAttributes, for naive-ui
 * props such as NDataTable's row-props whose type has no index signature.
 * Must stay true: only data-* keys pass through unchanged.
 */
import type { HTMLAttributes } from 'vue'

/** Returns the given data-* attributes typed as HTMLAttributes. */
export function dataAttrs(attrs: Record<`data-${string}`, string>): HTMLAttributes {
  return attrs as HTMLAttributes
}
