// Prints the one closing line CI reads, "N passed, N failed", from jest --json reports.
// A report that is missing (its jest run crashed before writing it) counts as one failure.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    // A test file that fails to load has no tests counted but must not look green.
    failed += report.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
  } catch (error) {
    console.error(`test-summary: cannot read ${file}: ${error.message}`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
