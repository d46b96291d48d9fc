/**
 * The per-run secret of browser mode, like Jupyter's token: made fresh for each run of the web host
 * (32 random bytes, base64url), carried by the URL the CLI prints (`/?token=...`) and by the page's
 * WebSocket URL (`/ws?token=...`), and required by the WebSocket upgrade.
 *
 * Must stay true: tokens come from crypto.randomBytes; a token passed in (tests, a restarted host
 * keeping its open pages) is checked against WEB_TOKEN_RULE before use; comparison hashes both sides
 * to the same length and compares with crypto.timingSafeEqual, so its time says nothing of the token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** Random bytes in a generated token (256 bits; base64url makes them 43 characters). */
export const WEB_TOKEN_BYTES = 32

/** What a token passed in must be, in words (shown when it is not). */
export const WEB_TOKEN_RULE = '16 to 256 characters of A-Z, a-z, 0-9, - and _ (base64url)'

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,256}$/

/** Makes a new random token: WEB_TOKEN_BYTES from crypto.randomBytes, as base64url (no padding). */
export function newWebToken(): string {
  return randomBytes(WEB_TOKEN_BYTES).toString('base64url')
}

/**
 * Checks a token passed in (`--token`, BROKERLAB_TOKEN, WebHostOptions.token).
 * @returns null when it is usable, else the problem in words naming WEB_TOKEN_RULE.
 */
export function webTokenProblem(token: string): string | null {
  if (TOKEN_PATTERN.test(token)) return null
  return `the token must be ${WEB_TOKEN_RULE}; got ${token.length} characters${/^[A-Za-z0-9_-]*$/.test(token) ? '' : ' including others'}`
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

/**
 * Whether `given` (from a request; null when absent) is the run's token. Both sides are hashed with
 * SHA-256 first, so crypto.timingSafeEqual compares equal lengths and the time taken does not
 * depend on where, or whether, they differ.
 */
export function webTokenMatches(expected: string, given: string | null): boolean {
  if (given === null) return false
  return timingSafeEqual(digest(expected), digest(given))
}
