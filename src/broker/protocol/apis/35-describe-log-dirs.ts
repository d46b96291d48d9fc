/**
 * DescribeLogDirs (key 35), versions 1-4 (KIP-896 removed 0): this broker's one log directory (its
 * data directory, Kafka's log.dirs) with the replicas it holds: size in bytes, offset lag (the
 * leader's log end offset minus this replica's; 0 on the leader) and is_future false (no
 * reassignment between log dirs); from v4 the file system's total and usable bytes (statfs; -1
 * when unknown). A null topic list means every replica; a list only those partitions (unknown ones
 * are left out, as Kafka does). The top-level error (v3+) is NONE.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import type { AdminFacade } from '../admin-facade'
import { apiErrorOf } from '../api-error'
import type { MessageInput } from '../message-codec-support'
import type { DescribeLogDirsRequest } from '../messages/describe-log-dirs-request'
import type { DescribeLogDirsResponse, DescribeLogDirsResponseDescribeLogDirsTopic } from '../messages/describe-log-dirs-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.DescribeLogDirs.min, max: API_VERSION_RANGES.DescribeLogDirs.max }

/** The DescribeLogDirs handler over `facade`. */
export function describeLogDirsHandler(facade: AdminFacade): ApiHandler<DescribeLogDirsRequest, DescribeLogDirsResponse> {
  return {
    apiKey: API_VERSION_RANGES.DescribeLogDirs.apiKey,
    apiVersions,
    handle(req): MessageInput<DescribeLogDirsResponse> {
      let dir
      try {
        dir = facade.logDir()
      } catch (e) {
        return { throttleTimeMs: 0, errorCode: apiErrorOf(e).errorCode, results: [] }
      }
      const wanted = req.topics === null ? null : new Map(req.topics.map((t) => [t.topic, new Set(t.partitions)]))
      const byTopic = new Map<string, MessageInput<DescribeLogDirsResponseDescribeLogDirsTopic>>()
      for (const p of dir.partitions) {
        if (wanted && !wanted.get(p.topic)?.has(p.partition)) continue
        let t = byTopic.get(p.topic)
        if (!t) byTopic.set(p.topic, (t = { name: p.topic, partitions: [] }))
        t.partitions!.push({ partitionIndex: p.partition, partitionSize: BigInt(p.sizeBytes), offsetLag: BigInt(p.offsetLag), isFutureKey: false })
      }
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        results: [{ errorCode: 0, logDir: dir.path, topics: [...byTopic.values()], totalBytes: BigInt(dir.totalBytes), usableBytes: BigInt(dir.usableBytes) }]
      }
    },
    errorResponse(_req, errorCode): MessageInput<DescribeLogDirsResponse> {
      return { errorCode, results: [] }
    }
  }
}
