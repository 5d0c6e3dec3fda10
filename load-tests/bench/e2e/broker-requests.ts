import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { KAFKA_TOOLS_CLASSPATH } from '@claims-mesh/testing';
import { pidOf } from '../shared/stack-cpu';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../../..');
const PORT = Number(process.env.BENCH_JMX_PORT ?? 9999);
const JMX_URL = `service:jmx:rmi:///jndi/rmi://127.0.0.1:${PORT}/jmxrmi`;
const OBJECT_NAME = 'kafka.network:type=RequestMetrics,name=RequestsPerSec,request=*,version=*';
/** Sub-counts of Fetch (consumers' and followers' fetches), already counted in it. */
const SUBSETS = new Set(['FetchConsumer', 'FetchFollower']);

/** Requests the broker answered, by request type (API key), summed over versions. */
export type RequestCounts = Record<string, number>;

/**
 * The local broker's request counts, from its JMX RequestsPerSec meters (their Count), read
 * with Kafka's own JmxTool from the stack's jars. The broker is started without remote JMX, so
 * the first read opens it on a running broker (jcmd ManagementAgent.start, on 127.0.0.1:
 * BENCH_JMX_PORT, 9999, no authentication: loopback of a local stack only); it stays open
 * until the broker restarts. A read starts a JVM (about 0.7 s of CPU): take it outside any
 * window whose CPU is measured.
 */
export class BrokerRequests {
  private constructor() {}

  /** Undefined, with the reason on stderr, when the counts cannot be read here. */
  static async open(): Promise<BrokerRequests | undefined> {
    const reader = new BrokerRequests();
    try {
      await reader.counts();
      return reader;
    } catch {
      // Not open yet: open it on the running broker, then try again.
    }
    try {
      const pid = pidOf('kafka');
      if (pid === undefined) throw new Error('no broker pid file');
      await run('jcmd', [
        String(pid),
        'ManagementAgent.start',
        'jmxremote.host=127.0.0.1',
        `jmxremote.port=${PORT}`,
        `jmxremote.rmi.port=${PORT}`,
        'jmxremote.authenticate=false',
        'jmxremote.ssl=false',
      ]);
      await reader.counts();
      return reader;
    } catch (error) {
      console.warn(`broker requests not measured: JMX on 127.0.0.1:${PORT} could not be read (${(error as Error).message.split('\n')[0]})`);
      return undefined;
    }
  }

  /** The counts so far, by request type. */
  async counts(): Promise<RequestCounts> {
    const { stdout } = await run(
      'java',
      [
        `-Dlog4j.configuration=file:${resolve(ROOT, 'infra/local/kafka/tools-log4j.properties')}`,
        '-cp',
        KAFKA_TOOLS_CLASSPATH,
        'org.apache.kafka.tools.JmxTool',
        '--jmx-url',
        JMX_URL,
        '--object-name',
        OBJECT_NAME,
        '--attributes',
        'Count',
        '--one-time',
        'true',
      ],
      { timeout: 30_000 },
    );
    // "Trying to connect...", then a CSV header of quoted object names and one row of values.
    const lines = stdout.trim().split('\n');
    const header = lines.find((line) => line.startsWith('"time"'));
    const values = lines[lines.length - 1];
    if (!header || values === header) throw new Error(`unexpected JmxTool output: ${stdout.slice(0, 200)}`);
    // The header's fields are quoted object names, which hold commas themselves.
    const names = [...header.matchAll(/"([^"]*)"/g)].map(([, name]) => /request=([A-Za-z]+)/.exec(name)?.[1]);
    const counts: RequestCounts = {};
    values.split(',').forEach((value, i) => {
      const name = names[i];
      if (name && !SUBSETS.has(name)) counts[name] = (counts[name] ?? 0) + Number(value);
    });
    return counts;
  }
}

/** Requests of each type between two reads, the types with none left out. */
export function requestsBetween(before: RequestCounts, after: RequestCounts): RequestCounts {
  const delta: RequestCounts = {};
  for (const [name, count] of Object.entries(after)) {
    const n = count - (before[name] ?? 0);
    if (n > 0) delta[name] = n;
  }
  return delta;
}
