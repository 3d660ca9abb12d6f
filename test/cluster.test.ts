import * as fs from 'fs';
import * as path from 'path';
import { Match } from 'aws-cdk-lib/assertions';
import { CLUSTER_REQUIREMENTS } from '../k8s/cluster-requirements';
import { KUBERNETES_VERSIONS } from '../lib/config/schema';
import { MANIFEST_BUDGET_BYTES, manifestBatches } from '../lib/stacks/charts-stack';
import { ARGO_CD_CHART_VERSION, ISTIO_VERSION } from '../lib/stacks/cluster-stack';
import { demoAssembly } from './demo-assembly';
import { REPO_ROOT } from './fixtures/demo-paths';

const { templates } = demoAssembly();
const cluster = templates.get('Platform-Cluster')!;
const network = templates.get('Platform-Network')!;
const resourcesOf = (type: string) => Object.entries(cluster.findResources(type));
const onlyResource = (type: string) => {
  const found = resourcesOf(type);
  expect(found).toHaveLength(1);
  return found[0][1];
};

describe('control plane', () => {
  test('native AWS::EKS::Cluster at the configured version, private endpoint, KMS-encrypted secrets, all logs', () => {
    cluster.hasResourceProperties('AWS::EKS::Cluster', {
      Version: '1.35',
      ResourcesVpcConfig: { EndpointPrivateAccess: true, EndpointPublicAccess: false },
      EncryptionConfig: [{ Provider: { KeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SecretsKey'), 'Arn'] } }, Resources: ['secrets'] }],
      Logging: { ClusterLogging: { EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((Type) => ({ Type })) } },
      AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
    });
    cluster.resourceCountIs('AWS::CloudFormation::Stack', 0);
  });

  test('the kubectl layer matches the cluster version', () => {
    const version = onlyResource('AWS::EKS::Cluster').Properties.Version;
    const layers = resourcesOf('AWS::Lambda::LayerVersion').map(([, r]) => r.Properties.Description as string);
    const kubectl = layers.find((d) => d.startsWith('/opt/kubectl/kubectl'));
    expect(kubectl).toMatch(new RegExp(`^/opt/kubectl/kubectl ${version.replace('.', '\\.')}\\.\\d+;`));
  });

  test('every supported Kubernetes version has its kubectl layer package installed', () => {
    for (const version of KUBERNETES_VERSIONS) {
      const pkg = path.join(REPO_ROOT, 'node_modules', `@aws-cdk/lambda-layer-kubectl-v${version.split('.')[1]}`, 'package.json');
      expect(JSON.parse(fs.readFileSync(pkg, 'utf8')).description).toMatch(new RegExp(`kubectl v${version.replace('.', '\\.')}$`));
    }
  });

  test('nothing reaches the API but the CD plane: one ingress rule, HTTPS from the CD plane security group', () => {
    const controlPlaneSg = resourcesOf('AWS::EC2::SecurityGroup');
    expect(controlPlaneSg).toHaveLength(1);
    expect(controlPlaneSg[0][1].Properties.SecurityGroupIngress).toBeUndefined();
    const ingress = resourcesOf('AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    expect(ingress).toEqual([
      expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [controlPlaneSg[0][0], 'GroupId'] },
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { 'Fn::GetStackOutput': expect.objectContaining({ OutputName: expect.stringContaining('CdPlaneSecurityGroup') }) },
      }),
    ]);
    network.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('^CD plane') });
  });

  test('the kubectl handler and its provider reach the API as the CD plane does (its security group)', () => {
    for (const [, fn] of resourcesOf('AWS::Lambda::Function')) {
      expect(fn.Properties.VpcConfig.SecurityGroupIds).toEqual([
        { 'Fn::GetStackOutput': expect.objectContaining({ OutputName: expect.stringContaining('CdPlaneSecurityGroup') }) },
      ]);
    }
  });

  test('access entries: operators are cluster admins; CD deployers (in the pilots\' stacks) administer only the namespaces CD delivers to', () => {
    const entries = resourcesOf('AWS::EKS::AccessEntry').map(([, r]) => r.Properties);
    const entryOf = (principal: (arn: unknown) => boolean) => entries.filter((e) => principal(e.PrincipalArn));
    const policyName = (p: { PolicyArn: unknown }) => JSON.stringify(p.PolicyArn).match(/cluster-access-policy\/(\w+)/)![1];
    const [operators] = entryOf((arn) => arn === 'arn:aws:iam::111111111111:role/platform-operators');
    expect(operators.AccessPolicies.map((p: { PolicyArn: unknown; AccessScope: unknown }) => [policyName(p), p.AccessScope])).toEqual([
      ['AmazonEKSClusterAdminPolicy', { Type: 'cluster' }],
    ]);
    // One deployer per delivering pilot, in its own stack, each scoped to that pilot's namespaces (evaluated in test/ci/credential-isolation.test.ts).
    for (const pilot of ['acme', 'bravo']) {
      const deployers = Object.values(templates.get(`Pilot-${pilot}-Ci`)!.findResources('AWS::EKS::AccessEntry')).map((r) => r.Properties);
      expect(deployers.map((d) => [d.PrincipalArn, d.AccessPolicies.map((p: { PolicyArn: unknown; AccessScope: unknown }) => [policyName(p), p.AccessScope])])).toEqual([
        [{ 'Fn::GetAtt': [expect.stringMatching(/^DeployerRole/), 'Arn'] }, [['AmazonEKSAdminPolicy', { Type: 'namespace', Namespaces: [`pilot-${pilot}-staging`, `pilot-${pilot}`] }]]],
      ]);
    }
    // In the cluster stack, besides the operators only the kubectl handler (deploy-time, CD plane) has an entry.
    expect(entries).toHaveLength(2);
  });
});

describe('nodes', () => {
  test('x86 and Graviton managed node groups on AL2023, sized from config, in the cluster plane', () => {
    cluster.hasResourceProperties('AWS::EKS::Nodegroup', {
      AmiType: 'AL2023_x86_64_STANDARD',
      InstanceTypes: ['m7i.xlarge', 'm6i.xlarge'],
      ScalingConfig: { MinSize: 2, DesiredSize: 2, MaxSize: 6 },
      Labels: { 'iiot-platform/arch': 'amd64' },
      Taints: Match.absent(),
    });
    cluster.hasResourceProperties('AWS::EKS::Nodegroup', {
      AmiType: 'AL2023_ARM_64_STANDARD',
      InstanceTypes: ['m7g.xlarge', 'm6g.xlarge'],
      ScalingConfig: { MinSize: 1, DesiredSize: 2, MaxSize: 6 },
      Labels: { 'iiot-platform/arch': 'arm64' },
      Taints: [{ Key: 'iiot-platform/arch', Value: 'arm64', Effect: 'NO_SCHEDULE' }],
    });
    for (const [, group] of resourcesOf('AWS::EKS::Nodegroup')) expect(JSON.stringify(group.Properties.Subnets)).toMatch(/clusterSubnet1.*clusterSubnet2/);
  });

  test('launch templates: IMDSv2 with no pod access, encrypted gp3, CrateDB sysctl at boot', () => {
    for (const [, lt] of resourcesOf('AWS::EC2::LaunchTemplate')) {
      const data = lt.Properties.LaunchTemplateData;
      expect(data.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
      expect(data.BlockDeviceMappings[0].Ebs).toMatchObject({ Encrypted: true, VolumeType: 'gp3' });
      expect(JSON.stringify(data.UserData)).toContain('vm.max_map_count=262144');
    }
  });

  test('EBS CSI and CloudWatch observability add-ons with Pod Identity roles', () => {
    const addOns = resourcesOf('AWS::EKS::Addon').map(([, r]) => r.Properties.AddonName);
    expect(addOns.sort()).toEqual(['amazon-cloudwatch-observability', 'aws-ebs-csi-driver', 'eks-pod-identity-agent', 'vpc-cni']);
    // NetworkPolicies (the pilots' default-deny) are enforced only when the CNI is told to.
    cluster.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'vpc-cni',
      ConfigurationValues: JSON.stringify({ enableNetworkPolicy: 'true' }),
      // Over the self-managed vpc-cni EKS bootstraps: without it, ConfigurationConflict.
      ResolveConflicts: 'OVERWRITE',
    });
    cluster.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'kube-system', ServiceAccount: 'ebs-csi-controller-sa' });
    cluster.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'amazon-cloudwatch', ServiceAccount: 'cloudwatch-agent' });
  });
});

describe('mesh, GitOps and charts', () => {
  const helm = Object.fromEntries(resourcesOf('Custom::AWSCDK-EKS-HelmChart').map(([id, r]) => [r.Properties.Release, { id, ...r }]));

  test('Istio base -> istiod -> gateway and Argo CD, versions pinned, in order', () => {
    expect(Object.keys(helm).sort()).toEqual(['argocd', 'istio-base', 'istio-ingressgateway', 'istiod']);
    for (const release of ['istio-base', 'istiod', 'istio-ingressgateway']) expect(helm[release].Properties.Version).toBe(ISTIO_VERSION);
    expect(helm.argocd.Properties.Version).toBe(ARGO_CD_CHART_VERSION);
    expect(helm.istiod.DependsOn).toContain(helm['istio-base'].id);
    expect(helm['istio-ingressgateway'].DependsOn).toContain(helm.istiod.id);
    expect(helm.argocd.DependsOn).toContain(helm['istio-ingressgateway'].id);
    expect(helm['istio-base'].DependsOn.filter((d: string) => /Nodegroup(amd64|arm64)Nodes[0-9A-F]{8}$/.test(d))).toHaveLength(2);
  });

  test('istiod knows OPA as the ext_authz provider (what the charts require); the gateway sits behind an AWS load balancer', () => {
    const istiod = JSON.parse(helm.istiod.Properties.Values);
    expect(istiod.meshConfig.extensionProviders).toEqual(CLUSTER_REQUIREMENTS.istio.extensionProviders);
    expect(istiod.meshConfig.extensionProviders[0]).toEqual({
      name: 'opa-ext-authz',
      envoyExtAuthzGrpc: { service: 'opa.authz.svc.cluster.local', port: 9191, includeRequestBodyInCheck: { maxRequestBytes: 65536, allowPartialMessage: true } },
    });
    expect(istiod.pilot.env).toEqual(CLUSTER_REQUIREMENTS.istio.istiodEnv);
    const gateway = JSON.parse(helm['istio-ingressgateway'].Properties.Values);
    expect(helm['istio-ingressgateway'].Properties.Namespace).toBe(CLUSTER_REQUIREMENTS.istio.ingressGateway.namespace);
    expect(gateway.labels).toEqual(CLUSTER_REQUIREMENTS.istio.ingressGateway.selector);
    expect(gateway.service).toMatchObject({
      type: 'LoadBalancer',
      annotations: {
        'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
        'service.beta.kubernetes.io/aws-load-balancer-ssl-cert': 'arn:aws:acm:eu-central-1:111111111111:certificate/5b2e8f3a-7c1d-4e9b-a6f0-3d8c2b1e7f45',
      },
      // HTTPS only: no plaintext listener on the public load balancer.
      ports: [
        { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 80, protocol: 'TCP' },
      ],
    });
  });

  test('x86 nodes carry the label CrateDB schedules on', () => {
    cluster.hasResourceProperties('AWS::EKS::Nodegroup', { AmiType: 'AL2023_x86_64_STANDARD', Labels: Match.objectLike(CLUSTER_REQUIREMENTS.crateNodes.labels) });
  });

  const chartStacks = [...templates].filter(([id]) => /^(Platform-Charts-|Pilot-.*-Namespaces$)/.test(id));
  const manifests = chartStacks.flatMap(([stack, t]) => Object.entries(t.findResources('Custom::AWSCDK-EKS-KubernetesResource')).map(([id, r]) => ({ stack, id, r })));

  test('the charts are applied by their own stacks through the cluster\'s one kubectl provider: namespaces with injection, STRICT mTLS, default gp3 class', () => {
    expect(resourcesOf('Custom::AWSCDK-EKS-KubernetesResource')).toEqual([]);
    expect(chartStacks.map(([id]) => id).sort()).toEqual([
      'Pilot-acme-Namespaces', 'Pilot-bravo-Namespaces',
      'Platform-Charts-Base', 'Platform-Charts-Fiware', 'Platform-Charts-Gateway', 'Platform-Charts-Identity', 'Platform-Charts-Telemetry',
    ]);
    // No chart stack has a Lambda function, role or provider of its own: only the cluster stack's handler, by reference.
    // A delivering pilot's namespaces stack also admits the store restore role to its staging namespace.
    for (const [id, t] of chartStacks) {
      expect(Object.values(t.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type)).toEqual([
        'Custom::AWSCDK-EKS-KubernetesResource',
        ...(id.startsWith('Pilot-') ? ['AWS::EKS::PodIdentityAssociation'] : []),
      ]);
    }
    for (const { r } of manifests) {
      expect(r.Properties.ServiceToken).toEqual({ 'Fn::GetStackOutput': expect.objectContaining({ StackName: 'Platform-Cluster', OutputName: expect.stringMatching(/KubectlProvider/) }) });
    }
    const objects: { kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: unknown }[] = manifests.flatMap(({ r }) => JSON.parse(r.Properties.Manifest));
    expect(objects.filter((o) => o.kind === 'Namespace').every((o) => o.metadata.labels?.['istio-injection'] === 'enabled')).toBe(true);
    expect(objects).toContainEqual(expect.objectContaining({ kind: 'PeerAuthentication', spec: { mtls: { mode: 'STRICT' } } }));
    expect(objects).toContainEqual(expect.objectContaining({ kind: 'StorageClass', metadata: expect.objectContaining({ name: 'gp3' }) }));
    // One manifest per stack at the demo, each within the budget of one request.
    expect(manifests).toHaveLength(chartStacks.length);
    for (const { r } of manifests) expect(r.Properties.Manifest.length).toBeLessThan(MANIFEST_BUDGET_BYTES);
  });

  test('Lambda-backed custom resources in the cluster stack: the 4 Helm releases, all on one provider', () => {
    const custom = Object.values(cluster.toJSON().Resources as Record<string, { Type: string; Properties: { ServiceToken?: unknown } }>).filter(
      (r) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource',
    );
    expect(custom).toHaveLength(4);
    expect(new Set(custom.map((r) => JSON.stringify(r.Properties.ServiceToken))).size).toBe(1);
  });
});

test('charts are batched into as few manifests as the request size allows, in order, a chart over the budget split between its objects', () => {
  const chart = (name: string, ...bytes: number[]) => bytes.map((b, i) => ({ kind: 'ConfigMap', metadata: { name: `${name}${i}` }, data: { x: 'y'.repeat(b) } }));
  const batches = manifestBatches([chart('a', 50), chart('b', 50), chart('c', 150), chart('d', 10), chart('e', 20, 20, 250)], 300);
  expect(batches.map((b) => b.map((o) => (o.metadata as { name: string }).name))).toEqual([['a0', 'b0'], ['c0', 'd0'], ['e0', 'e1'], ['e2']]);
});
