/**
 * The admin API handlers over one AdminFacade, in API-key order: CreateTopics (19), DeleteTopics
 * (20), DeleteRecords (21), DescribeConfigs (32), AlterConfigs (33), DescribeLogDirs (35),
 * CreatePartitions (37), ElectLeaders (43), IncrementalAlterConfigs (44). (DescribeCluster, 60,
 * takes Metadata's BrokerFacade and is registered with it.)
 *
 * Must stay true: one handler per API key; each handler's file is named by its key.
 */
import type { AnyApiHandler } from '../api-handler'
import type { AdminFacade } from '../admin-facade'
import { createTopicsHandler } from './19-create-topics'
import { deleteTopicsHandler } from './20-delete-topics'
import { deleteRecordsHandler } from './21-delete-records'
import { describeConfigsHandler } from './32-describe-configs'
import { alterConfigsHandler } from './33-alter-configs'
import { describeLogDirsHandler } from './35-describe-log-dirs'
import { createPartitionsHandler } from './37-create-partitions'
import { electLeadersHandler } from './43-elect-leaders'
import { incrementalAlterConfigsHandler } from './44-incremental-alter-configs'

/** The handlers of the admin APIs over `admin`. */
export function adminHandlers(admin: AdminFacade): AnyApiHandler[] {
  return [
    createTopicsHandler(admin),
    deleteTopicsHandler(admin),
    deleteRecordsHandler(admin),
    describeConfigsHandler(admin),
    alterConfigsHandler(admin),
    describeLogDirsHandler(admin),
    createPartitionsHandler(admin),
    electLeadersHandler(admin),
    incrementalAlterConfigsHandler(admin)
  ] as AnyApiHandler[]
}
