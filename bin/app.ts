#!/usr/bin/env node
/**
 * CDK entry. `-c config=<dir>` selects the platform config folder (default: the demo in config/);
 * `-c gates=true` also runs the cdk-nag and cfn-guard gates and the Kubernetes objects' schema check
 * (always on in `npm test`; about 2 s).
 * The config is validated before any construct exists; a failed run empties the output folder, so
 * no Lambda asset, partial template or earlier run's template looks current.
 */
import { App } from 'aws-cdk-lib';
import { DISABLE_CREATION_STACK_TRACES } from 'aws-cdk-lib/cx-api';
import { ConfigError } from '../lib/config/config-error';
import { loadConfig } from '../lib/config/load-config';
import { readPublishedImages, readPublishedRecipes } from '../lib/config/published-recipes';
import { definePlatform } from '../lib/platform';
import { clearFailedAssembly } from '../lib/synth-output';

const started = Date.now();
const app = new App({ builtinCloudFormationValidation: false });
const configDir = String(app.node.tryGetContext('config') ?? 'config');
const gates = String(app.node.tryGetContext('gates')) === 'true';
// Each resource's creation stack trace costs a source-mapped stack capture; only the gates' findings
// report it (`cdk synth --debug-app` records it anyway).
if (!gates) app.node.setContext(DISABLE_CREATION_STACK_TRACES, true);
try {
  const model = loadConfig(configDir);
  definePlatform(app, model, { greengrassRecipes: readPublishedRecipes(configDir), images: readPublishedImages(configDir) });
  // Loaded only when asked for: cdk-nag and cfn-guard take a quarter of a second to load.
  if (gates) require('../lib/validation-gates').addValidationGates(app);
  app.synth();
} catch (e) {
  clearFailedAssembly(app.outdir, started);
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(1);
}
