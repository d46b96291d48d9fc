/**
 * A stand-in BrokerFacade for the protocol tests: a fixed set of live brokers and topics, with
 * topic ids generated once per topic name and kept in a map (the controller does not assign them
 * yet; see broker-facade.ts for where they should come from).
 */
import type { BrokerFacade, FacadeBroker, FacadePartition, FacadeTopic } from '../../../../src/broker/protocol/broker-facade'
import { randomTopicId } from '../../../../src/broker/protocol/topic-id'

/** A topic as the stand-in is given it (the id is added). */
export interface StandInTopic {
  name: string
  isInternal?: boolean
  partitions: FacadePartition[]
}

/** The stand-in: brokers and topics as given, ids from a map filled on first sight. */
export class StandInBrokerFacade implements BrokerFacade {
  readonly topicIds = new Map<string, string>()

  constructor(
    readonly brokerId: number,
    private readonly brokers: FacadeBroker[],
    private readonly topicList: StandInTopic[],
    private readonly controller = brokers[0]?.nodeId ?? -1
  ) {}

  clusterId(): string {
    return 'brokerlab-test-cluster'
  }
  liveBrokers(): FacadeBroker[] {
    return [...this.brokers].sort((a, b) => a.nodeId - b.nodeId)
  }
  controllerId(): number {
    return this.controller
  }
  topics(): FacadeTopic[] {
    return [...this.topicList].sort((a, b) => a.name.localeCompare(b.name)).map((t) => this.withId(t))
  }
  topic(name: string): FacadeTopic | undefined {
    const t = this.topicList.find((x) => x.name === name)
    return t && this.withId(t)
  }
  topicById(topicId: string): FacadeTopic | undefined {
    return this.topics().find((t) => t.topicId === topicId)
  }
  private withId(t: StandInTopic): FacadeTopic {
    let id = this.topicIds.get(t.name)
    if (!id) this.topicIds.set(t.name, (id = randomTopicId()))
    return { name: t.name, topicId: id, isInternal: t.isInternal ?? false, partitions: t.partitions }
  }
}
