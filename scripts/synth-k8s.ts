/**
 * `npm run synth:k8s [-- --config <dir>]`: renders every chart to YAML under k8s/dist/ for publishing
 * (GitOps). k8s/dist/ then holds exactly this run's charts; a failed run leaves it absent.
 */
import * as path from 'path';
import { App } from 'cdk8s';
import { parseFlags, runCommand } from '../lib/command-line';
import { loadConfig } from '../lib/config/load-config';
import { renderFolder } from '../lib/synth-output';
import { kubeSchemaErrors } from '../k8s/kube-object';
import { definePlatformCharts } from '../k8s/platform-charts';

runCommand('synth:k8s', 'usage: npm run synth:k8s [-- --config <dir>]', () => {
  const configDir = parseFlags(process.argv.slice(2), ['config']).config ?? 'config';
  const dist = path.join(__dirname, '..', 'k8s', 'dist');
  const charts = renderFolder(dist, (outdir) => {
    const app = new App({ outdir });
    const rendered = definePlatformCharts(app, loadConfig(configDir));
    const invalid = kubeSchemaErrors(app);
    if (invalid.length > 0) throw new Error(`objects that do not match their kind's schema:\n  ${invalid.join('\n  ')}`);
    app.synth();
    return rendered;
  });
  console.log(`rendered ${charts.length} chart(s) to k8s/dist/: ${charts.map((c) => c.node.id).join(', ')}`);
  return 0;
});
