/**
 * useNoticeStore: the messages the UI shows as toasts (NMessage). Stores push errors and
 * confirmations here; `app-notifier.vue` drains the queue, tells the store which toasts are still
 * shown, and closes the error and warning toasts when the user moves to another view. Keeps stores
 * free of UI code.
 * Must stay true: an error notice names the Kafka error code and its message; a notice identical to
 * one still shown is not shown again (errors do not pile up); at most MAX_SHOWN_NOTICES are shown,
 * the oldest closing first; every error and warning toast can be closed.
 */
import { defineStore } from 'pinia'
import type { ContractError } from '../../../shared/contract'
import { toContractError } from '../api/api-error'

/** Toasts shown at once. */
export const MAX_SHOWN_NOTICES = 3

/** One toast. */
export interface Notice {
  id: number
  kind: 'error' | 'warning' | 'success' | 'info'
  text: string
}

export interface NoticeState {
  queue: Notice[]
  /** Toasts on screen (drained and not yet closed), oldest first. */
  shown: Notice[]
  /** Ids the notifier must close (older than the newest MAX_SHOWN_NOTICES, or errors left behind a view). */
  toClose: number[]
  nextId: number
  /** Last error shown, for views that want to keep it visible. */
  lastError: ContractError | null
}

/** Formats a contract error as one line of words: "CODE: message". */
export function errorText(error: ContractError): string {
  return `${error.code}: ${error.message}`
}

export const useNoticeStore = defineStore('notice', {
  state: (): NoticeState => ({ queue: [], shown: [], toClose: [], nextId: 1, lastError: null }),
  actions: {
    /** Queues a toast, unless the same one is queued or still shown. */
    push(kind: Notice['kind'], text: string): void {
      const same = (n: Notice) => n.kind === kind && n.text === text
      if (this.queue.some(same) || this.shown.some(same)) return
      this.queue.push({ id: this.nextId++, kind, text })
    },
    /** Queues an error toast for anything thrown; returns the ContractError shown. */
    error(e: unknown, context?: string): ContractError {
      const err = toContractError(e)
      this.lastError = err
      this.push('error', context ? `${context}: ${errorText(err)}` : errorText(err))
      return err
    },
    /** Removes and returns the queued toasts, now shown; the oldest beyond MAX_SHOWN_NOTICES are to close. */
    drain(): Notice[] {
      const out = this.queue
      this.queue = []
      this.shown.push(...out)
      while (this.shown.length > MAX_SHOWN_NOTICES) this.toClose.push((this.shown.shift() as Notice).id)
      return out
    },
    /** The notifier closed toast `id` (timed out, closed by the user, or asked to). */
    closed(id: number): void {
      this.shown = this.shown.filter((n) => n.id !== id)
    },
    /** The user moved to another view: errors and warnings about the last one close. */
    leftView(): void {
      for (const n of this.shown) if (n.kind === 'error' || n.kind === 'warning') this.toClose.push(n.id)
      this.shown = this.shown.filter((n) => n.kind !== 'error' && n.kind !== 'warning')
      this.queue = this.queue.filter((n) => n.kind !== 'error' && n.kind !== 'warning')
    },
    /** Removes and returns the ids to close. */
    takeToClose(): number[] {
      const out = this.toClose
      this.toClose = []
      return out
    }
  }
})
