/**
 * Entry of the engine's worker thread (built to out/main/engine-worker.js). Opens the Cluster on
 * `workerData.dataDir`, serves `{ id, name, payload }` requests with EngineService, answers
 * `{ id, reply }`, and forwards every pushed event as `{ event, payload }` (see worker-protocol.ts).
 *
 * Must stay true: this thread is the engine's only owner (one event loop, no shared state); a
 * request's failure is a Reply, never an uncaught exception; `close` flushes before answering.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { EngineService } from './engine-service'
import { openCluster } from './open-cluster'
import type { EngineWorkerData, FromWorker, ToWorker } from './worker-protocol'

function post(msg: FromWorker): void {
  parentPort?.postMessage(msg)
}

function main(): void {
  if (!parentPort) throw new Error('engine-worker.ts must run as a worker thread')
  const data = workerData as EngineWorkerData
  let service: EngineService
  try {
    service = new EngineService(openCluster({ dataDir: data.dataDir, brokers: data.brokers }))
  } catch (e) {
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
  post({ ready: true })
}

main()
