/**
 * RequestMetrics: one broker's request and error meters, as Kafka's RequestMetrics
 * (`kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Produce` and
 * `name=ErrorsPerSec,request=...,error=NOT_LEADER_OR_FOLLOWER`). KafkaApis records every request it
 * parsed the header of, by API name, and every error code its answer carries, by Kafka's error name;
 * `activity()` reads them back with the connected clients for the UI (issue 10).
 *
 * Errors are counted as Kafka's AbstractResponse.errorCounts does: each `errorCode` field anywhere in
 * the response body (top level, per topic, per partition) counts once; NONE (0) is not kept.
 *
 * Must stay true: counts live in memory only (they restart with the process); rates are averages over
 * the last RATE_AVERAGE_SECONDS seconds (the current, partial second included), from the injected
 * clock; the lists are bounded by the number of APIs and error codes, so any client load keeps them
 * small.
 */
import { KAFKA_ERROR_CODES } from '../model/errors'
import { RateMeter } from '../metrics/rate-meter'
import type { ConnectedClient } from './connected-clients'

/** Seconds a rate is averaged over (Kafka's meters show a one-minute rate). */
export const RATE_AVERAGE_SECONDS = 60

/** Requests of one API on one broker. */
export interface ApiRequestRate {
  /** Kafka's API name, e.g. "Produce", "Fetch", "Metadata". */
  api: string
  apiKey: number
  /** Requests since the broker's KafkaApis was made. */
  total: number
  /** Requests per second, averaged over the last RATE_AVERAGE_SECONDS seconds. */
  perSec: number
}

/** Answers that carried one error code, on one broker. */
export interface ErrorCodeRate {
  /** Kafka's error name, e.g. "NOT_LEADER_OR_FOLLOWER" ("UNKNOWN_ERROR_CODE_<n>" for a code the table lacks). */
  error: string
  code: number
  /** `errorCode` fields with this code since the broker's KafkaApis was made. */
  total: number
  /** Per second, averaged over the last RATE_AVERAGE_SECONDS seconds. */
  perSec: number
}

/** What a broker's clients do: who is connected, requests by API, errors by code. */
export interface BrokerActivity {
  /** The open connections' clients, ordered by connection time (oldest first). */
  clients: ConnectedClient[]
  /** One row per API seen, busiest (per second, then total) first. */
  requests: ApiRequestRate[]
  /** One row per error code seen, most frequent first. */
  errors: ErrorCodeRate[]
}

const ERROR_NAMES = new Map<number, string>(Object.entries(KAFKA_ERROR_CODES).map(([name, code]) => [code as number, name]))

/** Kafka's name of error `code` ("UNKNOWN_ERROR_CODE_<n>" when the table lacks it). */
export function errorName(code: number): string {
  return ERROR_NAMES.get(code) ?? `UNKNOWN_ERROR_CODE_${code}`
}

interface Counter {
  total: number
  meter: RateMeter
}

/** The meters of one broker (see the module header). */
export class RequestMetrics {
  private readonly byApi = new Map<number, Counter & { api: string }>()
  private readonly byError = new Map<number, Counter>()

  /** @param clock ms since the epoch (the rates' time base). */
  constructor(private readonly clock: () => number) {}

  /** Counts one request of API `apiKey` (Kafka's name `api`). */
  recordRequest(apiKey: number, api: string): void {
    let c = this.byApi.get(apiKey)
    if (!c) this.byApi.set(apiKey, (c = { api, total: 0, meter: new RateMeter(this.clock) }))
    c.total++
    c.meter.record()
  }

  /** Counts every non-zero `errorCode` field of a response body (objects and arrays, any depth; byte fields skipped). */
  recordErrors(body: unknown): void {
    this.walk(body, 0)
  }

  /** The requests by API and errors by code now (rates over the last RATE_AVERAGE_SECONDS seconds). */
  rates(): { requests: ApiRequestRate[]; errors: ErrorCodeRate[] } {
    const requests = [...this.byApi].map(([apiKey, c]) => ({ api: c.api, apiKey, total: c.total, perSec: this.perSec(c.meter) }))
    requests.sort((a, b) => b.perSec - a.perSec || b.total - a.total || a.apiKey - b.apiKey)
    const errors = [...this.byError].map(([code, c]) => ({ error: errorName(code), code, total: c.total, perSec: this.perSec(c.meter) }))
    errors.sort((a, b) => b.perSec - a.perSec || b.total - a.total || a.code - b.code)
    return { requests, errors }
  }

  private perSec(meter: RateMeter): number {
    const now = Math.floor(this.clock() / 1000)
    let sum = 0
    for (let s = now - RATE_AVERAGE_SECONDS + 1; s <= now; s++) sum += meter.valueAt(s)
    return sum / RATE_AVERAGE_SECONDS
  }

  private walk(v: unknown, depth: number): void {
    if (v === null || typeof v !== 'object' || depth > 8 || v instanceof Uint8Array) return
    if (Array.isArray(v)) {
      for (const x of v) this.walk(x, depth + 1)
      return
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'errorCode') {
        if (typeof x === 'number' && x !== 0) this.countError(x)
      } else if (typeof x === 'object') this.walk(x, depth + 1)
    }
  }

  private countError(code: number): void {
    let c = this.byError.get(code)
    if (!c) this.byError.set(code, (c = { total: 0, meter: new RateMeter(this.clock) }))
    c.total++
    c.meter.record()
  }
}
