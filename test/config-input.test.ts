/**
 * Hostile and careless config folders: whatever the file system and the YAML hold, loading ends in
 * a ConfigError naming file (and line where there is one) and the rule, or in a model: never in
 * another exception. One table per class of bad input; generated inputs where a class is large.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../lib/config/config-error';
import { loadConfig } from '../lib/config/load-config';
import { configWith, problemsOf } from './fixtures/config-edit';
import { platformWithPilots } from '../tools/ops/src/generated-pilots';
import { DEMO_CONFIG } from './fixtures/demo-paths';

const ACME = fs.readFileSync(path.join(DEMO_CONFIG, 'pilots', 'acme.yaml'), 'utf8');
const BRAVO = fs.readFileSync(path.join(DEMO_CONFIG, 'pilots', 'bravo.yaml'), 'utf8');
const PLATFORM = fs.readFileSync(path.join(DEMO_CONFIG, 'platform.yaml'), 'utf8');

/** The ConfigError's text; any other exception fails the test with its stack. */
function refusal(dir: string): string {
  return problemsOf(dir);
}

/** A demo copy changed by `change(dir)` on the file system. */
function folderWith(change: (dir: string) => void): string {
  const dir = configWith({});
  change(dir);
  return dir;
}

describe('files of the wrong kind, links and files left by editors and operating systems', () => {
  const cases: [string, (dir: string) => void, RegExp][] = [
    ['a folder named like a pilot file', (d) => fs.mkdirSync(path.join(d, 'pilots', 'zulu.yaml')), /pilots\/zulu\.yaml: is a folder, not a regular file/],
    ['platform.yaml is a folder', (d) => { fs.rmSync(path.join(d, 'platform.yaml')); fs.mkdirSync(path.join(d, 'platform.yaml')); }, /platform\.yaml: is a folder, not a regular file/],
    ['pilots is a file', (d) => { fs.rmSync(path.join(d, 'pilots'), { recursive: true }); fs.writeFileSync(path.join(d, 'pilots'), ''); }, /pilots: is not a folder/],
    ['pilots is a link', (d) => { fs.renameSync(path.join(d, 'pilots'), path.join(d, 'real')); fs.symlinkSync('real', path.join(d, 'pilots')); }, /pilots: is a symbolic link/],
    ['a dangling link', (d) => fs.symlinkSync('/nonexistent/zulu.yaml', path.join(d, 'pilots', 'zulu.yaml')), /pilots\/zulu\.yaml: is a symbolic link/],
    ['a link to a file outside', (d) => fs.symlinkSync('/etc/hostname', path.join(d, 'pilots', 'zulu.yaml')), /pilots\/zulu\.yaml: is a symbolic link/],
    ['a link as platform.yaml', (d) => { fs.renameSync(path.join(d, 'platform.yaml'), path.join(d, 'p.txt')); fs.symlinkSync('p.txt', path.join(d, 'platform.yaml')); }, /platform\.yaml: is a symbolic link/],
    ['a named pipe', (d) => execFileSync('mkfifo', [path.join(d, 'pilots', 'zulu.yaml')]), /pilots\/zulu\.yaml: is a named pipe, not a regular file/],
    ['a .yml file', (d) => fs.writeFileSync(path.join(d, 'pilots', 'zulu.yml'), 'name: zulu\n'), /pilots\/zulu\.yml: is not a pilot file: pilots\/ holds only <pilot>\.yaml files/],
    ['an upper-case extension', (d) => fs.writeFileSync(path.join(d, 'pilots', 'ZULU.YAML'), 'name: zulu\n'), /ZULU\.YAML: is not a pilot file/],
    ['a README in pilots/', (d) => fs.writeFileSync(path.join(d, 'pilots', 'README.md'), '# pilots\n'), /pilots\/README\.md: is not a pilot file/],
    ['a file named only .yaml after a space', (d) => fs.writeFileSync(path.join(d, 'pilots', ' .yaml'), 'x: 1\n'), /pilots\/ \.yaml: must be a YAML mapping|name = \(missing\)|unknown field x/],
    ['a file name with an invisible character', (d) => fs.writeFileSync(path.join(d, 'pilots', 'zu\u200blu.yml'), ''), /pilots\/zu\\u\{200B\}lu\.yml: is not a pilot file/],
    ['a config folder that is a file', (d) => { fs.rmSync(d, { recursive: true }); fs.writeFileSync(d, ''); }, /: is not a folder; a platform config folder holds/],
    ['a config folder that does not exist', (d) => fs.rmSync(d, { recursive: true }), /: not found: a platform config folder holds platform\.yaml/],
  ];
  test.each(cases)('%s', (_what, change, expected) => {
    expect(refusal(folderWith(change))).toMatch(expected);
  });

  test('hidden files, swap, lock, AppleDouble and backup files are skipped, as the README says', () => {
    const dir = folderWith((d) => {
      for (const name of ['.acme.yaml.swp', '.#acme.yaml', '._acme.yaml', '.DS_Store', 'acme.yaml~', '.hidden.yaml']) {
        fs.writeFileSync(path.join(d, 'pilots', name), Buffer.from([0, 5, 0xff, 0xfe]));
      }
    });
    expect(loadConfig(dir).pilots.map((p) => p.name)).toEqual(['acme', 'bravo']);
  });
});

describe('YAML features the loader refuses', () => {
  const withAcme = (from: string, to: string) => ({ 'pilots/acme.yaml': ACME.replace(from, to) });
  const display = 'displayName: ACME Stamping Plant';
  const tags = ['!!binary aGk=', '!!str x', '!!timestamp 2026-01-01', '!Ref Foo', '!Sub "${AWS::Region}"', '!GetAtt x.y', '!!set {a, b}', '!!omap [a: 1]', '!<tag:example.com,2026:x> y', '!!float 1'];
  test.each(tags)('tag %s', (tagged) => {
    expect(refusal(configWith(withAcme(display, `displayName: ${tagged}`)))).toMatch(/acme\.yaml:4:\d+: YAML tag \S+: tags are not supported/);
  });

  const cases: [string, Record<string, string | Buffer>, RegExp][] = [
    ['an anchor and an alias', withAcme(display, 'displayName: &n ACME\nfiwareService2: *n'), /acme\.yaml:4:\d+: YAML anchor &n: anchors are not supported[\s\S]*acme\.yaml:5:\d+: YAML alias \*n: aliases are not supported/],
    ['a merge key', withAcme(display, `${display}\n<<: { fiwareService: x }`), /acme\.yaml:5:1: YAML merge keys \(<<\) are not supported/],
    ['a list as a key', withAcme(display, `${display}\n? [a, b]\n: 1`), /acme\.yaml:5:3: key \["a","b"\]: a key must be a plain name/],
    ['a null key', withAcme(display, `${display}\n~: 1`), /acme\.yaml:5:1: key null: a key must be a plain name/],
    ['a number key', withAcme(display, `${display}\n1: x`), /acme\.yaml:5:1: key 1: a key must be a plain name/],
    ['a second document', { 'pilots/acme.yaml': `${ACME}---\nname: acme\n` }, /acme\.yaml:\d+:1: YAML syntax: Source contains multiple documents/],
    ['duplicate keys', { 'pilots/acme.yaml': `${ACME}name: acme\n` }, /acme\.yaml:\d+:1: YAML syntax: Map keys must be unique/],
    ['an empty file', { 'pilots/acme.yaml': '' }, /acme\.yaml: must be a YAML mapping/],
    ['a scalar file', { 'pilots/acme.yaml': 'acme\n' }, /acme\.yaml: must be a YAML mapping/],
    ['bytes that are not UTF-8', { 'pilots/acme.yaml': Buffer.concat([Buffer.from('name: acme\ndisplayName: '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]) }, /acme\.yaml: is not UTF-8 text; save it as UTF-8/],
    ['UTF-16 with its byte-order mark', { 'pilots/acme.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ACME, 'utf16le')]) }, /acme\.yaml: is not UTF-8 text \(it starts with a UTF-16 byte-order mark\)/],
    ['a file over 1 MiB', { 'pilots/acme.yaml': `${ACME}# ${'x'.repeat(1024 * 1024)}\n` }, /acme\.yaml: is \d+ bytes; a config file may hold at most 1048576 bytes/],
    ['alias bomb', { 'pilots/acme.yaml': `${ACME}a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n` }, /YAML anchor &a[\s\S]*and \d+ more problems of the same kinds/],
  ];
  test.each(cases)('%s', (_what, files, expected) => {
    const dir = configWith({});
    for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), content);
    expect(refusal(dir)).toMatch(expected);
  });

  test.each([10, 25, 100, 1000, 5000, 50000])('flow nesting %i levels deep', (depth) => {
    const dir = configWith({ 'pilots/acme.yaml': ACME.replace(display, `displayName: ${'['.repeat(depth)}${']'.repeat(depth)}`) });
    const text = refusal(dir);
    expect(text).toMatch(depth > 22 ? /acme\.yaml:4:\d+: nested too deeply for a config file \(at most 24 levels/ : /displayName = \[\[.*: expected string, got list/);
  });

  test.each([30, 1000])('block nesting %i levels deep', (depth) => {
    const lines = Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    const dir = configWith({ 'pilots/acme.yaml': `${ACME}${lines} x\n` });
    expect(refusal(dir)).toMatch(/nested too deeply for a config file/);
  });
});

describe('messages show invisible and look-alike characters escaped and name the intended key', () => {
  const keys: [string, string][] = [
    ['zero-width space', 'display\u200bName'],
    ['zero-width joiner', 'display\u200dName'],
    ['byte-order mark inside', 'display\ufeffName'],
    ['no-break space', 'display\u00a0Name'],
    ['soft hyphen', 'display\u00adName'],
    ['Cyrillic a', 'displ\u0430yName'],
    ['Greek omicron', 'fiwareServic\u0435'],
    ['full-width letters', '\uff44isplayName'],
    ['wrong case', 'displayname'],
    ['a typo', 'dispalyName'],
  ];
  test.each(keys)('%s', (_what, key) => {
    const meant = key.startsWith('fiware') ? 'fiwareService' : 'displayName';
    const line = ACME.split('\n').findIndex((l) => l.startsWith(`${meant}:`)) + 1;
    const dir = configWith({ 'pilots/acme.yaml': ACME.replace(`${meant}:`, `${key}:`) });
    const text = refusal(dir);
    const escaped = [...key].map((ch) => (ch.charCodeAt(0) < 0x7f ? ch : `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`)).join('');
    expect(text).toContain(`acme.yaml:${line}:1 ${escaped}: unknown field ${escaped} (did you mean ${meant}?)`);
    expect(text).not.toMatch(/[^\x20-\x7e\n]/);
  });

  test('values with invisible characters are shown escaped', () => {
    const dir = configWith({ 'pilots/acme.yaml': ACME.replace('name: acme', 'name: "ac\u200bme"') });
    expect(refusal(dir)).toMatch(/name = "ac\\u\{200B\}me": a pilot name must be/);
  });

  test('every unknown key is reported at its own line', () => {
    const dir = configWith({ 'pilots/acme.yaml': ACME.replace('fiwareService: acme', 'fiwareService: acme\ncolour: red\nsize: 3') });
    const text = refusal(dir);
    expect(text).toMatch(/acme\.yaml:6:1 colour: unknown field colour;/);
    expect(text).toMatch(/acme\.yaml:7:1 size: unknown field size;/);
  });

  const numberFields: [string, string][] = [
    ['baseRatePerMinute: 2', 'baseRatePerMinute'],
    ['incrementFactor: 1.2', 'incrementFactor'],
    ['inProgressTimeoutMinutes: 60', 'inProgressTimeoutMinutes'],
    ['thresholdPercentage: 5,', 'thresholdPercentage'],
  ];
  const nonFinite = ['.inf', '-.inf', '.nan', '.NaN', '+.Inf'];
  test.each(numberFields.flatMap(([text, field]) => nonFinite.map((v): [string, string, string] => [field, text, v])))('%s = %s', (field, text, value) => {
    const dir = configWith({ 'pilots/acme.yaml': ACME.replace(text, text.replace(/[\d.]+/, value)) });
    const message = refusal(dir);
    expect(message).toMatch(new RegExp(`${field} = (-?Infinity|NaN): must be a finite number`));
    expect(message).not.toMatch(/expected number, got number/);
  });

  test.each([
    ['baseRatePerMinute: 2', 'baseRatePerMinute: 2.5', /baseRatePerMinute = 2\.5: must be a whole number/],
    ['minExecutedThings: 5 }', 'minExecutedThings: 1e30 }', /minExecutedThings = 1e\+30: must be at most 2147483647/],
    ['baseRatePerMinute: 2', 'baseRatePerMinute: -0', /baseRatePerMinute = 0: must be at least 1/],
    ['baseRatePerMinute: 2', 'baseRatePerMinute: "2"', /baseRatePerMinute = "2": expected number, got string/],
  ])('%s -> %s', (from, to, expected) => {
    const message = refusal(configWith({ 'pilots/acme.yaml': ACME.replace(from, to) }));
    expect(message).toMatch(expected);
    expect(message).toMatch(/\(1 problem\)/);
  });

  test('a pilot file holds the pilot it is named for', () => {
    const dir = configWith({ 'pilots/acme.yaml': null, 'pilots/acme-north.yaml': ACME });
    expect(refusal(dir)).toMatch(/pilots\/acme-north\.yaml:3:7 name = "acme": must equal the file name: acme-north\.yaml holds pilot "acme-north"/);
  });
});

/** A third pilot file, minimal but valid, with the given name and components. */
function pilot(name: string, components: string): string {
  return `name: ${name}\ndisplayName: ${name}\ncomponents:\n${components}`;
}
const component = (name: string, extra = '') =>
  `  - name: ${name}\n    repository: git@github.com:x/${name}.git\n    architectures: [amd64]\n${extra}`;

describe('derived identifiers are injective over owner and component', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'owner-component joined by hyphens',
      { 'pilots/acme-line.yaml': pilot('acme-line', component('monitor')), 'pilots/acme.yaml': ACME.replace('name: line-monitor', 'name: line-monitor') },
      /pilots\/acme\.yaml:9:11 components\[0\]\.name = "line-monitor": Jenkins credential id \(also the branch-source id <owner>-<component> and the CI stack construct id RepoKey-<owner>-<component>\) "acme-line-monitor-read" is also derived from .*pilots\/acme-line\.yaml:4:11 components\[0\]\.name = "monitor"; rename one/,
    ],
    [
      'a component named like another one\'s delivery job',
      { 'pilots/acme.yaml': ACME.replace('  - name: press-firmware', `${component('line-monitor-delivery')}  - name: press-firmware`) },
      /acme\.yaml:\d+:\d+ components\[1\]\.name = "line-monitor-delivery": Jenkins job "\/acme\/line-monitor-delivery" is also derived from .*acme\.yaml:9:11 components\[0\]\.name = "line-monitor"/,
    ],
    [
      'an image repository whose construct id equals a chart repository\'s',
      { 'pilots/charlie.yaml': pilot('charlie', component('xy', '    artefacts: [chart]\n') + component('charts-xy')) },
      /charlie\.yaml:\d+:\d+ components\[1\]\.name = "charts-xy": construct id of an ECR repository in the charlie registry stack "charlie dev charts xy" is also derived from .*charlie\.yaml:4:11 components\[0\]\.name = "xy"/,
    ],
    [
      'a pilot whose production namespace is another pilot\'s staging namespace',
      { 'pilots/acme-staging.yaml': pilot('acme-staging', ' []\n').replace('components:\n []', 'components: []') },
      /acme\.yaml:3:7 name = "acme": Kubernetes namespace "pilot-acme-staging" is also derived from .*acme-staging\.yaml:1:7 name = "acme-staging"/,
    ],
  ];
  test.each(cases)('%s', (_what, files, expected) => {
    expect(refusal(configWith(files))).toMatch(expected);
  });

  test('generated owner/component pairs: refused exactly when <owner>-<component> repeats', () => {
    const verdicts = ['xy-ab', 'xy-ab-cd', 'xy-cd'].flatMap((owner) =>
      ['ab', 'cd', 'ef', 'cd-ef', 'ab-cd', 'ef-ab'].map((name) => {
        const dir = configWith({ 'pilots/xy.yaml': pilot('xy', component('ab-cd-ef')), [`pilots/${owner}.yaml`]: pilot(owner, component(name)) });
        const clash = `${owner}-${name}` === 'xy-ab-cd-ef';
        let refused = false;
        try {
          loadConfig(dir);
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          // Reported at either of the two places, naming the other.
          refused = /Jenkins credential id[\s\S]*"xy-ab-cd-ef-read" is also derived from/.test(e.message);
        }
        return { owner, name, refused, clash };
      }),
    );
    expect(verdicts.filter((v) => v.refused !== v.clash)).toEqual([]);
    expect(verdicts.filter((v) => v.clash)).toHaveLength(2);
  });
});

describe("an edge pilot's fleet provisioning template name (<platform>_<pilot>)", () => {
  // IoT: templateName is 1-36 of [0-9A-Za-z_-] (https://docs.aws.amazon.com/iot/latest/apireference/API_CreateProvisioningTemplate.html).
  const TEMPLATE_NAME_MAX = 36;
  const platform24 = `p${'a-'.repeat(11)}z`;
  // A third pilot with an edge fleet, as the benchmarks generate it, under the given name.
  const generated = fs.readFileSync(path.join(platformWithPilots(DEMO_CONFIG, 3, { edge: true }), 'pilots', 'pilot-003.yaml'), 'utf8');
  const withEdgePilot = (pilotName: string) =>
    configWith({
      'platform.yaml': PLATFORM.replace(/^name: demo$/m, `name: ${platform24}`),
      [`pilots/${pilotName}.yaml`]: generated.replace(/pilot-003/g, pilotName),
    });

  test('longer than IoT allows: refused at the pilot name, naming the template and the limit', () => {
    const pilotName = 'acme-stampin'; // 24 + 1 + 12 = 37
    expect(refusal(withEdgePilot(pilotName))).toContain(
      `pilots/${pilotName}.yaml:1:7 name = "${pilotName}": IoT fleet provisioning template name (<platform>_<pilot>) "${platform24}_${pilotName}"; is 37 characters; IoT fleet provisioning template names allow at most ${TEMPLATE_NAME_MAX}: shorten the name`,
    );
  });

  test('at the limit: accepted', () => {
    const pilotName = 'acme-stampi'; // 24 + 1 + 11 = 36
    expect(`${platform24}_${pilotName}`).toHaveLength(TEMPLATE_NAME_MAX);
    expect(loadConfig(withEdgePilot(pilotName)).pilots.map((p) => p.name)).toContain(pilotName);
  });

  test('a pilot without an edge section has no template, so no such limit', () => {
    const dir = configWith({ 'platform.yaml': PLATFORM.replace(/^name: demo$/m, `name: ${platform24}`), 'pilots/acme-stamping.yaml': pilot('acme-stamping', ' []\n').replace('components:\n []', 'components: []') });
    expect(loadConfig(dir).pilots.map((p) => p.name)).toContain('acme-stamping');
  });
});

describe('good configs stay good', () => {
  test('BOM and CRLF line endings', () => {
    const dir = configWith({
      'platform.yaml': `\ufeff${PLATFORM.replace(/\n/g, '\r\n')}`,
      'pilots/acme.yaml': `\ufeff${ACME.replace(/\n/g, '\r\n')}`,
      'pilots/bravo.yaml': BRAVO.replace(/\n/g, '\r\n'),
    });
    const model = loadConfig(dir);
    expect(model.pilots.map((p) => [p.name, p.displayName])).toEqual([['acme', 'ACME Stamping Plant'], ['bravo', loadConfig(DEMO_CONFIG).pilots[1].displayName]]);
  });

  test('names at their maximum length in the region with the longest name', () => {
    const name24 = `p${'a-'.repeat(11)}z`;
    const name40 = `c${'b-'.repeat(19)}y`;
    const dir = configWith({
      'platform.yaml': PLATFORM.replace(/eu-central-1/g, 'ap-southeast-7'),
      [`pilots/${name24}.yaml`]: pilot(name24, component(name40, `    artefacts: [image, chart, blob]\n`)).replace(`displayName: ${name24}`, `displayName: ${'D'.repeat(100)}\nfiwareService: ${'f'.repeat(50)}`),
    });
    const model = loadConfig(dir);
    expect(model.pilots.map((p) => p.name)).toContain(name24);
    expect(name24).toHaveLength(24);
    expect(name40).toHaveLength(40);
  });

  test('values at each documented limit', () => {
    const dir = configWith({
      'pilots/acme.yaml': ACME.replace('baseRatePerMinute: 2', 'baseRatePerMinute: 20')
        .replace('maximumPerMinute: 20', 'maximumPerMinute: 1000')
        .replace('incrementFactor: 1.2', 'incrementFactor: 5')
        .replace('inProgressTimeoutMinutes: 60', 'inProgressTimeoutMinutes: 10080')
        .replace('thresholdPercentage: 5,', 'thresholdPercentage: 99.99,')
        .replace('minExecutedThings: 5 }', 'minExecutedThings: 2147483647 }'),
    });
    expect(loadConfig(dir).pilots[0].edge?.generations[0].rollout).toMatchObject({ incrementFactor: 5, inProgressTimeoutMinutes: 10080 });
  });
});

describe('generated edits of the demo files never crash the loader', () => {
  test('300 random insertions, deletions and replacements of YAML-significant text: a model or located problems, nothing else', () => {
    const files = ['platform.yaml', 'pilots/acme.yaml', 'pilots/bravo.yaml'].map((f) => [f, fs.readFileSync(path.join(DEMO_CONFIG, f), 'utf8')] as const);
    const pieces = [':', '-', ' ', '\n', '[', ']', '{', '}', '&a', '*a', '!', '!!str', '|', '>', '"', "'", '#', '%', '@', '`', ',', '?', '\t', '\u200b', '0', '1e999', '.inf', '.nan', '~', 'null', '<<', '\\', 'x', '\u0000', '\r', '\ufeff'];
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const dir = configWith({});
    const outcomes = { accepted: 0, refused: 0 };
    const badLines: string[] = [];
    for (let i = 0; i < 300; i++) {
      const [file, original] = files[Math.floor(next() * files.length)];
      let text = original;
      for (let k = 1 + Math.floor(next() * 4); k > 0; k--) {
        const at = Math.floor(next() * text.length);
        const piece = pieces[Math.floor(next() * pieces.length)];
        const op = next();
        text = op < 0.4 ? text.slice(0, at) + piece + text.slice(at) : op < 0.7 ? text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 5)) : text.slice(0, at) + piece + text.slice(at + 1);
      }
      fs.writeFileSync(path.join(dir, file), text);
      try {
        loadConfig(dir);
        outcomes.accepted++;
      } catch (e) {
        if (!(e instanceof ConfigError)) throw new Error(`edit ${i} of ${file} crashed the loader: ${(e as Error).stack}\n--- file ---\n${text}`);
        outcomes.refused++;
        for (const line of e.message.split('\n').slice(1)) {
          // Every problem names its file; nothing prints as undefined, [object ...] or a raw control character.
          if (!/^ {2}- \/\S+\.yaml(:\d+:\d+)?[ :]/.test(line) || /= undefined|\[object |got number, expected number|[^\x20-\x7e]/.test(line)) badLines.push(line);
        }
      }
      fs.writeFileSync(path.join(dir, file), original);
    }
    expect(badLines.slice(0, 10)).toEqual([]);
    expect(outcomes.refused).toBeGreaterThan(150);
    expect(outcomes.accepted).toBeGreaterThan(5);
  });
});
