/**
 * A fake BrokerlabApi for renderer store tests: handlers per request name (each returns the data or
 * throws a ContractError-shaped object to produce a failed Reply), a log of calls, and `emit` to
 * push events to subscribers.
 */
import type { BrokerlabApi, ContractError, ContractEvents, EventName, Reply, RequestName, RequestOf, ResponseOf } from '../../../src/shared/contract'

export type FakeHandlers = { [N in RequestName]?: (req: RequestOf<N>) => ResponseOf<N> }

/** Thrown inside a fake handler to make the reply `{ ok: false, error }`. */
export class FakeFailure {
  constructor(readonly error: ContractError) {}
}

export interface FakeApi extends BrokerlabApi {
  calls: { name: RequestName; req: unknown }[]
  emit<E extends EventName>(event: E, payload: ContractEvents[E]): void
}

export function fakeApi(handlers: FakeHandlers): FakeApi {
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const calls: { name: RequestName; req: unknown }[] = []
  return {
    calls,
    async request<N extends RequestName>(name: N, req: RequestOf<N>): Promise<Reply<ResponseOf<N>>> {
      calls.push({ name, req })
      const h = handlers[name] as ((r: RequestOf<N>) => ResponseOf<N>) | undefined
      if (!h) return { ok: false, error: { code: 'INVALID_REQUEST', message: `no fake handler for ${name}` } }
      try {
        return { ok: true, data: h(req) }
      } catch (e) {
        if (e instanceof FakeFailure) return { ok: false, error: e.error }
        throw e
      }
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener as (p: unknown) => void)
      return () => set.delete(listener as (p: unknown) => void)
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload)
    }
  }
}
