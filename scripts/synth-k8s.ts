/** `npm run synth:k8s [-- --config <dir>]`: renders every chart to YAML under k8s/dist/ for publishing (GitOps). */
import * as path from 'path';
import { App } from 'cdk8s';
import { loadConfig } from '../lib/config/load-config';
import { definePlatformCharts } from '../k8s/platform-charts';

const flag = process.argv.indexOf('--config');
const configDir = flag >= 0 ? process.argv[flag + 1] : 'config';
const app = new App({ outdir: path.join(__dirname, '..', 'k8s', 'dist') });
const charts = definePlatformCharts(app, loadConfig(configDir));
app.synth();
console.log(`rendered ${charts.length} chart(s) to k8s/dist/: ${charts.map((c) => c.node.id).join(', ')}`);
