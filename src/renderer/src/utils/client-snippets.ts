/**
 * "Connect a client": the bootstrap string of the embedded cluster and copyable snippets that
 * produce to and consume from it with the clients Kafka users have: kcat, kafkajs, the Java client,
 * confluent-kafka (Python, librdkafka) and kafka-python. Each snippet uses the client's own config
 * names (bootstrap.servers, bootstrapServers, bootstrap_servers) and only settings that client has.
 *
 * Must stay true: pure functions; the bootstrap string lists only brokers whose listener is up, in
 * broker id order; a topic name is quoted for the language it goes into.
 */
import type { BrokerView } from '@shared/contract'

/** One client's snippet. */
export interface ClientSnippet {
  /** Stable id, e.g. "kcat". */
  id: string
  /** What the tab says, e.g. "kafkajs (Node.js)". */
  label: string
  /** How to get the client, one line. */
  install: string
  /** The code or commands. */
  code: string
}

/**
 * The bootstrap string ("host:port,host:port") of the brokers whose listener is up; a broker
 * without listener information (a host without listeners) does not count.
 */
export function bootstrapServers(brokers: readonly BrokerView[]): string {
  return [...brokers]
    .filter((b) => b.alive && b.listener?.state === 'listening')
    .sort((a, b) => a.id - b.id)
    .map((b) => b.address)
    .join(',')
}

/** A JavaScript / Java / Python string literal of `s` (double quotes, escaped as JSON does). */
function quoted(s: string): string {
  return JSON.stringify(s)
}

/** A shell word for `s`: as is when it is safe, else single-quoted. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9._:,@%+=/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

/** The snippets for `bootstrap` and `topic`, in the order the panel shows them. */
export function clientSnippets(bootstrap: string, topic: string): ClientSnippet[] {
  const b = bootstrap
  const t = topic
  return [
    {
      id: 'kcat',
      label: 'kcat',
      install: 'apt install kcat (or brew install kcat)',
      code: [
        `# metadata: brokers, topics, partitions, leaders, ISR`,
        `kcat -b ${shellWord(b)} -L`,
        `# produce keyed records, one "key:value" per line`,
        `printf 'k1:hello\\nk2:world\\n' | kcat -b ${shellWord(b)} -t ${shellWord(t)} -P -K:`,
        `# consume from the beginning and exit at the end`,
        `kcat -b ${shellWord(b)} -t ${shellWord(t)} -C -o beginning -e -f '%p %o %k %s\\n'`
      ].join('\n')
    },
    {
      id: 'kafkajs',
      label: 'kafkajs (Node.js)',
      install: 'npm install kafkajs',
      code: [
        `const { Kafka } = require('kafkajs')`,
        `const kafka = new Kafka({ clientId: 'my-app', brokers: ${JSON.stringify(b.split(','))} })`,
        ``,
        `const producer = kafka.producer()`,
        `await producer.connect()`,
        `await producer.send({ topic: ${quoted(t)}, acks: -1, messages: [{ key: 'k1', value: 'hello' }] })`,
        ``,
        `const consumer = kafka.consumer({ groupId: 'my-group' })`,
        `await consumer.connect()`,
        `await consumer.subscribe({ topic: ${quoted(t)}, fromBeginning: true })`,
        `await consumer.run({ eachMessage: async ({ partition, message }) => console.log(partition, message.offset, String(message.value)) })`
      ].join('\n')
    },
    {
      id: 'java',
      label: 'Java client',
      install: 'org.apache.kafka:kafka-clients',
      code: [
        `Properties props = new Properties();`,
        `props.put("bootstrap.servers", ${quoted(b)});`,
        `props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");`,
        `props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");`,
        `props.put("acks", "all");`,
        `try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {`,
        `  producer.send(new ProducerRecord<>(${quoted(t)}, "k1", "hello")).get();`,
        `}`
      ].join('\n')
    },
    {
      id: 'confluent-kafka',
      label: 'confluent-kafka (Python)',
      install: 'pip install confluent-kafka (or apt install python3-confluent-kafka)',
      code: [
        `from confluent_kafka import Consumer, Producer`,
        ``,
        `p = Producer({"bootstrap.servers": ${quoted(b)}, "acks": "all"})`,
        `p.produce(${quoted(t)}, key="k1", value="hello")`,
        `p.flush()`,
        ``,
        `c = Consumer({"bootstrap.servers": ${quoted(b)}, "group.id": "my-group", "auto.offset.reset": "earliest"})`,
        `c.subscribe([${quoted(t)}])`,
        `msg = c.poll(10.0)`,
        `print(msg.partition(), msg.offset(), msg.value())`
      ].join('\n')
    },
    {
      id: 'kafka-python',
      label: 'kafka-python',
      install: 'pip install kafka-python (or apt install python3-kafka)',
      code: [
        `from kafka import KafkaConsumer, KafkaProducer`,
        ``,
        `producer = KafkaProducer(bootstrap_servers=${quoted(b)}, acks="all")`,
        `producer.send(${quoted(t)}, key=b"k1", value=b"hello").get(timeout=10)`,
        ``,
        `consumer = KafkaConsumer(${quoted(t)}, bootstrap_servers=${quoted(b)}, group_id="my-group", auto_offset_reset="earliest")`,
        `for message in consumer:`,
        `    print(message.partition, message.offset, message.value)`
      ].join('\n')
    }
  ]
}
