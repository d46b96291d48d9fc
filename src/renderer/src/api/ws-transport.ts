/**
 * The browser-mode transport: the contract over one WebSocket to the host (`ws://<host>/ws`).
 * Envelopes: sends `{id, name, payload}`; receives `{id, reply}` (reply is the contract's Reply) or
 * `{event, payload}` pushes.
 *
 * Must stay true: every request settles exactly once (a reply, or a DISCONNECTED failure when the
 * socket closes first); requests made while connecting are queued and sent on open; event listeners
 * survive reconnects (they belong to the transport, not to a socket). Reconnects back off from
 * 250 ms doubling to 5 s. A request bigger than the host takes (WS_MAX_MESSAGE_BYTES) is refused
 * here with INVALID_REQUEST saying so, rather than sent and answered by a closed socket.
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
}

const MIB = 1024 * 1024

type Pending = (reply: Reply<unknown>) => void

/**
 * Opens (and keeps open) a WebSocket to `url` and implements the contract over it.
 * @param url e.g. `ws://127.0.0.1:5199/ws`.
 */
export function wsTransport(url: string, options: WsTransportOptions = {}): BrokerlabApi & { close(): void } {
  const createSocket = options.createSocket ?? ((u: string) => new WebSocket(u) as unknown as SocketLike)
  const initialMs = options.backoff?.initialMs ?? 250
  const maxMs = options.backoff?.maxMs ?? 5000
  const maxMessageBytes = options.maxMessageBytes ?? WS_MAX_MESSAGE_BYTES
  const pending = new Map<number, Pending>()
  const queue: string[] = []
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  let nextId = 1
  let delay = initialMs
  let socket: SocketLike | null = null
  let closedByUser = false

  function connect(): void {
    options.onState?.('connecting')
    const s = createSocket(url)
    socket = s
    s.onopen = () => {
      delay = initialMs
      options.onState?.('open')
      while (queue.length > 0) s.send(queue.shift() as string)
    }
    s.onmessage = (ev) => handleMessage(ev.data)
    s.onerror = () => {
      /* onclose follows and handles it */
    }
    s.onclose = () => {
      if (socket !== s) return
      socket = null
      options.onState?.('closed')
      for (const [id, settle] of pending) {
        pending.delete(id)
        settle({ ok: false, error: { code: 'DISCONNECTED', message: `Connection to ${url} closed before the reply arrived` } })
      }
      if (!closedByUser) {
        setTimeout(connect, delay)
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
        pending.set(id, resolve as Pending)
        if (socket && socket.readyState === 1) socket.send(text)
        else queue.push(text)
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
      closedByUser = true
      socket?.close()
    }
  }
}
