/**
 * The host's open searches and exports, by random id: at most `maxSessions` at once, each forgotten
 * (and closed) once nobody asked for it for `idleMs` (a tab closed mid-search, a download
 * abandoned), checked every few seconds on an unref'd timer.
 *
 * Must stay true: ids are unguessable (96 random bits, base64url); a forgotten session is closed
 * exactly once; the timer never keeps the process alive.
 */
import { randomBytes } from 'node:crypto'
import { KafkaError } from '../../broker/model/errors'
import { MessagesError } from './messages-error'

/** What the registry needs of a session. */
export interface Session {
  /** Stops its work and releases what it holds. Called once, when it is removed. */
  close(): void
}

/** How often idle sessions are looked for, in ms. */
const SWEEP_MS = 5000

/** Sessions by id with an idle expiry; see the module comment. */
export class SessionRegistry<S extends Session> {
  private readonly sessions = new Map<string, { session: S; lastUsed: number }>()
  private timer: ReturnType<typeof setInterval> | null = null

  /**
   * @param what names the sessions in errors ("search", "export").
   * @param clock ms since the epoch.
   */
  constructor(
    private readonly what: 'search' | 'export',
    private readonly maxSessions: number,
    private readonly idleMs: number,
    private readonly clock: () => number
  ) {}

  /**
   * Registers a session under a new id.
   * @throws KafkaError POLICY_VIOLATION when `maxSessions` are open already (the session is closed).
   */
  add(session: S): string {
    this.sweep()
    if (this.sessions.size >= this.maxSessions) {
      session.close()
      throw new KafkaError(
        'POLICY_VIOLATION',
        `${this.sessions.size} ${this.what === 'search' ? 'searches' : 'exports'} are open already (at most ${this.maxSessions}): stop one, or wait ${Math.round(this.idleMs / 1000)} s for abandoned ones to expire`
      )
    }
    const id = randomBytes(12).toString('base64url')
    this.sessions.set(id, { session, lastUsed: this.clock() })
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), SWEEP_MS)
      this.timer.unref?.()
    }
    return id
  }

  /**
   * The session `id`, marked as used now.
   * @throws MessagesError SEARCH_NOT_FOUND / EXPORT_NOT_FOUND when there is none (never was, ended and
   *   was forgotten, or the engine restarted).
   */
  get(id: string): S {
    const entry = this.sessions.get(id)
    if (!entry)
      throw new MessagesError(
        this.what === 'search' ? 'SEARCH_NOT_FOUND' : 'EXPORT_NOT_FOUND',
        `No ${this.what} ${id}: it ended and was forgotten, was never started, or the engine restarted since`
      )
    entry.lastUsed = this.clock()
    return entry.session
  }

  /** The session `id` if it is open, without marking it used. */
  peek(id: string): S | undefined {
    return this.sessions.get(id)?.session
  }

  /** Closes and forgets `id` (nothing when unknown). */
  remove(id: string): void {
    const entry = this.sessions.get(id)
    if (!entry) return
    this.sessions.delete(id)
    entry.session.close()
    if (this.sessions.size === 0 && this.timer) {
      clearInterval(this.timer)
      this.timer = null
    }
  }

  /** Open sessions. */
  get size(): number {
    return this.sessions.size
  }

  /** Closes and forgets the sessions idle for idleMs or more. */
  sweep(): void {
    const now = this.clock()
    for (const [id, e] of [...this.sessions]) if (now - e.lastUsed >= this.idleMs) this.remove(id)
  }

  /** Closes and forgets every session. */
  clear(): void {
    for (const id of [...this.sessions.keys()]) this.remove(id)
  }
}
