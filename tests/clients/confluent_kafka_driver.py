"""confluent-kafka (librdkafka) driver for tests/clients/confluent-kafka.test.ts, run with
/usr/bin/python3 (Debian's python3-confluent-kafka). Roles, chosen by argv:

  admin BOOTSTRAP            commands: create_topic, lag
  producer BOOTSTRAP         commands: send {from, count, codec}: keyed records key-<i>/value-<i>,
                             one idempotent producer per codec (kept for the whole run), acks=all,
                             partitioner=murmur2_random (the Java client's murmur2 for keyed records)
  consumer BOOTSTRAP GROUP CLIENT_ID TOPIC [periodic]   subscribes, prints each record, commits it
                             synchronously, until told to stop; then closes (leaves the group).
                             With "periodic": commits the offsets stored by poll synchronously every
                             100 ms instead (one commit in flight at a time, and once more before
                             close); not enable.auto.commit, whose commits librdkafka 2.0.2 keeps
                             several in flight and retries with their old offsets after a transport
                             failure, so an older commit can land after a newer one
  chaos_producer BOOTSTRAP TOPIC PARTITIONS   (chaos-confluent-kafka.test.ts) one idempotent producer
                             (acks=all) writes records "p<partition>#<seq>" keyed "key-<partition>"
                             to every partition in turn, at most 300 outstanding, printing each
                             delivery report ({"delivered": {partition, offset, value}}, offset
                             null when librdkafka reports it persisted without an offset, or
                             {"failed": {partition, value, error}}) until told to stop; then flushes
                             (15 s at most) and prints {"produced": {sent, undelivered}}

Protocol and output: driver_io.py.
"""
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from driver_io import emit, serve, stop_requested  # noqa: E402

role, bootstrap = sys.argv[1], sys.argv[2]


def admin():
    a = AdminClient({"bootstrap.servers": bootstrap})

    def create_topic(c):
        futures = a.create_topics([NewTopic(c["topic"], c["partitions"], c["replication_factor"], config=c.get("config", {}))], request_timeout=15)
        for f in futures.values():
            f.result(timeout=20)
        return {}

    def lag(c):
        # the client's own lag: get_watermark_offsets' high watermark minus the group's committed offset
        cons = Consumer({"bootstrap.servers": bootstrap, "group.id": c["group"], "enable.auto.commit": False})
        try:
            tps = [TopicPartition(c["topic"], p) for p in range(c["partitions"])]
            committed = cons.committed(tps, timeout=15)
            out = {}
            for tp in committed:
                low, high = cons.get_watermark_offsets(TopicPartition(c["topic"], tp.partition), timeout=15)
                out[str(tp.partition)] = {"committed": tp.offset, "high": high, "lag": high - tp.offset}
            return {"lag": out}
        finally:
            cons.close()

    serve({"create_topic": create_topic, "lag": lag})


def producer():
    producers = {}

    def send(c):
        codec = c["codec"]
        if codec not in producers:
            producers[codec] = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all", "compression.type": codec,
                                         "partitioner": "murmur2_random", "linger.ms": 5, "message.timeout.ms": 30000, "client.id": "confluent-" + codec})
        p = producers[codec]
        delivered, errors = [], []

        def report(err, msg):
            if err is not None:
                errors.append(str(err))
            else:
                delivered.append([int(msg.key().decode()[4:]), msg.partition(), msg.offset()])

        for i in range(c["from"], c["from"] + c["count"]):
            p.produce(c["topic"], key=("key-%d" % i).encode(), value=("value-%d" % i).encode(), on_delivery=report)
        left = p.flush(40)
        return {"delivered": delivered, "errors": errors, "undelivered": left}

    serve({"send": send})
    for p in producers.values():
        p.flush(10)


def consumer():
    group, client_id = sys.argv[3], sys.argv[4]
    periodic = len(sys.argv) > 6 and sys.argv[6] == "periodic"
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "client.id": client_id, "auto.offset.reset": "earliest",
                  "enable.auto.commit": False, "session.timeout.ms": 10000, "heartbeat.interval.ms": 500})

    def assigned(_consumer, partitions):
        emit({"assigned": sorted(tp.partition for tp in partitions)})

    def commit_stored():
        # the offsets poll stored (the next offset of each record returned); a failed commit is
        # reported and left to the next one, which carries newer offsets
        try:
            c.commit(asynchronous=False)
        except KafkaException as e:
            if e.args[0].code() != KafkaError._NO_OFFSET:
                emit({"commit_retry": str(e)})

    c.subscribe([sys.argv[5]], on_assign=assigned)
    stop = stop_requested()
    last_commit = time.monotonic()
    while not stop.is_set():
        m = c.poll(0.05 if periodic else 0.2)
        if periodic and time.monotonic() - last_commit >= 0.1:
            commit_stored()
            last_commit = time.monotonic()
        if m is None or m.error():
            continue
        emit({"record": {"partition": m.partition(), "offset": m.offset(), "key": m.key().decode(), "value": m.value().decode()}})
        if periodic:
            continue
        for attempt in range(20):  # a commit refused while the coordinator moves is retried, never dropped
            try:
                c.commit(message=m, asynchronous=False)
                break
            except KafkaException as e:
                emit({"commit_retry": str(e)})
                time.sleep(0.2)
    if periodic:
        commit_stored()
    c.close()
    emit({"stopped": True})


def chaos_producer():
    topic, partitions = sys.argv[3], int(sys.argv[4])
    p = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all", "linger.ms": 5, "message.timeout.ms": 10000,
                  "request.timeout.ms": 4000, "retry.backoff.ms": 100, "reconnect.backoff.max.ms": 1000, "client.id": "chaos-producer",
                  "error_cb": lambda err: emit({"client_error": {"error": err.name(), "fatal": err.fatal(), "reason": err.str()}})})

    def report(err, msg):
        value = msg.value().decode()
        if err is not None:
            emit({"failed": {"partition": msg.partition(), "value": value, "error": err.name()}})
        else:
            emit({"delivered": {"partition": msg.partition(), "offset": msg.offset(), "value": value}})

    seq = [0] * partitions
    sent = 0
    stop = stop_requested()
    while not stop.is_set():
        for part in range(partitions):
            if len(p) >= 300:
                break
            value = "p%d#%d" % (part, seq[part])
            try:
                p.produce(topic, key=("key-%d" % part).encode(), value=value.encode(), partition=part, on_delivery=report)
            except BufferError:
                break
            seq[part] += 1
            sent += 1
        p.poll(0.05)
    left = p.flush(15)
    emit({"produced": {"sent": sent, "undelivered": left}})
    emit({"stopped": True})


{"admin": admin, "producer": producer, "consumer": consumer, "chaos_producer": chaos_producer}[role]()
