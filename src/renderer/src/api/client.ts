/**
 * The renderer's one api client: picks the transport (IPC when the preload exposed
 * `window.brokerlab`, else a WebSocket to `ws://<location.host>/ws?token=...` with the run's token,
 * see page-token.ts) and offers one typed function per contract request. Stores call these; views
 * never touch a transport.
 *
 * Must stay true: every wrapper resolves with the response data or throws ApiError (never a raw
 * Reply); `setApi` replaces the transport (tests pass a fake).
 */
import { ref } from 'vue'
import type { BrokerlabApi, ContractEvents, EventName, RequestName, RequestOf, ResponseOf } from '../../../shared/contract'
import { ApiError } from './api-error'
import { ipcTransport } from './ipc-transport'
import { wsTransport, type WsState } from './ws-transport'
import { contractSocketUrl, takePageToken, TOKEN_STORAGE_KEY } from './page-token'

let current: BrokerlabApi | null = null

/** Transport connection state; always 'open' for IPC. */
export const connectionState = ref<WsState>('connecting')
/** Which transport is in use, for the status bar. */
export const transportKind = ref<'ipc' | 'ws' | 'custom'>('custom')
/** Whether browser mode has the run's token (from the page URL or kept from it); always true for IPC. */
export const hasToken = ref(true)

/** Chooses and creates the transport for this window. Called once by main.ts. */
export function createDefaultApi(): BrokerlabApi {
  if (typeof window !== 'undefined' && window.brokerlab) {
    transportKind.value = 'ipc'
    connectionState.value = 'open'
    return ipcTransport(window.brokerlab)
  }
  transportKind.value = 'ws'
  const token = takePageToken(location, sessionStorage, history)
  hasToken.value = token !== null
  return wsTransport(contractSocketUrl(location.host, token), { onState: (s) => (connectionState.value = s) })
}

/** Sets the transport used by every wrapper (main.ts at start, tests with a fake). */
export function setApi(api: BrokerlabApi): void {
  current = api
}

function api(): BrokerlabApi {
  if (!current) current = createDefaultApi()
  return current
}

/**
 * Sends one request and unwraps the reply.
 * @throws ApiError with the contract error's code and message when the reply is not ok.
 */
export async function call<N extends RequestName>(name: N, req: RequestOf<N>): Promise<ResponseOf<N>> {
  const reply = await api().request(name, req)
  if (!reply.ok) throw new ApiError(reply.error)
  return reply.data
}

/** Subscribes to a pushed event; returns the unsubscribe function. */
export function onEvent<E extends EventName>(event: E, listener: (payload: ContractEvents[E]) => void): () => void {
  return api().on(event, listener)
}

type Req<N extends RequestName> = RequestOf<N>

/** Typed wrappers, one per request, grouped by noun. */
export const clusterApi = {
  snapshot: () => call('cluster/snapshot', {}),
  /** The cluster events after `afterSeq`, oldest first (at most `limit`, default 1000). */
  events: (afterSeq: number, limit?: number) => call('cluster/events', limit === undefined ? { afterSeq } : { afterSeq, limit }),
  stopBroker: (brokerId: number) => call('broker/stop', { brokerId }),
  startBroker: (brokerId: number) => call('broker/start', { brokerId }),
  setBrokerFetching: (brokerId: number, paused: boolean) => call('broker/fetching', { brokerId, paused }),
  /** kill -9 of a running broker (no controlled shutdown). */
  killBroker: (brokerId: number) => call('broker/kill', { brokerId }),
  /** Delays every request the broker serves or sends by delayMs (1 to 300000). */
  slowBroker: (brokerId: number, delayMs: number) => call('broker/slow', { brokerId, delayMs }),
  /** Cuts the broker off from the controller and the other brokers. */
  isolateBroker: (brokerId: number) => call('broker/isolate', { brokerId }),
  /** Undoes slow and isolate. */
  healBroker: (brokerId: number) => call('broker/heal', { brokerId }),
  /** kafka-leader-election: preferred or unclean, of every partition, a topic's, or one partition. */
  electLeaders: (req: Req<'cluster/elect-leaders'>) => call('cluster/elect-leaders', req)
}

export const listenerApi = {
  settings: () => call('listener/settings', {}),
  setBasePort: (basePort: number) => call('listener/base-port', { basePort })
}

export const topicApi = {
  list: (req: Req<'topic/list'> = {}) => call('topic/list', req),
  describe: (topic: string) => call('topic/describe', { topic }),
  create: (req: Req<'topic/create'>) => call('topic/create', req),
  alter: (req: Req<'topic/alter'>) => call('topic/alter', req),
  remove: (topic: string) => call('topic/delete', { topic }),
  defaults: () => call('topic/defaults', {}),
  segments: (topic: string, partition: number) => call('topic/segments', { topic, partition }),
  /** Each replica's lag behind the leader over the last 5 minutes. */
  replicaLagHistory: (topic: string, partition: number) => call('topic/replica-lag-history', { topic, partition }),
  offsets: (topic: string) => call('offsets/list', { topic })
}

export const produceApi = {
  send: (req: Req<'produce/send'>) => call('produce/send', req)
}

export const messagesApi = {
  fetch: (req: Req<'messages/fetch'>) => call('messages/fetch', req),
  tail: (req: Req<'messages/tail'>) => call('messages/tail', req),
  searchStart: (req: Req<'messages/search-start'>) => call('messages/search-start', req),
  searchPoll: (req: Req<'messages/search-poll'>) => call('messages/search-poll', req),
  searchStop: (searchId: string) => call('messages/search-stop', { searchId }),
  exportStart: (req: Req<'messages/export-start'>) => call('messages/export-start', req),
  exportStatus: (exportId: string) => call('messages/export-status', { exportId }),
  exportCancel: (exportId: string) => call('messages/export-cancel', { exportId }),
  exportSave: (exportId: string, fileName: string) => call('messages/export-save', { exportId, fileName })
}

/**
 * Browser mode: the web host's download URL of an export (it needs the run's token, kept by
 * page-token.ts); null in the desktop app, which saves through messages/export-save instead.
 */
export function exportDownloadUrl(exportId: string, fileName: string): string | null {
  if (transportKind.value === 'ipc') return null
  const token = typeof sessionStorage !== 'undefined' ? sessionStorage.getItem(TOKEN_STORAGE_KEY) : null
  const q = new URLSearchParams({ ...(token ? { token } : {}), name: fileName })
  return `/export/${encodeURIComponent(exportId)}?${q.toString()}`
}

export const groupApi = {
  list: () => call('group/list', {}),
  describe: (groupId: string) => call('group/describe', { groupId }),
  details: (groupId: string) => call('group/details', { groupId }),
  delete: (groupId: string) => call('group/delete', { groupId }),
  consume: (req: Req<'group/consume'>) => call('group/consume', req),
  reset: (req: Req<'group/reset'>) => call('group/reset', req)
}

export const importApi = {
  upload: (req: Req<'import/upload'>) => call('import/upload', req),
  uploadChunk: (req: Req<'import/upload-chunk'>) => call('import/upload-chunk', req),
  sample: (req: Req<'import/sample'>) => call('import/sample', req),
  inspect: (req: Req<'import/inspect'>) => call('import/inspect', req),
  run: (req: Req<'import/run'>) => call('import/run', req),
  discard: (uploadId: string) => call('import/discard', { uploadId })
}
