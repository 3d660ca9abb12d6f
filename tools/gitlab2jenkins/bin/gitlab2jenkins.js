#!/usr/bin/env node
// Runs the TypeScript CLI directly: tsx's CommonJS hook compiles src/ on the fly.
require('tsx/cjs');
process.exitCode = require('../src/cli.ts').main(process.argv.slice(2));
