/**
 * Jenkins' webhook endpoints are reachable only through the relay. The synthesized load balancer
 * rules are evaluated the way ALB evaluates them (documented: rules by priority, path patterns
 * case-sensitive with `*` and `?`, compared to the raw path without the query string) against the
 * path Jenkins would route the same request to (Stapler.getServletPath: the raw path canonicalized
 * - empty and `.` segments dropped, `..` pops - then each segment percent-decoded; Jenkins.getDynamic
 * matches a root action's urlName exactly). A request that Jenkins would hand to a hook root action
 * must get the 403 on every listener but the relay's.
 */
import { JENKINS_PLUGINS } from '../lib/ci/jenkins-plugins';
import { RELAY_LISTENER_PORT } from '../lib/constructs/webhook-relay';
import { demoAssembly } from './demo-assembly';
import { parse } from 'yaml';
import { controllerInputs } from './ci/controller-inputs';

const synthesized = demoAssembly();
const ci = synthesized.templates.get('Platform-Ci')!;
const all = (type: string) => Object.entries(ci.findResources(type)) as [string, { Properties: any }][];

/** Root actions of webhook receivers (urlName), by plugin: git's GitStatus, and the ones of plugins not pinned. */
const HOOK_ACTIONS: Readonly<Record<string, string>> = {
  git: 'git', // git plugin, hudson.plugins.git.GitStatus#getUrlName
  github: 'github-webhook', // github plugin, GitHubWebHook.URLNAME
  'gitlab-plugin': 'project', // gitlab-plugin, GitLabWebHook.WEBHOOK_URL
  'gitlab-branch-source': 'gitlab-webhook', // gitlab-branch-source, GitLabWebHookAction
};
/** Webhook plugins whose endpoints the refusals do not cover: none may be pinned. */
const UNCOVERED_HOOK_PLUGINS = ['generic-webhook-trigger', 'multibranch-scan-webhook-trigger', 'bitbucket', 'gogs-webhook', 'build-token-root'];

/** Stapler: canonicalPath of the raw path, then each token decoded (TokenList). */
function staplerTokens(rawPath: string): string[] {
  const tokens: string[] = [];
  for (const segment of rawPath.split(/\/+/)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') tokens.pop();
    else tokens.push(segment);
  }
  return tokens.map((t) => {
    try {
      return decodeURIComponent(t);
    } catch {
      return t;
    }
  });
}
const reachesHook = (rawPath: string) => Object.values(HOOK_ACTIONS).includes(staplerTokens(rawPath)[0] ?? '');

function albMatches(pattern: string, path: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(path);
}

type Outcome = { readonly kind: 'forward' | 'fixed'; readonly status?: string };
const outcome = (action: any): Outcome => (action.Type === 'forward' ? { kind: 'forward' } : { kind: 'fixed', status: action.FixedResponseConfig?.StatusCode });

/** What a listener does with a request: its rules by priority, then its default action. */
function evaluate(listenerId: string, method: string, rawUrl: string): Outcome {
  const path = rawUrl.split('?')[0];
  const rules = all('AWS::ElasticLoadBalancingV2::ListenerRule')
    .filter(([, r]) => r.Properties.ListenerArn.Ref === listenerId)
    .sort(([, a], [, b]) => a.Properties.Priority - b.Properties.Priority);
  for (const [, rule] of rules) {
    const matches = rule.Properties.Conditions.every((c: any) => {
      if (c.Field === 'path-pattern') return (c.PathPatternConfig?.Values ?? c.Values).some((p: string) => albMatches(p, path));
      if (c.Field === 'http-request-method') return c.HttpRequestMethodConfig.Values.includes(method);
      throw new Error(`condition ${c.Field} is not modelled by this test`);
    });
    if (matches) return outcome(rule.Properties.Actions[0]);
  }
  const listener = ci.findResources('AWS::ElasticLoadBalancingV2::Listener')[listenerId];
  return outcome(listener.Properties.DefaultActions[0]);
}

const listeners = all('AWS::ElasticLoadBalancingV2::Listener');
const relayListener = listeners.find(([, l]) => l.Properties.Port === RELAY_LISTENER_PORT)!;
const otherListeners = listeners.filter(([id]) => id !== relayListener[0]);

/** Every way to write `git` with percent escapes (upper and lower case hex). */
const escapedGit = ['g', 'i', 't']
  .reduce<string[]>((forms, ch) => forms.flatMap((f) => [f + ch, `${f}%${ch.charCodeAt(0).toString(16)}`, `${f}%${ch.charCodeAt(0).toString(16).toUpperCase()}`]), [''])
  .filter((form) => form !== 'git');
const HOSTILE = [
  '/git/notifyCommit?url=git@github.com:acme-industries/line-monitor.git',
  '/git/notifyCommit/',
  '/git',
  '//git/notifyCommit',
  '/./git/notifyCommit',
  '/job/../git/notifyCommit',
  '/static/x/../../git/notifyCommit',
  '/job/acme/./../../git/notifyCommit',
  '/github-webhook/',
  '/project/acme/line-monitor',
  '/gitlab-webhook/post',
  ...escapedGit.map((g) => `/${g}/notifyCommit`),
];
const BENIGN = [
  '/',
  '/login',
  '/job/acme/job/line-monitor/',
  '/job/acme/job/line-monitor/job/main/42/console',
  '/job/bravo/job/cold-chain/job/v1.2/',
  '/static/6f2a91c4/css/style.css',
  '/user/acme-lead/',
  '/manage/',
  '/computer/',
  '/search/?q=line%20monitor',
];

describe('webhook entrance', () => {
  test('the corpus is honest: every hostile path reaches a hook in Jenkins, no benign one does', () => {
    expect(escapedGit).toHaveLength(26);
    for (const p of HOSTILE) expect([p, reachesHook(p)]).toEqual([p, true]);
    for (const p of BENIGN) expect([p, reachesHook(p)]).toEqual([p, false]);
  });

  test('every listener but the relay\'s refuses every way of reaching a hook, and forwards the UI', () => {
    expect(otherListeners.length).toBeGreaterThanOrEqual(1);
    for (const [id] of otherListeners) {
      for (const method of ['GET', 'POST']) {
        for (const p of HOSTILE) expect([p, evaluate(id, method, p)]).toEqual([p, { kind: 'fixed', status: '403' }]);
      }
      for (const p of BENIGN) expect([p, evaluate(id, 'GET', p)]).toEqual([p, { kind: 'forward' }]);
    }
  });

  test('the relay listener forwards notifyCommit (GET) and nothing else', () => {
    const [id] = relayListener;
    expect(evaluate(id, 'GET', '/git/notifyCommit?url=git%40github.com%3Aacme-industries%2Fline-monitor.git')).toEqual({ kind: 'forward' });
    expect(evaluate(id, 'POST', '/git/notifyCommit')).toEqual({ kind: 'fixed', status: '404' });
    for (const p of ['/login', '/job/acme/', '/script', '/git/other']) expect([p, evaluate(id, 'GET', p)]).toEqual([p, { kind: 'fixed', status: '404' }]);
  });

  test('only the relay\'s security group reaches the relay listener; the relay does not reach the UI listener', () => {
    const relayGroup = all('AWS::EC2::SecurityGroup').find(([, g]) => g.Properties.GroupDescription === 'Webhook relay function')![0];
    const ingress = [
      ...all('AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties),
      ...all('AWS::EC2::SecurityGroup').flatMap(([, g]) => g.Properties.SecurityGroupIngress ?? []),
    ];
    const toRelayPort = ingress.filter((r) => r.FromPort <= RELAY_LISTENER_PORT && r.ToPort >= RELAY_LISTENER_PORT);
    expect(toRelayPort).toHaveLength(1);
    expect(toRelayPort[0].SourceSecurityGroupId).toEqual({ 'Fn::GetAtt': [relayGroup, 'GroupId'] });
    const fromRelay = ingress.filter((r) => JSON.stringify(r.SourceSecurityGroupId ?? '').includes(relayGroup));
    expect(fromRelay.map((r) => r.FromPort)).toEqual([RELAY_LISTENER_PORT]);
  });

  test('the function calls Jenkins on the relay listener', () => {
    const fn = all('AWS::Lambda::Function').find(([, f]) => f.Properties.Environment?.Variables?.DELIVERY_TABLE)![1];
    expect(fn.Properties.Environment.Variables.JENKINS_PORT).toBe(String(RELAY_LISTENER_PORT));
  });

  test('no webhook plugin whose endpoint the refusals do not cover is pinned', () => {
    expect(Object.keys(JENKINS_PLUGINS).filter((p) => UNCOVERED_HOOK_PLUGINS.includes(p))).toEqual([]);
    for (const plugin of Object.keys(JENKINS_PLUGINS).filter((p) => p in HOOK_ACTIONS)) expect(reachesHook(`/${HOOK_ACTIONS[plugin]}/`)).toBe(true);
  });

  test('the delivery table expires ids (TTL) and the function may only claim and release them', () => {
    ci.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
    const fn = all('AWS::Lambda::Function').find(([, f]) => f.Properties.Environment?.Variables?.DELIVERY_TABLE)![1];
    const role = fn.Properties.Role['Fn::GetAtt'][0];
    const statements = all('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === role))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(statements.flatMap((s: any) => [s.Action].flat()).filter((a: string) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem']);
  });
});

/** PeriodicFolderTrigger (cloudbees-folder 6.942.vb_43318a_156b_2, DescriptorImpl.doFillIntervalItems): the intervals its form offers. */
const FOLDER_TRIGGER_INTERVALS = ['1m', '2m', '3m', '5m', '10m', '15m', '20m', '25m', '30m', '1h', '2h', '4h', '8h', '12h', '1d', '2d', '7d', '14d', '28d'];

test('every multibranch job scans its branches periodically, with an interval the folder trigger offers', () => {
  const jobs: string[] = parse(controllerInputs(synthesized.outdir, synthesized.templates).casc).jobs.map((j: { script: string }) => j.script);
  const multibranch = jobs.filter((s) => s.startsWith('multibranchPipelineJob('));
  expect(multibranch.length).toBeGreaterThan(3);
  for (const job of multibranch) {
    // Job DSL 1.87 removed the static `periodic` trigger (docs/Migration.md, 1.72): the dynamic DSL name is the class's.
    const interval = job.match(/\n {4}triggers \{\n {8}periodicFolderTrigger \{\n {12}interval\('([^']+)'\)/)?.[1];
    expect(FOLDER_TRIGGER_INTERVALS).toContain(interval);
  }
});
