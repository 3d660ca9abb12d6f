/** Jest for gitlab2jenkins only: esbuild transpiles (type-checking is `tsc -p tools/gitlab2jenkins`). */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['**/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/../../test/esbuild-transform.js' },
};
