// Reviewer simulator: works human-task's review queue like people would, with a set accuracy
// against the synthetic claims' ground truth (a file written by load-tests/dist/synthetic/main.js).
//
//   node load-tests/dist/reviewer/main.js --truth results/truth --accuracy 0.9 --reviewers 3 --think-ms 2000
//
// Every flag has an environment twin (in brackets); flags win.
import { writeFileSync } from 'node:fs';
import { GroundTruth } from '../synthetic/ground-truth';
import { ReviewerSimulator, ReviewerSimulatorError } from './reviewer-simulator';

const USAGE = `usage: node load-tests/dist/reviewer/main.js --truth FILE|DIR[,...] [options]
  --truth PATHS       ground-truth files or directories of them, comma separated   [REVIEWER_TRUTH]
  --url URL           human-task's base URL (default http://127.0.0.1:3005)        [HUMAN_TASK_URL]
  --api-key KEYS      reviewer API keys, comma separated, one per reviewer in turn
                      (default dev-reviewer-key)                                     [REVIEWER_API_KEY]
  --accuracy P        chance 0..1 a verdict matches the truth (default 1)            [REVIEWER_ACCURACY]
  --reviewers N       reviewers working at once (default 1)                           [REVIEWERS]
  --think-ms MS       mean time on a claimed task before completing it (default 1000) [REVIEWER_THINK_MS]
  --max-tasks N       stop after N completed tasks                                    [REVIEWER_MAX_TASKS]
  --duration-s S      stop after S seconds                                            [REVIEWER_DURATION_SECONDS]
  --idle-s S          stop once no known open task showed up for S seconds (default 10;
                      0 waits on until --max-tasks or --duration-s)                   [REVIEWER_IDLE_SECONDS]
  --seed N            which verdicts are wrong and which task is picked (default 1)   [REVIEWER_SEED]
  --report FILE       also write the report (counts and every verdict) as JSON       [REVIEWER_REPORT]`;

const ENV: Record<string, string> = {
  truth: 'REVIEWER_TRUTH',
  url: 'HUMAN_TASK_URL',
  'api-key': 'REVIEWER_API_KEY',
  accuracy: 'REVIEWER_ACCURACY',
  reviewers: 'REVIEWERS',
  'think-ms': 'REVIEWER_THINK_MS',
  'max-tasks': 'REVIEWER_MAX_TASKS',
  'duration-s': 'REVIEWER_DURATION_SECONDS',
  'idle-s': 'REVIEWER_IDLE_SECONDS',
  seed: 'REVIEWER_SEED',
  report: 'REVIEWER_REPORT',
};

function settings(argv: string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [flag, env] of Object.entries(ENV)) out[flag] = process.env[env];
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (argv[i] === '--help' || argv[i] === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (!match || !(match[1] in ENV)) throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
    out[match[1]] = match[2] ?? argv[++i];
  }
  return out;
}

function number(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const s = settings(process.argv.slice(2));
  if (!s.truth) throw new Error(`--truth is required\n${USAGE}`);
  const truth = new GroundTruth().merge(...s.truth.split(',').map((path) => GroundTruth.load(path)));
  const idle = number(s['idle-s'], 'idle-s', 10) as number;
  const duration = number(s['duration-s'], 'duration-s');
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const simulator = new ReviewerSimulator({
    humanTaskUrl: s.url ?? 'http://127.0.0.1:3005',
    truth,
    apiKeys: (s['api-key'] ?? 'dev-reviewer-key').split(',').filter(Boolean),
    accuracy: number(s.accuracy, 'accuracy', 1),
    reviewers: number(s.reviewers, 'reviewers', 1),
    thinkTimeMs: number(s['think-ms'], 'think-ms', 1000),
    maxTasks: number(s['max-tasks'], 'max-tasks'),
    durationMs: duration === undefined ? undefined : duration * 1000,
    idleMs: idle > 0 ? idle * 1000 : Infinity,
    seed: number(s.seed, 'seed', 1),
    signal: controller.signal,
    log: (line) => console.log(line),
  });
  console.log(`[reviewer] truth of ${truth.size} claims; working ${s.url ?? 'http://127.0.0.1:3005'} ...`);
  const report = await simulator.run();
  const accuracy = report.worked ? ((report.correct / report.worked) * 100).toFixed(1) : '-';
  console.log(
    `[reviewer] worked ${report.worked}, correct ${report.correct} (${accuracy} %), conflicts ${report.conflicts}` +
      ` ${JSON.stringify(report.conflictsByKind)}, gone ${report.notFound}, unknown ${report.unknownSkipped}, retried errors ${report.retriedErrors}` +
      ` in ${(report.elapsedMs / 1000).toFixed(1)} s (stopped by ${report.stoppedBy})`,
  );
  if (s.report) {
    writeFileSync(s.report, JSON.stringify(report, null, 2));
    console.log(`[reviewer] report: ${s.report}`);
  }
}

main().catch((error: Error) => {
  console.error(`[reviewer] failed: ${error.message}`);
  process.exit(error instanceof ReviewerSimulatorError ? 2 : 1);
});
