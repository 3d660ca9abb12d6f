import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpsLines, CPS_LINE_BUDGET } from '../src/cps-size';
import { translateText, type Warning } from '../src/index';
import { cpsShape, pipelineBlock } from './cps-shapes';
import { committedSample, CORPUS, GOLDEN, samples } from './samples';

/** What Jenkins' CPS transformer compiled, measured with its source (see the file's `source`). */
interface Fact {
  readonly shape: string;
  readonly jobs: number;
  readonly steps: 'inline' | 'functions';
  readonly lines: number;
  readonly compiles: boolean;
}
const FACTS: readonly Fact[] = JSON.parse(readFileSync(join(__dirname, 'groovy', 'cps-facts.json'), 'utf8')).facts;

const oversized = (w: Warning): boolean => w.key === 'stages' && w.message.includes('Method too large');

describe('Jenkins method size (CPS)', () => {
  test('the measured facts: the pipeline block lines separate what compiles from what does not, and the budget keeps half of it', () => {
    const compiled = FACTS.filter((f) => f.compiles).map((f) => f.lines);
    const refused = FACTS.filter((f) => !f.compiles).map((f) => f.lines);
    expect(compiled.length).toBeGreaterThan(10);
    expect(refused.length).toBeGreaterThan(10);
    expect(Math.max(...compiled)).toBeLessThan(Math.min(...refused));
    expect(CPS_LINE_BUDGET).toBeLessThanOrEqual(Math.max(...compiled) / 2);
    // Moving the steps to functions made pipelines compile that did not with them inline.
    const inlineRefused = FACTS.filter((f) => f.steps === 'inline' && !f.compiles);
    expect(inlineRefused.some((f) => FACTS.some((g) => g.shape === f.shape && g.jobs === f.jobs && g.steps === 'functions' && g.compiles))).toBe(true);
  });

  test('every measured shape translates to a block within the budget, or to a warning naming its size', () => {
    const wrong: string[] = [];
    // A shape and size is measured in both step forms; it translates to one Jenkinsfile.
    const translated = new Map<string, ReturnType<typeof translateText>>();
    for (const f of FACTS) {
      const key = `${f.shape} ${f.jobs}`;
      if (!translated.has(key)) translated.set(key, translateText(cpsShape(f.shape, f.jobs)));
      const { jenkinsfile, warnings } = translated.get(key)!;
      const lines = cpsLines(pipelineBlock(jenkinsfile));
      if (lines > CPS_LINE_BUDGET && !warnings.some((w) => oversized(w) && w.message.includes(`${lines} lines of code`))) wrong.push(`${f.shape} ${f.jobs}: ${lines} lines, no warning`);
      // Never larger than the smallest form measured (steps moved to functions where that helps).
      const smallest = Math.min(...FACTS.filter((g) => g.shape === f.shape && g.jobs === f.jobs).map((g) => g.lines));
      if (lines > smallest) wrong.push(`${f.shape} ${f.jobs}: ${lines} lines, measured ${smallest}`);
    }
    expect(wrong).toEqual([]);
  });

  test('so does every golden and corpus pipeline', () => {
    for (const s of [...samples(GOLDEN), ...samples(CORPUS)]) {
      const { jenkinsfile, warnings, children } = committedSample(s);
      for (const text of [jenkinsfile, ...Object.values(children)]) if (cpsLines(pipelineBlock(text)) > CPS_LINE_BUDGET) expect(warnings).toContain('Method too large');
    }
  });
});
