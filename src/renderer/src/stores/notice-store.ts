/**
 * useNoticeStore: the queue of messages the UI shows as toasts (NMessage). Stores push errors and
 * confirmations here; `app-notifier.vue` drains the queue. Keeps stores free of UI code.
 * Must stay true: an error notice names the Kafka error code and its message.
 */
import { defineStore } from 'pinia'
import type { ContractError } from '../../../shared/contract'
import { toContractError } from '../api/api-error'

/** One toast. */
export interface Notice {
  id: number
  kind: 'error' | 'warning' | 'success' | 'info'
  text: string
}

export interface NoticeState {
  queue: Notice[]
  nextId: number
  /** Last error shown, for views that want to keep it visible. */
  lastError: ContractError | null
}

/** Formats a contract error as one line of words: "CODE: message". */
export function errorText(error: ContractError): string {
  return `${error.code}: ${error.message}`
}

export const useNoticeStore = defineStore('notice', {
  state: (): NoticeState => ({ queue: [], nextId: 1, lastError: null }),
  actions: {
    /** Queues a toast. */
    push(kind: Notice['kind'], text: string): void {
      this.queue.push({ id: this.nextId++, kind, text })
    },
    /** Queues an error toast for anything thrown; returns the ContractError shown. */
    error(e: unknown, context?: string): ContractError {
      const err = toContractError(e)
      this.lastError = err
      this.push('error', context ? `${context}: ${errorText(err)}` : errorText(err))
      return err
    },
    /** Removes and returns the queued toasts. */
    drain(): Notice[] {
      const out = this.queue
      this.queue = []
      return out
    }
  }
})
