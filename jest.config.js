/** Jest: TypeScript is transpiled by esbuild (no type check here; `tsc --noEmit` runs once before). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/tools'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js' },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  testTimeout: 120000,
};
