/**
 * useGroupsStore: consumer groups (group/list), the selected group's view (group/details: state,
 * assignor, generation, coordinator, members with their partitions, lag per partition with its
 * member, rebalance history), deleting a group (group/delete, refused by Kafka's rule while it has
 * members: the reason kept for the view to show), the "consume N records" action, and the offset
 * reset: a dry run (group/reset without executing, the plan `kafka-consumer-groups --reset-offsets`
 * prints) to preview, then Execute of exactly that request.
 * Must stay true: after consume, an executed reset or a delete the selected group and the list are
 * refreshed; Execute sends the previewed request, never another; a details reply for an older
 * selection never replaces the newer one's.
 */
import { defineStore } from 'pinia'
import type { ContractError, GroupDetailsView, GroupView, RequestOf, ResetPlanRow } from '../../../shared/contract'
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
  /** The selected group's view (group/details), null when none is selected or it could not be read. */
  details: GroupDetailsView | null
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
  /** Why the last delete was refused (e.g. NON_EMPTY_GROUP), shown by the view; null after a success, and a NON_EMPTY_GROUP once the group has no members. */
  deleteError: ContractError | null
  deleting: boolean
}

export const useGroupsStore = defineStore('groups', {
  state: (): GroupsState => ({
    list: [],
    selected: null,
    details: null,
    loading: false,
    busy: false,
    error: null,
    lastConsumed: null,
    selectSeq: 0,
    resetPreview: null,
    resetError: null,
    resetBusy: false,
    deleteError: null,
    deleting: false
  }),
  actions: {
    /** Fetches group/list and, when a group is selected, its details. */
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
    /** Selects a group and loads its details (a different group also forgets the last delete refusal). */
    async select(groupId: string | null): Promise<void> {
      const seq = ++this.selectSeq
      if (groupId !== this.selected) this.deleteError = null
      this.selected = groupId
      if (!groupId) {
        this.details = null
        return
      }
      try {
        const details = await groupApi.details(groupId)
        if (seq !== this.selectSeq) return
        this.details = details
        // Kafka refused the delete because of active members: once none is left the refusal is stale.
        if (this.deleteError?.code === 'NON_EMPTY_GROUP' && details.membership.members.length === 0) this.deleteError = null
      } catch (e) {
        if (seq !== this.selectSeq) return
        this.details = null
        useNoticeStore().error(e, `Describe group ${groupId}`)
      }
    },
    /**
     * Deletes a group with its committed offsets (kafka-consumer-groups --delete). Kafka refuses a
     * group with members (NON_EMPTY_GROUP): the refusal is kept in deleteError. On success the
     * selection is cleared and the list refreshed. @returns whether it was deleted.
     */
    async deleteGroup(groupId: string): Promise<boolean> {
      this.deleting = true
      try {
        await groupApi.delete(groupId)
        this.deleteError = null
        useNoticeStore().push('success', `Group ${groupId} deleted with its committed offsets`)
        if (this.selected === groupId) await this.select(null)
        await this.refresh()
        return true
      } catch (e) {
        const error = toContractError(e)
        await this.refresh()
        this.deleteError = error
        return false
      } finally {
        this.deleting = false
      }
    },
    /** Consumes (and commits) up to maxRecords of a topic as a group. */
    async consume(groupId: string, topic: string, maxRecords: number, fromBeginning: boolean): Promise<boolean> {
      this.busy = true
      try {
        const res = await groupApi.consume({ groupId, topic, maxRecords, fromBeginning })
        this.lastConsumed = res.consumed
        useNoticeStore().push('success', `Group ${groupId} consumed ${res.consumed} records from ${topic}`)
        this.selected = groupId
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
        this.selected = preview.req.groupId
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
