/**
 * Runs a scenario's steps (scenario-step.ts) one after the other through the contract, in the
 * renderer: each step is one or a few ordinary requests (the same the views send), so a scenario
 * does nothing a user could not do by hand, and needs nothing new from the host.
 *
 * Must stay true: steps run strictly in order, each only after the previous one is done; the first
 * step that fails stops the run (later steps stay pending) and is reported with its error in words
 * (Kafka's error name and the engine's message, or what a wait last saw when it timed out); waits
 * use the injected clock (never wall time of their own), so tests drive them without sleeping; a
 * scenario with a variable used before it is bound fails before any request is sent. This folder
 * imports nothing but contract types (no api client, no Vue), so it also type-checks and runs in the
 * Node tests that drive it against a real engine.
 */
import type { ClusterSnapshot, ContractError, PartitionView, RequestName, RequestOf, ResponseOf, TopicDetail } from '../../../shared/contract'
import { unboundVariables, type BrokerVar, type PartitionCondition, type ScenarioStep } from './scenario-step'

/** Sends one contract request and resolves with its data (client.ts's `call`), or throws ApiError. */
export type ContractCall = <N extends RequestName>(name: N, req: RequestOf<N>) => Promise<ResponseOf<N>>

/** Time for waits: `now` in ms, `sleep` resolves after ms (a fake clock in tests advances at once). */
export interface ScenarioClock {
  now(): number
  sleep(ms: number): Promise<void>
}

/** The real clock. */
export const wallClock: ScenarioClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
}

/** Where a step is: pending (not reached), running, done (with what it found), failed (with why). */
export type StepStatus = 'pending' | 'running' | 'done' | 'failed'

/** A step's state as the panel shows it. */
export interface StepState {
  status: StepStatus
  /** What the step found or did, in words (e.g. "broker 2 leads scenario-acks-all-0, ISR [2, 3, 1]"); null until it ran. */
  detail: string | null
  /** Why it failed, as a contract error (code: Kafka's name, or SCENARIO_STEP_FAILED / TIMED_OUT); null unless failed. */
  error: ContractError | null
}

/** How a run ended: every step done, or the index of the one that failed and its error. */
export type RunOutcome = { ok: true; variables: Record<string, number> } | { ok: false; failedStep: number; error: ContractError }

/** What the runner needs. */
export interface RunOptions {
  call: ContractCall
  clock: ScenarioClock
  /** Pause between two polls of a wait, ms (e.g. 500). */
  pollMs: number
  /** Told of every state change of step `index`. */
  onStep: (index: number, state: StepState) => void
}

/** Pending states for a step list (what the panel shows before a run). */
export function pendingStates(count: number): StepState[] {
  return Array.from({ length: count }, () => ({ status: 'pending' as const, detail: null, error: null }))
}

/**
 * Anything thrown turned into a contract error: an ApiError (or any error carrying a string `code`)
 * keeps its code and message; anything else is UNKNOWN_ERROR with its message.
 */
export function errorOf(e: unknown): ContractError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code
    return { code: typeof code === 'string' ? code : 'UNKNOWN_ERROR', message: e.message }
  }
  return { code: 'UNKNOWN_ERROR', message: String(e) }
}

/** A step's failure that is not a contract error (a condition the step checks). */
class StepFailure extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

/** Variables of a run and the event mark of check-cluster. */
interface RunContext {
  vars: Map<BrokerVar, number>
  /** Newest event seq when the cluster was checked; await-event only sees later events. */
  eventMark: number
}

/**
 * Runs `steps` in order (see the module header).
 * @returns ok with the bound variables, or the failed step's index and error; never throws for a
 *   failing step (a throwing onStep propagates).
 */
export async function runScenarioSteps(steps: readonly ScenarioStep[], opts: RunOptions): Promise<RunOutcome> {
  const problems = unboundVariables(steps)
  if (problems.length > 0) {
    const error = { code: 'INVALID_SCENARIO', message: `The scenario cannot run: ${problems.join('; ')}` }
    opts.onStep(0, { status: 'failed', detail: null, error })
    return { ok: false, failedStep: 0, error }
  }
  const ctx: RunContext = { vars: new Map(), eventMark: 0 }
  for (let i = 0; i < steps.length; i++) {
    opts.onStep(i, { status: 'running', detail: null, error: null })
    try {
      const detail = await runStep(steps[i], ctx, opts)
      opts.onStep(i, { status: 'done', detail, error: null })
    } catch (e) {
      const error = e instanceof StepFailure ? { code: e.code, message: e.message } : errorOf(e)
      opts.onStep(i, { status: 'failed', detail: null, error })
      return { ok: false, failedStep: i, error }
    }
  }
  return { ok: true, variables: Object.fromEntries(ctx.vars) }
}

function varOf(ctx: RunContext, name: BrokerVar): number {
  const v = ctx.vars.get(name)
  if (v === undefined) throw new StepFailure('INVALID_SCENARIO', `"${name}" is not bound`)
  return v
}

function partitionOf(detail: TopicDetail, partition: number): PartitionView {
  const p = detail.partitionViews.find((v) => v.partition === partition)
  if (!p) throw new StepFailure('UNKNOWN_TOPIC_OR_PARTITION', `${detail.name} has no partition ${partition} (it has ${detail.partitions})`)
  return p
}

/** "leader broker 2, ISR [2, 3, 1]" or "no leader (offline), ISR [1]". */
function describePartition(p: PartitionView): string {
  return `${p.leader >= 0 ? `leader broker ${p.leader}` : 'no leader (offline)'}, ISR [${p.isr.join(', ')}]`
}

async function describe(opts: RunOptions, topic: string, partition: number): Promise<PartitionView> {
  return partitionOf(await opts.call('topic/describe', { topic }), partition)
}

/** Polls `probe` every pollMs until it returns a value (not null) or timeoutMs passed (then TIMED_OUT with `lastSeen()`). */
async function poll<T>(opts: RunOptions, timeoutMs: number, probe: () => Promise<T | null>, lastSeen: () => string): Promise<T> {
  const deadline = opts.clock.now() + timeoutMs
  for (;;) {
    const found = await probe()
    if (found !== null) return found
    if (opts.clock.now() >= deadline) throw new StepFailure('TIMED_OUT', `Still waiting after ${(timeoutMs / 1000).toFixed(1)} s: ${lastSeen()}`)
    await opts.clock.sleep(opts.pollMs)
  }
}

/** Whether `cond` holds for `p`; new-leader returns the new leader. */
function conditionHolds(cond: PartitionCondition, p: PartitionView, ctx: RunContext): boolean {
  switch (cond.kind) {
    case 'new-leader':
      return p.leader >= 0 && p.leader !== varOf(ctx, cond.from)
    case 'leader-is':
      return p.leader === varOf(ctx, cond.broker)
    case 'isr-size':
      return p.isr.length === cond.size
    case 'in-isr':
      return p.isr.includes(varOf(ctx, cond.broker))
    case 'offline':
      return p.leader < 0
  }
}

/** Brokers of a snapshot that are not running plainly (stopped, killed, fenced, isolated, slowed), in words. */
function brokerProblems(s: ClusterSnapshot): string[] {
  return s.brokers.flatMap((b) => {
    const what = [b.state !== 'running' ? b.state : null, b.fenced ? 'fenced' : null, b.isolated ? 'isolated' : null, b.slowMs > 0 ? `slowed by ${b.slowMs} ms` : null].filter((w) => w !== null)
    return what.length > 0 ? [`broker ${b.id} is ${what.join(', ')}`] : []
  })
}

/** Carries out one step; resolves with its detail in words, throws ApiError or StepFailure. */
async function runStep(step: ScenarioStep, ctx: RunContext, opts: RunOptions): Promise<string> {
  switch (step.kind) {
    case 'check-cluster': {
      const s = await opts.call('cluster/snapshot', {})
      if (s.brokers.length < step.brokers) throw new StepFailure('SCENARIO_STEP_FAILED', `This scenario needs ${step.brokers} brokers; the cluster has ${s.brokers.length}`)
      const problems = brokerProblems(s)
      if (problems.length > 0) throw new StepFailure('SCENARIO_STEP_FAILED', `Every broker must run normally first: ${problems.join('; ')}. Reset starts and heals them.`)
      ctx.eventMark = s.events.length > 0 ? s.events[s.events.length - 1].seq : 0
      return `${s.brokers.length} brokers running, controller broker ${s.controllerId}`
    }
    case 'create-topic': {
      try {
        const t = await opts.call('topic/create', { topic: step.topic, partitions: step.partitions, replicationFactor: step.replicationFactor, ...(step.configs ? { configs: step.configs } : {}) })
        return `created ${t.name}: ${t.partitions} partition(s), replication factor ${t.replicationFactor}; partition 0: ${describePartition(partitionOf(t, 0))}`
      } catch (e) {
        const err = errorOf(e)
        if (err.code === 'TOPIC_ALREADY_EXISTS') throw new StepFailure(err.code, `${err.message}. It is left from an earlier run: Reset deletes it.`)
        throw e
      }
    }
    case 'delete-topic': {
      try {
        await opts.call('topic/delete', { topic: step.topic })
        return `deleted ${step.topic}`
      } catch (e) {
        if (step.missingOk && errorOf(e).code === 'UNKNOWN_TOPIC_OR_PARTITION') return `${step.topic} does not exist`
        throw e
      }
    }
    case 'produce':
      return produce(step, opts)
    case 'find-leader': {
      const p = await describe(opts, step.topic, step.partition)
      if (p.leader < 0) throw new StepFailure('LEADER_NOT_AVAILABLE', `${step.topic}-${step.partition} has no leader (ISR [${p.isr.join(', ')}])`)
      ctx.vars.set(step.as, p.leader)
      return `broker ${p.leader} leads ${step.topic}-${step.partition}, ISR [${p.isr.join(', ')}]`
    }
    case 'find-follower': {
      const p = await describe(opts, step.topic, step.partition)
      const except = new Set(step.except.map((v) => varOf(ctx, v)))
      const f = p.replicas.find((b) => b !== p.leader && p.isr.includes(b) && !except.has(b))
      if (f === undefined) throw new StepFailure('SCENARIO_STEP_FAILED', `${step.topic}-${step.partition} has no in-sync follower left to pick (${describePartition(p)})`)
      ctx.vars.set(step.as, f)
      return `broker ${f} is an in-sync follower of ${step.topic}-${step.partition} (${describePartition(p)})`
    }
    case 'broker': {
      const id = varOf(ctx, step.broker)
      await opts.call(`broker/${step.action}`, { brokerId: id })
      const done = { kill: 'killed', stop: 'stopped (controlled shutdown)', start: 'started', isolate: 'isolated', heal: 'healed' }[step.action]
      return `broker ${id} ${done}`
    }
    case 'await-partition': {
      let last = 'nothing yet'
      const p = await poll(
        opts,
        step.timeoutMs,
        async () => {
          const v = await describe(opts, step.topic, step.partition)
          last = `${step.topic}-${step.partition} has ${describePartition(v)}`
          return conditionHolds(step.until, v, ctx) ? v : null
        },
        () => last
      )
      if (step.as) ctx.vars.set(step.as, p.leader)
      return `${step.topic}-${step.partition}: ${describePartition(p)}`
    }
    case 'await-event': {
      let seen = 0
      const ev = await poll(
        opts,
        step.timeoutMs,
        async () => {
          const s = await opts.call('cluster/snapshot', {})
          const later = s.events.filter((e) => e.seq > ctx.eventMark && e.topic === step.topic)
          seen = later.length
          return later.find((e) => e.kind === step.event) ?? null
        },
        () => `no ${step.event} event about ${step.topic} among the ${seen} new event(s) about it`
      )
      return ev.message
    }
    case 'restore-brokers': {
      const s = await opts.call('cluster/snapshot', {})
      const did: string[] = []
      for (const b of s.brokers) {
        if (b.state !== 'running') {
          await opts.call('broker/start', { brokerId: b.id })
          did.push(`started broker ${b.id}`)
        }
        if (b.isolated || b.slowMs > 0) {
          await opts.call('broker/heal', { brokerId: b.id })
          did.push(`healed broker ${b.id}`)
        }
      }
      return did.length > 0 ? did.join(', ') : 'every broker was running and healed'
    }
    case 'await-in-sync': {
      let last = 'nothing yet'
      await poll(
        opts,
        step.timeoutMs,
        async () => {
          const s = await opts.call('cluster/snapshot', {})
          const problems = brokerProblems(s)
          if (s.underReplicatedPartitions > 0) problems.push(`${s.underReplicatedPartitions} partition(s) under-replicated`)
          last = problems.join('; ')
          return problems.length === 0 ? true : null
        },
        () => last
      )
      return 'every broker runs and every replica is in its ISR'
    }
    case 'elect': {
      const results = await opts.call('cluster/elect-leaders', { electionType: step.electionType, ...(step.topic !== undefined ? { topic: step.topic } : {}), ...(step.partition !== undefined ? { partition: step.partition } : {}) })
      const failed = results.filter((r) => r.outcome === 'failed')
      if (failed.length > 0) {
        throw new StepFailure(
          failed[0].error?.code ?? 'SCENARIO_STEP_FAILED',
          `${failed.length} partition(s) kept their leader: ${failed.map((r) => `${r.topic}-${r.partition} (${r.error?.message ?? 'failed'})`).join('; ')}`
        )
      }
      const moved = results.filter((r) => r.outcome === 'elected')
      return moved.length === 0 ? `no leader needed to move (${results.length} partition(s) asked)` : moved.map((r) => `broker ${r.leader} leads ${r.topic}-${r.partition} (was ${r.previousLeader})`).join(', ')
    }
  }
}

/** The produce step: acknowledged, or refused with the expected error. */
async function produce(step: Extract<ScenarioStep, { kind: 'produce' }>, opts: RunOptions): Promise<string> {
  let failure: ContractError | null = null
  let written = 0
  try {
    const res = await opts.call('produce/send', { topic: step.topic, acks: step.acks, records: step.records })
    written = res.written
    if (res.failed) failure = { code: res.failed.code, message: res.failed.message }
    else if (!step.expectError) {
      const offsets = res.partitions.map((p) => `partition ${p.partition} offsets ${p.firstOffset}..${p.lastOffset}`).join(', ')
      return `${res.written} record(s) acknowledged with acks=${step.acks} (${offsets})`
    }
  } catch (e) {
    failure = errorOf(e)
  }
  if (step.expectError) {
    if (failure?.code === step.expectError) return `refused as expected: ${failure.code}: ${failure.message}`
    if (failure) throw new StepFailure(failure.code, `Expected ${step.expectError}, but the send failed otherwise: ${failure.message}`)
    throw new StepFailure('SCENARIO_STEP_FAILED', `Expected ${step.expectError}, but all ${written} record(s) were acknowledged with acks=${step.acks}`)
  }
  throw new StepFailure(failure!.code, `${written} record(s) acknowledged, then: ${failure!.message}`)
}
