/**
 * Browser mode's per-run token on the page side: `brokerlab serve` prints
 * `http://127.0.0.1:PORT/?token=...`; the page takes the token from its URL, keeps it in
 * sessionStorage (so a reload, or a hash route, still has it), takes it out of the address bar
 * (history.replaceState: it is not left in the history, bookmarks or screenshots), and connects with
 * it as `ws://HOST/ws?token=...`. The host refuses the WebSocket without it (401).
 *
 * Must stay true: a token in the URL wins over the kept one (a new run's URL replaces an old run's
 * token); only the `token` parameter is removed from the URL, the rest (path, other parameters,
 * hash route) is kept.
 */

/** The sessionStorage key holding the token. */
export const TOKEN_STORAGE_KEY = 'brokerlab.token'

/** The parts of `window.location` read here. */
export interface PageLocation {
  pathname: string
  search: string
  hash: string
}

/**
 * Takes the token from the page URL's `?token=` (keeping it and removing it from the address bar),
 * else returns the kept one.
 * @returns the token, or null when the page was opened without one and none is kept.
 */
export function takePageToken(
  location: PageLocation,
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  history: Pick<History, 'replaceState'>
): string | null {
  const params = new URLSearchParams(location.search)
  const fromUrl = params.get('token')
  if (fromUrl === null) return storage.getItem(TOKEN_STORAGE_KEY)
  storage.setItem(TOKEN_STORAGE_KEY, fromUrl)
  params.delete('token')
  const rest = params.toString()
  history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`)
  return fromUrl
}

/**
 * The WebSocket URL of the contract on `host` (e.g. "127.0.0.1:5173"), with the token when there
 * is one: `ws://127.0.0.1:5173/ws?token=...`.
 */
export function contractSocketUrl(host: string, token: string | null): string {
  return `ws://${host}/ws${token === null ? '' : `?token=${encodeURIComponent(token)}`}`
}
