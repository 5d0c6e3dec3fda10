import { join } from 'node:path';

/**
 * The local stack's install cache, where infra/local keeps its servers (Triton and its model
 * repository, Kafka's jars, venvs, the TLS CA): $STACK_CACHE, or the workspace's .cache/stack
 * when it is unset or empty, as infra/local/lib.sh defaults it. Read when asked, so a test may
 * point it elsewhere. Three levels up from both src/ (tests) and dist/ (built code) is the workspace.
 */
export function localStackCache(): string {
  return process.env.STACK_CACHE || join(__dirname, '..', '..', '..', '.cache', 'stack');
}
