#!/usr/bin/env node
/**
 * CDK entry. `-c config=<dir>` selects the platform config folder (default: the demo in config/);
 * `-c gates=true` also runs the cdk-nag and cfn-guard gates (always on in `npm test`; about 2 s).
 * The config is validated before any construct exists; a failed run empties the output folder, so
 * no Lambda asset, partial template or earlier run's template looks current.
 */
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../lib/config/config-error';
import { loadConfig } from '../lib/config/load-config';
import { readPublishedImages, readPublishedRecipes } from '../lib/config/published-recipes';
import { definePlatform } from '../lib/platform';
import { clearFailedAssembly } from '../lib/synth-output';

const started = Date.now();
const app = new App({ builtinCloudFormationValidation: false });
const configDir = String(app.node.tryGetContext('config') ?? 'config');
try {
  const model = loadConfig(configDir);
  definePlatform(app, model, { greengrassRecipes: readPublishedRecipes(configDir), images: readPublishedImages(configDir) });
  // Loaded only when asked for: cdk-nag and cfn-guard take a quarter of a second to load.
  if (String(app.node.tryGetContext('gates')) === 'true') require('../lib/validation-gates').addValidationGates(app);
  app.synth();
} catch (e) {
  clearFailedAssembly(app.outdir, started);
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(1);
}
