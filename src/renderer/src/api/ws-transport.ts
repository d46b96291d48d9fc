/**
 * The browser-mode transport: the contract over one WebSocket to the host (`ws://<host>/ws?token=...`).
 * Envelopes: sends `{id, name, payload}`; receives `{id, reply}` (reply is the contract's Reply) or
 * `{event, payload}` pushes.
 *
 * Must stay true: every request settles exactly once (a reply, or a DISCONNECTED failure), and a
 * request whose caller was told it failed is never sent: nothing is replayed after a reconnect.
 * A request made while not connected is queued for at most `connectWaitMs` (default 5 s; the state
 * is then 'connecting' or 'closed' between attempts): it is sent when the socket opens, or fails
 * with DISCONNECTED unsent when the wait ends first. When a socket closes (whether it had opened or
 * not), every queued request fails unsent and every sent one fails with DISCONNECTED (its outcome on
 * the host is then unknown); all are dropped. Event listeners survive reconnects (they belong to the
 * transport, not to a socket). Reconnects back off from 250 ms doubling to 5 s. A request bigger
 * than the host takes (WS_MAX_MESSAGE_BYTES) is refused here with INVALID_REQUEST saying so, rather
 * than sent and answered by a closed socket.
 */
import { WS_MAX_MESSAGE_BYTES, type BrokerlabApi, type ContractEvents, type EventName, type Reply } from '../../../shared/contract'

/** Connection state, for the status badge. */
export type WsState = 'connecting' | 'open' | 'closed'

/** Minimal WebSocket surface used here, so tests can pass a fake. */
export interface SocketLike {
  readyState: number
  send(data: string): void
  close(): void
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onerror: ((ev: unknown) => void) | null
}

/** Options of `wsTransport`; defaults use the browser's WebSocket and timers. */
export interface WsTransportOptions {
  createSocket?: (url: string) => SocketLike
  onState?: (state: WsState) => void
  /** Reconnect delays in ms: first, cap. */
  backoff?: { initialMs: number; maxMs: number }
  /** Largest request in bytes (default WS_MAX_MESSAGE_BYTES, what the host accepts). */
  maxMessageBytes?: number
  /**
   * Longest a request made while not connected waits for the socket to open, in ms (default
   * DEFAULT_CONNECT_WAIT_MS); then it fails with DISCONNECTED without being sent.
   */
  connectWaitMs?: number
}

/** Default of `connectWaitMs`: 5 s, the longest reconnect back-off, so one attempt always fits. */
export const DEFAULT_CONNECT_WAIT_MS = 5000

const MIB = 1024 * 1024

type Settle = (reply: Reply<unknown>) => void

/** A request not sent yet: it waits for the socket to open, at most until its timer fires. */
interface Queued {
  text: string
  settle: Settle
  timer: ReturnType<typeof setTimeout>
}

function disconnected(message: string): Reply<never> {
  return { ok: false, error: { code: 'DISCONNECTED', message } }
}

/**
 * Opens (and keeps open) a WebSocket to `url` and implements the contract over it.
 * @param url e.g. `ws://127.0.0.1:5199/ws?token=...` (the token is not logged in messages).
 * @returns the contract, plus `close()`: stops reconnecting and fails what is queued or in flight.
 */
export function wsTransport(url: string, options: WsTransportOptions = {}): BrokerlabApi & { close(): void } {
  const createSocket = options.createSocket ?? ((u: string) => new WebSocket(u) as unknown as SocketLike)
  const initialMs = options.backoff?.initialMs ?? 250
  const maxMs = options.backoff?.maxMs ?? 5000
  const maxMessageBytes = options.maxMessageBytes ?? WS_MAX_MESSAGE_BYTES
  const connectWaitMs = options.connectWaitMs ?? DEFAULT_CONNECT_WAIT_MS
  /** Where messages say we connect: the URL without its query (the token stays out of the UI). */
  const where = url.split('?')[0]
  /** Requests sent on the open socket, waiting for their reply. */
  const pending = new Map<number, Settle>()
  /** Requests made while not connected, in order; never sent once settled. */
  const queue = new Map<number, Queued>()
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  let nextId = 1
  let delay = initialMs
  let socket: SocketLike | null = null
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null
  let closedByUser = false

  /** Settles every queued and every sent request with DISCONNECTED and forgets them. */
  function failAll(queuedMessage: string, pendingMessage: string): void {
    for (const [id, q] of queue) {
      queue.delete(id)
      clearTimeout(q.timer)
      q.settle(disconnected(queuedMessage))
    }
    for (const [id, settle] of pending) {
      pending.delete(id)
      settle(disconnected(pendingMessage))
    }
  }

  function connect(): void {
    reconnectTimer = null
    options.onState?.('connecting')
    const s = createSocket(url)
    socket = s
    s.onopen = () => {
      if (socket !== s) return
      delay = initialMs
      options.onState?.('open')
      for (const [id, q] of queue) {
        queue.delete(id)
        clearTimeout(q.timer)
        pending.set(id, q.settle)
        s.send(q.text)
      }
    }
    s.onmessage = (ev) => {
      if (socket === s) handleMessage(ev.data)
    }
    s.onerror = () => {
      /* onclose follows and handles it */
    }
    s.onclose = () => {
      if (socket !== s) return
      socket = null
      options.onState?.('closed')
      failAll(
        `Could not connect to ${where}: the request was not sent.`,
        `Connection to ${where} closed before the reply arrived: the host may or may not have applied the request.`
      )
      if (!closedByUser) {
        reconnectTimer = setTimeout(connect, delay)
        delay = Math.min(delay * 2, maxMs)
      }
    }
  }

  function handleMessage(data: unknown): void {
    let msg: { id?: number; reply?: Reply<unknown>; event?: EventName; payload?: unknown }
    try {
      msg = JSON.parse(String(data))
    } catch {
      return
    }
    if (typeof msg.id === 'number' && msg.reply) {
      const settle = pending.get(msg.id)
      pending.delete(msg.id)
      settle?.(msg.reply)
    } else if (msg.event) {
      for (const l of listeners.get(msg.event) ?? []) l(msg.payload)
    }
  }

  connect()

  return {
    request(name, req) {
      if (closedByUser) return Promise.resolve(disconnected(`The connection to ${where} was closed by the app: the request was not sent.`))
      const id = nextId++
      const text = JSON.stringify({ id, name, payload: req })
      // UTF-8 takes at most 3 bytes per UTF-16 unit: count exactly only near the limit.
      const bytes = text.length * 3 <= maxMessageBytes ? text.length : new TextEncoder().encode(text).length
      if (bytes > maxMessageBytes) {
        const size = (n: number): string => `${(n / MIB).toFixed(n < 10 * MIB ? 1 : 0)} MiB`
        return Promise.resolve({
          ok: false,
          error: {
            code: 'INVALID_REQUEST',
            message: `This ${name} request is ${size(bytes)}; browser mode sends at most ${size(maxMessageBytes)} per request. Use the desktop app, or \`brokerlab import FILE\` for a large file.`
          }
        })
      }
      return new Promise((resolve) => {
        const settle = resolve as Settle
        if (socket && socket.readyState === 1) {
          pending.set(id, settle)
          socket.send(text)
          return
        }
        const timer = setTimeout(() => {
          if (!queue.delete(id)) return
          settle(disconnected(`Not connected to ${where} (waited ${connectWaitMs / 1000} s for the connection): the request was not sent.`))
        }, connectWaitMs)
        queue.set(id, { text, settle, timer })
      })
    },
    on<E extends EventName>(event: E, listener: (payload: ContractEvents[E]) => void) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      const l = listener as (payload: unknown) => void
      set.add(l)
      return () => set.delete(l)
    },
    close() {
      if (closedByUser) return
      closedByUser = true
      if (reconnectTimer) clearTimeout(reconnectTimer)
      reconnectTimer = null
      const s = socket
      socket = null
      s?.close()
      options.onState?.('closed')
      failAll(
        `The connection to ${where} was closed by the app: the request was not sent.`,
        `The connection to ${where} was closed by the app before the reply arrived: the host may or may not have applied the request.`
      )
    }
  }
}
