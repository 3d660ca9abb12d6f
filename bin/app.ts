#!/usr/bin/env node
/**
 * CDK entry. `-c config=<dir>` selects the platform config folder (default: the demo in config/);
 * `-c gates=true` also runs the cdk-nag and cfn-guard gates (always on in `npm test`; about 2 s).
 */
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../lib/config/config-error';
import { loadConfig } from '../lib/config/load-config';
import { readPublishedRecipes } from '../lib/config/published-recipes';
import { definePlatform } from '../lib/platform';
import { addValidationGates } from '../lib/validation-gates';

const app = new App({ builtinCloudFormationValidation: false });
const configDir = String(app.node.tryGetContext('config') ?? 'config');
try {
  definePlatform(app, loadConfig(configDir), { greengrassRecipes: readPublishedRecipes(configDir) });
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  // Bad config stops here, before any template is written.
  console.error(e.message);
  process.exit(1);
}
if (String(app.node.tryGetContext('gates')) === 'true') addValidationGates(app);
app.synth();
