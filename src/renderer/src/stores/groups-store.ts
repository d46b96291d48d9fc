/**
 * useGroupsStore: consumer groups (group/list), the selected group's describe rows, and the
 * "consume N records" and "reset offsets" actions.
 * Must stay true: after consume or reset the selected group and the list are refreshed.
 */
import { defineStore } from 'pinia'
import type { ContractError, GroupView } from '../../../shared/contract'
import { groupApi } from '../api/client'
import { useNoticeStore } from './notice-store'

export interface GroupsState {
  list: GroupView[]
  selected: string | null
  detail: GroupView | null
  loading: boolean
  busy: boolean
  error: ContractError | null
  lastConsumed: number | null
  /** Increments per select(); a describe reply for an older select is dropped. */
  selectSeq: number
}

export const useGroupsStore = defineStore('groups', {
  state: (): GroupsState => ({ list: [], selected: null, detail: null, loading: false, busy: false, error: null, lastConsumed: null, selectSeq: 0 }),
  actions: {
    /** Fetches group/list and, when a group is selected, its describe. */
    async refresh(): Promise<void> {
      this.loading = true
      try {
        this.list = await groupApi.list()
        this.error = null
        if (this.selected) await this.select(this.selected)
      } catch (e) {
        this.error = useNoticeStore().error(e, 'List consumer groups')
      } finally {
        this.loading = false
      }
    },
    /** Selects a group and loads its describe rows. */
    async select(groupId: string | null): Promise<void> {
      const seq = ++this.selectSeq
      this.selected = groupId
      if (!groupId) {
        this.detail = null
        return
      }
      try {
        const detail = await groupApi.describe(groupId)
        if (seq === this.selectSeq) this.detail = detail
      } catch (e) {
        if (seq !== this.selectSeq) return
        this.detail = null
        useNoticeStore().error(e, `Describe group ${groupId}`)
      }
    },
    /** Consumes (and commits) up to maxRecords of a topic as a group. */
    async consume(groupId: string, topic: string, maxRecords: number, fromBeginning: boolean): Promise<boolean> {
      this.busy = true
      try {
        const res = await groupApi.consume({ groupId, topic, maxRecords, fromBeginning })
        this.lastConsumed = res.consumed
        useNoticeStore().push('success', `Group ${groupId} consumed ${res.consumed} records from ${topic}`)
        this.selectSeq++
        this.selected = groupId
        this.detail = res.group
        await this.refresh()
        return true
      } catch (e) {
        useNoticeStore().error(e, `Consume as ${groupId}`)
        return false
      } finally {
        this.busy = false
      }
    },
    /** Resets a group's committed offsets on a topic to earliest or latest. */
    async reset(groupId: string, topic: string, to: 'earliest' | 'latest'): Promise<boolean> {
      this.busy = true
      try {
        this.detail = (await groupApi.reset({ groupId, topic, to })).group
        useNoticeStore().push('success', `Reset ${groupId} on ${topic} to ${to}`)
        await this.refresh()
        return true
      } catch (e) {
        useNoticeStore().error(e, `Reset offsets of ${groupId}`)
        return false
      } finally {
        this.busy = false
      }
    }
  }
})
