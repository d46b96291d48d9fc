/**
 * Entry of the engine's worker thread (built to out/main/engine-worker.js). Opens the Cluster on
 * `workerData.dataDir` (and, with `workerData.listeners`, the brokers' Kafka listeners), serves `{ id, name, payload }` requests with EngineService, answers
 * `{ id, reply }`, and forwards every pushed event as `{ event, payload }` (see worker-protocol.ts).
 *
 * Must stay true: this thread is the engine's only owner (one event loop, no shared state); a
 * request's failure is a Reply, never an uncaught exception; `close` flushes before answering.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { EngineService } from './engine-service'
import { openCluster } from './open-cluster'
import { startListeners } from './open-listeners'
import type { ClusterApi } from '../broker/cluster/cluster-api'
import type { EngineWorkerData, FromWorker, ToWorker } from './worker-protocol'

function post(msg: FromWorker): void {
  parentPort?.postMessage(msg)
}

async function main(): Promise<void> {
  if (!parentPort) throw new Error('engine-worker.ts must run as a worker thread')
  const data = workerData as EngineWorkerData
  let service: EngineService
  let cluster: ClusterApi | null = null
  try {
    cluster = openCluster({ dataDir: data.dataDir, brokers: data.brokers })
    const listeners = data.listeners
      ? await startListeners(cluster, data.dataDir, data.listeners, (line) => process.stderr.write(`${line}\n`))
      : undefined
    service = new EngineService(cluster, { listeners })
  } catch (e) {
    await cluster?.close().catch(() => undefined)
    post({ fatal: (e as Error).message ?? String(e) })
    return
  }
  service.subscribe((event) => post(event))
  parentPort.on('message', (msg: ToWorker) => {
    if ('close' in msg) {
      service
        .close()
        .catch(() => undefined)
        .then(() => {
          post({ id: msg.id, closed: true })
          parentPort?.close()
        })
      return
    }
    void service.handle(msg.name, msg.payload).then((reply) => post({ id: msg.id, reply }))
  })
  post({ ready: true, listeners: service.brokerListeners?.statuses() })
}

void main()
