/**
 * jest's globalSetup: a run of every suite in workers starts the shared demo assembly's synth at once,
 * beside the workers, instead of in the first suite that needs it while the other workers wait for
 * it. Not in band: the suites would then run in this process, whose event loop settles the synth,
 * and a suite waiting on the lock would block it.
 */
import { startDemoAssembly } from './demo-assembly';

/** The fields of jest's global config that select suites. */
interface SuiteSelection {
  readonly testPathPattern: string;
  readonly onlyChanged: boolean;
  readonly findRelatedTests: boolean;
  readonly lastCommit: boolean;
  readonly changedSince?: string;
  readonly maxWorkers: number;
  readonly detectOpenHandles: boolean;
}

export default function globalSetup(config: SuiteSelection): void {
  const everySuite = config.testPathPattern === '' && !config.onlyChanged && !config.findRelatedTests && !config.lastCommit && !config.changedSince;
  if (everySuite && config.maxWorkers > 1 && !config.detectOpenHandles) startDemoAssembly();
}
