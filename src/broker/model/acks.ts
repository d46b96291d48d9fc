/**
 * The producer's `acks`: how many replicas must hold a record before a produce succeeds. Kafka's
 * producer config `acks` (0, 1, all) and ProduceRequest.acks (0, 1, -1 = all). Shared by the engine,
 * the contract's schemas and the UI.
 *
 * Must stay true: part of the engine's Node-free model (no `node:` imports); ACKS lists every value
 * the Acks type allows.
 */

/** Acknowledgement level of a produce, as the producer's `acks` config: 0, 1 or all (-1). */
export type Acks = 0 | 1 | 'all'

/**
 * Every acks value, in Kafka's documentation order: 0 (no acknowledgement), 1 (the leader
 * appended) and 'all' (every in-sync replica holds the records; -1 on the wire).
 */
export const ACKS: readonly Acks[] = Object.freeze([0, 1, 'all'] as const)

/** True when `value` is one of ACKS (0, 1 or 'all'). */
export function isAcks(value: unknown): value is Acks {
  return value === 0 || value === 1 || value === 'all'
}
