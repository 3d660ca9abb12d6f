/**
 * The pinned AWS-provided Greengrass components against upstream facts (greengrass-components.json,
 * each fact with its source): every pin is a published version, and every dependency constraint a
 * pinned version's recipe declares holds for the other pins, as Greengrass' deployment resolution
 * requires (a violated one fails every deployment on every core).
 */
import { loadConfig } from '../../lib/config/load-config';
import { DEMO_CONFIG } from '../fixtures/demo-paths';
import facts from './greengrass-components.json';

type Facts = Record<string, { pin: string; unconfirmed?: string; versions: Record<string, { dependencies?: Record<string, string>; source?: string }> }>;
const components = facts.components as Facts;
const pins = loadConfig(DEMO_CONFIG).platform.edge.greengrass as Record<string, string>;
const pinned = Object.fromEntries(Object.entries(components).map(([name, c]) => [name, pins[c.pin]]));

/** A Greengrass version requirement: space-separated comparators (`>=2.11.0 <2.16.0`, `=2.0.3`), all of which must hold. */
function satisfies(version: string, requirement: string): boolean {
  const parse = (v: string) => v.split('.').map(Number);
  const compare = (a: string, b: string) => parse(a).reduce((r, x, i) => r || x - parse(b)[i], 0);
  return requirement.split(/\s+/).every((c) => {
    const [, op, v] = c.match(/^(>=|<=|>|<|=)?(\d+\.\d+\.\d+)$/) ?? [];
    if (!v) throw new Error(`unsupported comparator ${c}`);
    const d = compare(version, v);
    return { '>=': d >= 0, '<=': d <= 0, '>': d > 0, '<': d < 0, '=': d === 0 }[op ?? '='];
  });
}

test('every AWS-provided component the deployments carry has its upstream facts', () => {
  expect(Object.values(components).map((c) => c.pin).sort()).toEqual(Object.keys(pins).sort());
});

test.each(Object.keys(components))('%s: the pinned version is a published one', (name) => {
  expect(Object.keys(components[name].versions)).toContain(pinned[name]);
});

test.each(Object.keys(components))('%s: its pinned version\'s dependency constraints hold for the other pins', (name) => {
  const dependencies = components[name].versions[pinned[name]]?.dependencies ?? {};
  const broken = Object.entries(dependencies).filter(([dep, range]) => !satisfies(pinned[dep], range)).map(([dep, range]) => `${dep} ${pinned[dep]} not ${range}`);
  expect(broken).toEqual([]);
});

test('the range check reads Greengrass requirements (and would catch DiskSpooler 1.0.5 with nucleus 2.16.1)', () => {
  expect(satisfies('2.16.1', components['aws.greengrass.DiskSpooler'].versions['1.0.5'].dependencies!['aws.greengrass.Nucleus'])).toBe(false);
  expect(satisfies('2.15.1', '>=2.11.0 <2.16.0')).toBe(true);
  expect(satisfies('2.16.0', '>=2.11.0 <2.16.0')).toBe(false);
  expect(satisfies('2.0.3', '=2.0.3')).toBe(true);
});
