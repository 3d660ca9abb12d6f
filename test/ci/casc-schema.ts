/**
 * Checks a JCasC document against the attribute names each configurator accepts at the pinned
 * plugin versions (test/fixtures/jenkins/casc-configurators.json, read from the plugins' source):
 * JCasC stops Jenkins at boot on an unknown attribute, so every key is checked, recursively.
 */
import facts from '../fixtures/jenkins/casc-configurators.json';

type AttributeType = 'scalar' | 'any' | { readonly one: string } | { readonly list: AttributeType | string };
interface Configurator {
  readonly attributes?: Readonly<Record<string, AttributeType>>;
  readonly choices?: Readonly<Record<string, string>>;
  readonly scalarForm?: boolean;
}

const configurators = facts.configurators as unknown as Readonly<Record<string, Configurator>>;
const roots = facts.roots as unknown as Readonly<Record<string, AttributeType | string>>;

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkType(type: AttributeType | string, value: unknown, at: string, problems: string[]): void {
  if (type === 'any') return;
  if (type === 'scalar') {
    if (isMapping(value) || Array.isArray(value)) problems.push(`${at}: must be a scalar`);
    return;
  }
  if (typeof type === 'string') return checkConfigurator(type, value, at, problems);
  if ('list' in type) {
    if (!Array.isArray(value)) return void problems.push(`${at}: must be a list`);
    value.forEach((item, i) => checkType(type.list, item, `${at}[${i}]`, problems));
    return;
  }
  checkConfigurator(type.one, value, at, problems);
}

function checkConfigurator(name: string, value: unknown, at: string, problems: string[]): void {
  const configurator = configurators[name];
  if (!configurator) throw new Error(`fixture names no configurator ${name}`);
  if (configurator.choices) {
    const keys = isMapping(value) ? Object.keys(value) : [];
    if (keys.length !== 1) return void problems.push(`${at}: must be one of ${Object.keys(configurator.choices).join(', ')}`);
    const target = configurator.choices[keys[0]];
    if (!target) return void problems.push(`${at}.${keys[0]}: unknown ${name}; known: ${Object.keys(configurator.choices).join(', ')}`);
    return checkConfigurator(target, (value as Record<string, unknown>)[keys[0]], `${at}.${keys[0]}`, problems);
  }
  if (!isMapping(value)) {
    if (configurator.scalarForm && !Array.isArray(value)) return;
    return void problems.push(`${at}: must be a mapping of ${name}`);
  }
  for (const [key, child] of Object.entries(value)) {
    const type = configurator.attributes?.[key];
    if (type === undefined) problems.push(`${at}.${key}: unknown attribute of ${name}; known: ${Object.keys(configurator.attributes ?? {}).join(', ')}`);
    else checkType(type, child, `${at}.${key}`, problems);
  }
}

/** Every key of `doc` that the pinned configurators would refuse, with its path. */
export function cascProblems(doc: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [root, value] of Object.entries(doc)) {
    const type = roots[root];
    if (type === undefined) problems.push(`${root}: unknown root; known: ${Object.keys(roots).join(', ')}`);
    else checkType(type, value, root, problems);
  }
  return problems;
}
