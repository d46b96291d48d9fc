/**
 * useRouterStore: which view is shown, and its parameter (the topic or group), mirrored in
 * `location.hash` (`#/topics/flights`) so a reload keeps the place. No vue-router needed for nine views.
 * Must stay true: `view` is always one of VIEWS.
 */
import { defineStore } from 'pinia'

export const VIEWS = ['cluster', 'topics', 'topic', 'browser', 'producer', 'import', 'groups', 'timeline', 'scenarios'] as const
export type ViewName = (typeof VIEWS)[number]

export interface RouterState {
  view: ViewName
  /** Topic name for 'topic' and 'browser', group id for 'groups', else null. */
  param: string | null
}

/** Parses `#/view/param` into a route; unknown views fall back to the cluster overview. */
export function parseHash(hash: string): RouterState {
  const [view, ...rest] = hash.replace(/^#\/?/, '').split('/')
  const param = rest.length ? decodeURIComponent(rest.join('/')) : null
  if ((VIEWS as readonly string[]).includes(view)) return { view: view as ViewName, param: param || null }
  return { view: 'cluster', param: null }
}

/** Formats a route as a hash. */
export function formatHash(route: RouterState): string {
  return `#/${route.view}${route.param ? '/' + encodeURIComponent(route.param) : ''}`
}

export const useRouterStore = defineStore('router', {
  state: (): RouterState => ({ view: 'cluster', param: null }),
  actions: {
    /** Shows a view; updates the hash when running in a window. */
    go(view: ViewName, param: string | null = null): void {
      this.view = view
      this.param = param
      if (typeof location !== 'undefined') {
        const hash = formatHash({ view, param })
        if (location.hash !== hash) history.replaceState(null, '', hash)
      }
    },
    /** Reads the current hash (at start). */
    syncFromHash(): void {
      if (typeof location === 'undefined') return
      const r = parseHash(location.hash)
      this.view = r.view
      this.param = r.param
    }
  }
})
