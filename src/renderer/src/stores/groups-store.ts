/**
 * useGroupsStore: consumer groups (group/list), the selected group's describe rows, the "consume N
 * records" action, and the offset reset: a dry run (group/reset without executing, the plan
 * `kafka-consumer-groups --reset-offsets` prints) to preview, then Execute of exactly that request.
 * Must stay true: after consume or an executed reset the selected group and the list are
 * refreshed; Execute sends the previewed request, never another.
 */
import { defineStore } from 'pinia'
import type { ContractError, GroupView, RequestOf, ResetPlanRow } from '../../../shared/contract'
import { groupApi } from '../api/client'
import { toContractError } from '../api/api-error'
import { useNoticeStore } from './notice-store'

/** A reset request as the dialog builds it (dry run or not is the store's choice). */
export type ResetRequest = Omit<RequestOf<'group/reset'>, 'dryRun'>

/** A dry run's plan, for the request it was made for. */
export interface ResetPreview {
  req: ResetRequest
  plan: ResetPlanRow[]
}

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
  /** The last dry run's plan, null before one or after an execute. */
  resetPreview: ResetPreview | null
  /** Why the last preview or execute failed (e.g. NON_EMPTY_GROUP), shown in the dialog. */
  resetError: ContractError | null
  resetBusy: boolean
}

export const useGroupsStore = defineStore('groups', {
  state: (): GroupsState => ({
    list: [],
    selected: null,
    detail: null,
    loading: false,
    busy: false,
    error: null,
    lastConsumed: null,
    selectSeq: 0,
    resetPreview: null,
    resetError: null,
    resetBusy: false
  }),
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
    /** Dry run of `req` (nothing is committed): the plan to preview, or the reason it is refused. */
    async previewReset(req: ResetRequest): Promise<boolean> {
      this.resetBusy = true
      this.resetPreview = null
      try {
        const res = await groupApi.reset({ ...req, dryRun: true })
        this.resetPreview = { req, plan: res.plan }
        this.resetError = null
        return true
      } catch (e) {
        this.resetError = toContractError(e)
        return false
      } finally {
        this.resetBusy = false
      }
    },
    /** Forgets the preview (the dialog's target changed or it closed). */
    clearResetPreview(): void {
      this.resetPreview = null
      this.resetError = null
    },
    /** Commits the previewed plan's request; refreshes the group and the list. */
    async executeReset(): Promise<boolean> {
      const preview = this.resetPreview
      if (!preview) return false
      this.resetBusy = true
      try {
        const res = await groupApi.reset({ ...preview.req, dryRun: false })
        this.resetPreview = null
        this.resetError = null
        const n = res.plan.length
        useNoticeStore().push('success', `Reset ${preview.req.groupId} on ${preview.req.topic}: ${n} partition${n === 1 ? '' : 's'} committed`)
        this.selectSeq++
        this.selected = preview.req.groupId
        this.detail = res.group
        await this.refresh()
        return true
      } catch (e) {
        this.resetError = toContractError(e)
        return false
      } finally {
        this.resetBusy = false
      }
    }
  }
})
