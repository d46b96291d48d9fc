/**
 * useListenerStore: the brokers' listener settings of the host (listener/settings): the base port in
 * use, the one stored with the cluster, the broker count; and applying a new base port
 * (listener/base-port: stored, and the listeners move), for the "Listener base port" field.
 * Must stay true: a failed apply changes nothing here and becomes a notice naming the rule; after a
 * successful one the cluster snapshot is refreshed, so the broker table shows the new addresses.
 */
import { defineStore } from 'pinia'
import type { ContractError, ListenerSettingsView } from '../../../shared/contract'
import { listenerApi } from '../api/client'
import { useClusterStore } from './cluster-store'
import { useNoticeStore } from './notice-store'

export interface ListenerState {
  settings: ListenerSettingsView | null
  error: ContractError | null
  applying: boolean
}

export const useListenerStore = defineStore('listener', {
  state: (): ListenerState => ({ settings: null, error: null, applying: false }),
  actions: {
    /** Fetches the settings now. */
    async load(): Promise<void> {
      try {
        this.settings = await listenerApi.settings()
        this.error = null
      } catch (e) {
        this.error = useNoticeStore().error(e, 'Listener settings')
      }
    },
    /** Stores `basePort` with the cluster and moves the listeners there; returns whether it worked. */
    async apply(basePort: number): Promise<boolean> {
      this.applying = true
      try {
        this.settings = await listenerApi.setBasePort(basePort)
        this.error = null
        useNoticeStore().push('success', `The brokers' listeners moved to base port ${basePort}`)
        await useClusterStore().refresh()
        return true
      } catch (e) {
        this.error = useNoticeStore().error(e, 'Listener base port')
        return false
      } finally {
        this.applying = false
      }
    }
  }
})
