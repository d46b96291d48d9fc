"""kafka-python 2.0.2 driver for tests/clients/kafka-python.test.ts, run with /usr/bin/python3
(Debian's python3-kafka). Roles, chosen by argv:

  admin BOOTSTRAP            commands: create_topic, describe_configs, groups (list + describe), lag
  producer BOOTSTRAP         commands: send {from, count, codec}: keyed records key-<i>/value-<i>, one
                             producer per codec (kept for the whole run), acks=all, its default
                             partitioner (the Java client's murmur2); kafka-python 2.0.2 has no
                             idempotent producer, so max_in_flight_requests_per_connection=1 keeps
                             retries in order
  consumer BOOTSTRAP GROUP CLIENT_ID TOPIC   subscribes, prints each record, commits after each
                             poll synchronously, until told to stop; then closes (leaves the group)

Protocol and output: driver_io.py.
"""
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.errors import KafkaError

from driver_io import emit, serve, stop_requested

role, bootstrap = sys.argv[1], sys.argv[2].split(",")


def admin():
    a = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="kafka-python-admin", request_timeout_ms=15000)

    def create_topic(c):
        r = a.create_topics([NewTopic(c["topic"], c["partitions"], c["replication_factor"], topic_configs=c.get("config", {}))], timeout_ms=15000)
        return {"errors": [list(t[:2]) for t in r.topic_errors]}

    def describe_configs(c):
        res = a.describe_configs([ConfigResource(ConfigResourceType.TOPIC, c["topic"])])[0].resources[0]
        # (error_code, error_message, resource_type, resource_name, entries); kafka-python asks DescribeConfigs v1 when
        # the broker serves it, whose entries are (name, value, read_only, config_source, is_sensitive, synonyms)
        return {"error": res[0], "configs": {e[0]: {"value": e[1], "read_only": e[2], "source": e[3]} for e in res[4]}}

    def groups(c):
        listed = sorted([list(g) for g in a.list_consumer_groups()])
        d = a.describe_consumer_groups([c["group"]])[0]
        members = [{"client_id": m.client_id, "client_host": m.client_host,
                    "partitions": sorted(p for t in m.member_assignment.assignment for p in t[1]) if m.member_assignment else []}
                   for m in d.members]
        return {"listed": listed, "group": {"state": d.state, "protocol_type": d.protocol_type, "protocol": d.protocol, "members": members}}

    def lag(c):
        # the client's own lag: end_offsets (the high watermarks) minus the group's committed offsets
        cons = KafkaConsumer(bootstrap_servers=bootstrap, group_id=c["group"], enable_auto_commit=False, request_timeout_ms=15000)
        try:
            tps = [TopicPartition(c["topic"], p) for p in range(c["partitions"])]
            ends = cons.end_offsets(tps)
            out = {}
            for tp in tps:
                committed = cons.committed(tp)
                out[str(tp.partition)] = {"committed": committed, "high": ends[tp], "lag": ends[tp] - committed}
            return {"lag": out}
        finally:
            cons.close()

    serve({"create_topic": create_topic, "describe_configs": describe_configs, "groups": groups, "lag": lag})
    a.close()


def producer():
    producers = {}

    def send(c):
        codec = c["codec"]
        if codec not in producers:
            producers[codec] = KafkaProducer(bootstrap_servers=bootstrap, acks="all", compression_type=codec, retries=20, retry_backoff_ms=200,
                                             max_in_flight_requests_per_connection=1, linger_ms=5, request_timeout_ms=10000,
                                             client_id="kafka-python-" + codec)
        p = producers[codec]
        futures = [(i, p.send(c["topic"], key=("key-%d" % i).encode(), value=("value-%d" % i).encode())) for i in range(c["from"], c["from"] + c["count"])]
        delivered, errors = [], []
        for i, f in futures:
            try:
                m = f.get(timeout=40)
                delivered.append([i, m.partition, m.offset])
            except KafkaError as e:
                errors.append("%d: %s" % (i, e))
        return {"delivered": delivered, "errors": errors, "undelivered": 0}

    serve({"send": send})
    for p in producers.values():
        p.close(timeout=10)


class Assignments(ConsumerRebalanceListener):
    """Prints each assignment as {"assigned": [partitions]}."""

    def on_partitions_revoked(self, revoked):
        pass

    def on_partitions_assigned(self, assigned):
        emit({"assigned": sorted(tp.partition for tp in assigned)})


def consumer():
    group, client_id, topic = sys.argv[3], sys.argv[4], sys.argv[5]
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, client_id=client_id, auto_offset_reset="earliest",
                      enable_auto_commit=False, session_timeout_ms=10000, heartbeat_interval_ms=500, request_timeout_ms=15000)
    c.subscribe([topic], listener=Assignments())
    stop = stop_requested()
    while not stop.is_set():
        polled = c.poll(timeout_ms=200)
        if not polled:
            continue
        for records in polled.values():
            for m in records:
                emit({"record": {"partition": m.partition, "offset": m.offset, "key": m.key.decode(), "value": m.value.decode()}})
        for attempt in range(20):  # a commit refused while the coordinator moves is retried, never dropped
            try:
                c.commit()
                break
            except KafkaError as e:
                emit({"commit_retry": str(e)})
                time.sleep(0.2)
    c.close()
    emit({"stopped": True})


{"admin": admin, "producer": producer, "consumer": consumer}[role]()
