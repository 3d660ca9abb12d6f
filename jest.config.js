/**
 * Jest. TypeScript is transpiled by esbuild (test/esbuild-transform.js; no type check here: `tsc
 * --noEmit` runs once before), cached by jest under its cacheDirectory across runs; packages are not
 * transformed (transformIgnorePatterns' default, node_modules). One worker per core: jest's default
 * (cores - 1) ran the suites one after another on 2 cores, though much of their time is spent in
 * the processes they start (the app's synth, cfn-lint, groovy, moto, tsx) on the other core. Jest
 * starts the suites that took longest in its previous run first. A run of every suite starts the
 * shared demo synth in globalSetup (test/global-setup.ts).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/tools'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js' },
  globalSetup: '<rootDir>/test/global-setup.ts',
  maxWorkers: '100%',
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  testTimeout: 120000,
};
