// One link of the bare relay chain as its own process, as each mesh service is:
//   node relay-process.js GROUP_ID INPUT_TOPIC OUTPUT_TOPIC
// Tells its parent 'ready' once started; stops cleanly on SIGTERM.
import { testKafka } from '@claims-mesh/testing';
import { BareRelay } from '../kafka-hop/relays';

async function main(): Promise<void> {
  const [groupId, input, output] = process.argv.slice(2);
  if (!groupId || !input || !output) throw new Error('usage: relay-process GROUP_ID INPUT OUTPUT');
  const relay = new BareRelay(testKafka(`bench-chain-${output}`), groupId, input, output);
  await relay.start();
  process.once('SIGTERM', () => void relay.stop().finally(() => process.exit(0)));
  process.send?.('ready');
}

main().catch((error: Error) => {
  console.error(`relay ${process.argv.slice(2).join(' ')} failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
