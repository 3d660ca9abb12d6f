/**
 * `npm run restore:rehearse -- --pilot <pilot> [--namespace <staging namespace>] [--mongo-dump <key>]
 * [--crate-snapshot <name>] [--config <dir>]`: restores the FIWARE stores' copies into the pilot's
 * staging namespace and queries an entity back (tools/ops/src/restore-rehearsal.ts). Runs `kubectl`
 * and `aws` as the operator is logged in.
 */
import { spawnSync } from 'child_process';
import { runCommand } from '../lib/command-line';
import { loadConfig } from '../lib/config/load-config';
import { rehearsalFlags, rehearseRestore } from '../tools/ops/src/restore-rehearsal';

const USAGE = 'usage: npm run restore:rehearse -- --pilot <pilot> [--namespace <staging namespace>] [--mongo-dump <key>] [--crate-snapshot <name>] [--config <dir>]';

runCommand('restore:rehearse', USAGE, () => {
  const { options, config } = rehearsalFlags(process.argv.slice(2));
  return rehearseRestore(
    loadConfig(config),
    options,
    (command, args, input) => {
      const r = spawnSync(command, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
      return { status: r.error ? 127 : r.status, stdout: r.stdout ?? '', stderr: r.error ? String(r.error.message) : (r.stderr ?? '') };
    },
    (line) => console.log(line),
  );
});
