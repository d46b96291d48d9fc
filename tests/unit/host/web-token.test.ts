/** The per-run token of browser mode: random, base64url, checked when passed in, compared exactly. */
import { describe, expect, it } from 'vitest'
import { newWebToken, webTokenMatches, webTokenProblem } from '../../../src/host/web-token'

describe('web token', () => {
  it('is 32 random bytes as base64url, different each time', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => newWebToken()))
    expect(tokens.size).toBe(50)
    for (const t of tokens) {
      expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(Buffer.from(t, 'base64url')).toHaveLength(32)
      expect(webTokenProblem(t)).toBeNull()
    }
  })

  it('matches only the exact token', () => {
    const t = newWebToken()
    expect(webTokenMatches(t, t)).toBe(true)
    expect(webTokenMatches(t, null)).toBe(false)
    expect(webTokenMatches(t, '')).toBe(false)
    expect(webTokenMatches(t, t.slice(1))).toBe(false)
    expect(webTokenMatches(t, `${t}A`)).toBe(false)
    expect(webTokenMatches(t, t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase())).toBe(false)
  })

  it('names the rule a token passed in breaks', () => {
    expect(webTokenProblem('x'.repeat(16))).toBeNull()
    expect(webTokenProblem('x'.repeat(15))).toBe('the token must be 16 to 256 characters of A-Z, a-z, 0-9, - and _ (base64url); got 15 characters')
    expect(webTokenProblem('x'.repeat(257))).toMatch(/got 257 characters$/)
    expect(webTokenProblem('sixteen chars+/=!')).toMatch(/including others$/)
  })
})
