// A Jest transformer backed by esbuild: transpile-only, so test start-up stays fast on 2 cores.
const { transformSync } = require('esbuild');
const { createHash } = require('crypto');
const { version } = require('esbuild/package.json');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: filename,
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(version).update(filename).update(source).digest('hex');
  },
};
