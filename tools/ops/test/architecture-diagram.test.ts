import { architectureMarkdown } from '../src/architecture-diagram';
import { crossStackLinks } from '../src/cross-stack-links';
import { mainConstructs } from '../src/main-constructs';
import { resource, stack } from './stack-fixtures';

const network = stack(
  'Net',
  {
    Vpc: resource('AWS::EC2::VPC', 'Net/Network/Vpc/Resource'),
    Meta: resource('AWS::CDK::Metadata', 'Net/CDKMetadata/Default'),
    Provider: resource('AWS::Lambda::Function', 'Net/Custom::SomeProvider/Handler'),
  },
  { outputs: { VpcOut: { Value: { Ref: 'Vpc' } }, VpcExport: { Value: { Ref: 'Vpc' }, Export: { Name: 'net-vpc' } } } },
);
const ci = stack(
  'Ci',
  {
    Sg: resource('AWS::EC2::SecurityGroup', 'Ci/Jenkins/Sg', { VpcId: { 'Fn::GetStackOutput': { StackName: 'Net', OutputName: 'VpcOut', Region: 'x' } } }),
    Other: resource('AWS::EC2::SecurityGroup', 'Ci/Relay/Sg', { VpcId: { 'Fn::ImportValue': 'net-vpc' } }),
    Outside: resource('AWS::EC2::SecurityGroup', 'Ci/Relay/Sg2', { VpcId: { 'Fn::ImportValue': 'not-ours' } }),
    ...Object.fromEntries(['a', 'b', 'c', 'd'].map((n) => [`Key${n}`, resource('AWS::SecretsManager::Secret', `Ci/RepoKey-${n}/Resource`)])),
  },
  { dependencies: ['Net', 'Pilot-x-Reg'] },
);
const pilot = stack('Pilot-x-Reg', { Repo: resource('AWS::ECR::Repository', 'Pilot-x-Reg/Registry/Repo/Resource') }, { pilot: 'x' });

test('main constructs: owners of resources, CDK singletons left out, many like-named siblings collapsed', () => {
  expect(mainConstructs(network).map((c) => c.id)).toEqual(['Network']);
  const ciBoxes = mainConstructs(ci);
  expect(ciBoxes.map((c) => [c.id, c.members])).toEqual([
    ['Jenkins', 1],
    ['Relay', 1],
    ['RepoKey-*', 4],
  ]);
  expect(ciBoxes[2].resourceTypes.get('AWS::SecretsManager::Secret')).toBe(4);
});

test('cross-stack links come from weak and strong references, construct to construct', () => {
  expect(crossStackLinks([network, ci, pilot])).toEqual([
    { fromStack: 'Net', fromConstruct: 'Network', toStack: 'Ci', toConstruct: 'Jenkins' },
    { fromStack: 'Net', fromConstruct: 'Network', toStack: 'Ci', toConstruct: 'Relay' },
  ]);
});

test('the diagram groups pilot stacks, draws links and unexplained dependencies, and is deterministic', () => {
  const md = architectureMarkdown([network, ci, pilot]);
  expect(md).toContain('subgraph pilot__x["Pilot x"]');
  expect(md).toContain('Net__Network --> Ci__Jenkins');
  expect(md).toContain('Pilot_x_Reg -. deploys before .-> Ci');
  expect(md).not.toContain('Net -. deploys before');
  expect(architectureMarkdown([network, ci, pilot])).toBe(md);
});
