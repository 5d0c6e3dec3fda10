// One jest run for the whole workspace, split in two projects:
//   unit:        pure logic, next to the code (src/**/*.spec.ts, infra/observability checks), no servers needed
//   integration: against the real local stack (test/**/*.int-spec.ts), run in band
// Workspace packages resolve to their sources so tests never need a build of a lib.
const moduleNameMapper = { '^@claims-mesh/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts' };
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.base.json', diagnostics: false }] };
// The ignored caches hold copies of the workspace's packages (container image staging, the stack's data): never modules of the tests.
const modulePathIgnorePatterns = ['<rootDir>/.cache/', '<rootDir>/.stack'];
const common = { rootDir: __dirname, testEnvironment: 'node', moduleNameMapper, transform, modulePathIgnorePatterns };

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,services}/*/src/**/*.spec.ts', '<rootDir>/infra/observability/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services,infra,load-tests}/**/test/**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest-integration-setup.js'],
    },
  ],
};
