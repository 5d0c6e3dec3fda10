// One relay as a process of its own, as each mesh service is, so its CPU is its own:
//   node relay-host.js KIND GROUP_ID INPUT_TOPIC OUTPUT_TOPIC
// KIND is one of RELAY_KINDS. Tells its parent { ready } once started, answers { stats } with
// the relay's figures, stops cleanly on SIGTERM.
import 'reflect-metadata';
import { stack } from '@claims-mesh/testing';
import { isRelayKind, RELAY_KINDS } from './relay-kinds';
import { RelayHostMessage } from './relay-process';

async function main(): Promise<void> {
  const [kind, groupId, input, output] = process.argv.slice(2);
  if (!kind || !isRelayKind(kind) || !groupId || !input || !output) {
    throw new Error(`usage: relay-host ${Object.keys(RELAY_KINDS).join('|')} GROUP_ID INPUT OUTPUT`);
  }
  const relay = RELAY_KINDS[kind]({
    connection: { clientId: `bench-${kind}-${output}`, brokers: stack.kafkaBrokers },
    groupId,
    input,
    output,
  });
  await relay.start();
  process.on('message', (message: RelayHostMessage) => {
    if (message.type === 'stats') {
      void relay.stats().then((stats) => process.send?.({ type: 'stats', id: message.id, stats } satisfies RelayHostMessage));
    }
  });
  process.once('SIGTERM', () => void relay.stop().finally(() => process.exit(0)));
  process.send?.({ type: 'ready' } satisfies RelayHostMessage);
}

main().catch((error: Error) => {
  console.error(`relay ${process.argv.slice(2).join(' ')} failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
