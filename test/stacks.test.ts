import { Match, Template } from 'aws-cdk-lib/assertions';
import { demoAssembly } from './demo-assembly';
import { normalized } from './fixtures/demo-platform';

const { templates } = demoAssembly();
const template = (id: string): Template => {
  const t = templates.get(id);
  if (!t) throw new Error(`no stack ${id}; have ${[...templates.keys()].join(', ')}`);
  return t;
};

describe('stack set', () => {
  test('shared stacks plus registry, namespace, CI and edge stacks per demo pilot, named for `cdk deploy Pilot-<name>*`', () => {
    expect([...templates.keys()].sort()).toEqual([
      'Pilot-acme-Ci',
      'Pilot-acme-Edge',
      'Pilot-acme-Namespaces',
      'Pilot-acme-Registries',
      'Pilot-bravo-Ci',
      'Pilot-bravo-Edge',
      'Pilot-bravo-Namespaces',
      'Pilot-bravo-Registries',
      'Platform-Charts-Base',
      'Platform-Charts-Fiware',
      'Platform-Charts-Gateway',
      'Platform-Charts-Identity',
      'Platform-Charts-Telemetry',
      'Platform-Ci',
      'Platform-Cluster',
      'Platform-Edge',
      'Platform-Images',
      'Platform-Network',
      'Platform-Operations',
      'Platform-Registries',
    ]);
  });

  test.each(['Platform-Operations', 'Platform-Network', 'Platform-Cluster', 'Platform-Ci', 'Platform-Images', 'Platform-Registries', 'Platform-Edge', 'Pilot-acme-Registries', 'Pilot-bravo-Registries', 'Pilot-acme-Edge', 'Pilot-bravo-Edge', 'Platform-Charts-Base', 'Platform-Charts-Identity', 'Platform-Charts-Fiware', 'Platform-Charts-Gateway', 'Platform-Charts-Telemetry', 'Pilot-acme-Namespaces', 'Pilot-bravo-Namespaces', 'Pilot-acme-Ci', 'Pilot-bravo-Ci'])('%s matches its snapshot', (id) => {
    expect(normalized(template(id))).toMatchSnapshot();
  });

  test('no nested stacks (cfn-guard would skip them)', () => {
    for (const t of templates.values()) t.resourceCountIs('AWS::CloudFormation::Stack', 0);
  });

  test('pilot stacks reference no other stack, so one pilot deploys alone; its namespaces and (with CD) its deployer only the cluster stack', () => {
    // The namespaces use the shared kubectl provider (and admit the restore role); the deployer's access entry names the cluster.
    for (const [id, t] of templates) {
      if (!id.startsWith('Pilot-')) continue;
      const referenced = [...JSON.stringify(t.toJSON()).matchAll(/"Fn::GetStackOutput":\{"StackName":"([^"]+)"/g)].map((m) => m[1]);
      expect({ id, referenced: [...new Set(referenced)] }).toEqual({ id, referenced: id.endsWith('-Namespaces') || (id.endsWith('-Ci') && Object.keys(t.findResources('AWS::EKS::AccessEntry')).length > 0) ? ['Platform-Cluster'] : [] });
      expect(JSON.stringify(t.toJSON())).not.toMatch(/Fn::ImportValue/);
    }
  });

  test('a pilot\'s namespace stack applies only that pilot\'s objects: its namespaces, what lives in them, its Argo CD project and application, its realm', () => {
    for (const pilot of ['acme', 'bravo']) {
      const own = [`pilot-${pilot}`, `pilot-${pilot}-staging`];
      const manifests = Object.values(template(`Pilot-${pilot}-Namespaces`).findResources('Custom::AWSCDK-EKS-KubernetesResource'));
      const objects: { kind: string; metadata: { name: string; namespace?: string } }[] = manifests.flatMap((r) => JSON.parse(r.Properties.Manifest));
      expect(objects.length).toBeGreaterThan(0);
      const foreign = objects.filter((o) =>
        o.kind === 'Namespace' ? !own.includes(o.metadata.name)
          : o.metadata.namespace === 'argocd' ? o.metadata.name !== `pilot-${pilot}`
            : o.metadata.namespace === 'identity' ? !new RegExp(`^realm-${pilot}(-[0-9a-f]{8})?$`).test(o.metadata.name)
              : !own.includes(o.metadata.namespace ?? ''));
      expect(foreign).toEqual([]);
    }
  });
});

describe('network', () => {
  const network = template('Platform-Network');

  test('one subnet per plane per zone, at the planned CIDRs, in the configured zones', () => {
    network.resourceCountIs('AWS::EC2::Subnet', 10);
    const expected: [string, string, string][] = [
      ['public', 'eu-central-1a', '10.40.0.0/23'],
      ['public', 'eu-central-1b', '10.40.2.0/23'],
      ['endpoints', 'eu-central-1a', '10.40.4.0/25'],
      ['endpoints', 'eu-central-1b', '10.40.4.128/25'],
      ['cd', 'eu-central-1a', '10.40.8.0/23'],
      ['cd', 'eu-central-1b', '10.40.10.0/23'],
      ['ci', 'eu-central-1a', '10.40.16.0/21'],
      ['ci', 'eu-central-1b', '10.40.24.0/21'],
      ['cluster', 'eu-central-1a', '10.40.64.0/19'],
      ['cluster', 'eu-central-1b', '10.40.96.0/19'],
    ];
    for (const [plane, az, cidr] of expected) {
      network.hasResourceProperties('AWS::EC2::Subnet', {
        AvailabilityZone: az,
        CidrBlock: cidr,
        Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-name', Value: plane }]),
      });
    }
  });

  test('load balancer subnet tags: public plane for internet-facing, cluster plane only for internal', () => {
    const tagged = (key: string) =>
      Object.values(network.findResources('AWS::EC2::Subnet'))
        .filter((r) => r.Properties.Tags.some((t: { Key: string }) => t.Key === key))
        .map((r) => r.Properties.Tags.find((t: { Key: string }) => t.Key === 'aws-cdk:subnet-name').Value)
        .sort();
    expect(tagged('kubernetes.io/role/elb')).toEqual(['public', 'public']);
    expect(tagged('kubernetes.io/role/internal-elb')).toEqual(['cluster', 'cluster']);
  });

  test('public subnets assign no public IPs; NAT gateway count from config', () => {
    network.hasResourceProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    network.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('flow logs of all traffic into a retained, KMS-encrypted log group', () => {
    network.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    network.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 365, KmsKeyId: Match.anyValue() },
    });
  });

  test('gateway endpoints for S3 and DynamoDB; interface endpoints keep registry and SSM traffic off the NAT', () => {
    const gateways = network.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } });
    expect(Object.keys(gateways)).toHaveLength(2);
    const services = Object.values(network.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } })).map(
      (r) => r.Properties.ServiceName,
    );
    expect(services.sort()).toEqual(
      ['ec2messages', 'ecr.api', 'ecr.dkr', 'logs', 'ssm', 'ssmmessages', 'sts'].map((s) => `com.amazonaws.eu-central-1.${s}`),
    );
  });

  test('interface endpoints accept HTTPS from the VPC only', () => {
    network.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [{ CidrIp: '10.40.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }],
    });
  });
});

describe('registries', () => {
  const acme = template('Pilot-acme-Registries');
  const bravo = template('Pilot-bravo-Registries');

  test('dev and prod image and chart repositories per component and declared kind', () => {
    const names = Object.values(acme.findResources('AWS::ECR::Repository')).map((r) => r.Properties.RepositoryName);
    expect(names.sort()).toEqual(['acme/dev/charts/line-monitor', 'acme/dev/line-monitor', 'acme/prod/charts/line-monitor', 'acme/prod/line-monitor']);
  });

  test('every repository: scan on push, KMS encryption, retained', () => {
    for (const t of templates.values()) {
      for (const repo of Object.values(t.findResources('AWS::ECR::Repository'))) {
        // Retained on delete and replacement; a failed first deploy removes it, so the retry can create it again.
        expect(repo.DeletionPolicy).toBe('RetainExceptOnCreate');
        expect(repo.UpdateReplacePolicy).toBe('Retain');
        expect(repo.Properties.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
        expect(repo.Properties.EncryptionConfiguration).toEqual({ EncryptionType: 'KMS' });
      }
    }
  });

  test('prod tags are immutable and prod images cannot be deleted; dev is mutable and lifecycle-cleaned', () => {
    acme.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryName: 'acme/prod/line-monitor',
      ImageTagMutability: 'IMMUTABLE',
      LifecyclePolicy: Match.absent(),
      RepositoryPolicyText: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'ProdArtefactsAreNeverDeleted', Effect: 'Deny', Action: ['ecr:BatchDeleteImage', 'ecr:PutImageTagMutability'] }),
        ]),
      },
    });
    const dev = Object.values(acme.findResources('AWS::ECR::Repository', { Properties: { RepositoryName: 'acme/dev/line-monitor' } }))[0];
    expect(dev.Properties.ImageTagMutability).toBe('MUTABLE');
    const rules = JSON.parse(dev.Properties.LifecyclePolicy.LifecyclePolicyText).rules;
    expect(rules).toEqual([
      expect.objectContaining({ selection: expect.objectContaining({ tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 7 }) }),
      expect.objectContaining({ selection: expect.objectContaining({ tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 50 }) }),
    ]);
  });

  test('only the promoter may push to prod repositories', () => {
    acme.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryName: 'acme/prod/line-monitor',
      RepositoryPolicyText: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'OnlyThePromoterWritesProd',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: Match.arrayWith(['ecr:PutImage']),
            Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^RolesPromoter'), 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  test('blob buckets: versioned, KMS, TLS-only, no public access, access-logged, retained; prod object-locked', () => {
    for (const tier of ['dev', 'prod']) {
      const buckets = acme.findResources('AWS::S3::Bucket', { Properties: { BucketName: `acme-blobs-${tier}-111111111111-eu-central-1` } });
      const bucket = Object.values(buckets)[0];
      expect(bucket.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(bucket.UpdateReplacePolicy).toBe('Retain');
      expect(bucket.Properties).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { LogFilePrefix: `${tier}/` },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
      });
      expect(bucket.Properties.ObjectLockEnabled).toBe(tier === 'prod');
      if (tier === 'prod') {
        expect(bucket.Properties.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 3653 } } });
      }
    }
    for (const policy of Object.values(acme.findResources('AWS::S3::BucketPolicy'))) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  test('prod blobs are never overwritten or deleted, and only the promoter writes them', () => {
    const prod = Object.entries(acme.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }))[0][0];
    acme.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: prod },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'ProdBlobsAreNeverOverwritten', Effect: 'Deny', Condition: { Null: { 's3:if-none-match': 'true' }, Bool: { 's3:ObjectCreationOperation': 'true' } } }),
          Match.objectLike({ Sid: 'ProdBlobsAreNeverDeleted', Effect: 'Deny', Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'] }),
          Match.objectLike({ Sid: 'OnlyThePromoterWritesProd', Effect: 'Deny', Action: 's3:PutObject' }),
        ]),
      },
    });
  });

  test('publisher and promoter trust only the Jenkins controller\'s task role, by ARN (evaluated in test/ci/credential-isolation.test.ts)', () => {
    const roles = Object.entries(acme.findResources('AWS::IAM::Role')).filter(([id]) => /^Roles(Publisher|Promoter)/.test(id)).map(([, r]) => r);
    expect(roles).toHaveLength(2);
    for (const role of roles) {
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({
          Principal: { AWS: 'arn:aws:iam::111111111111:root' },
          Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/demo-jenkins-controller-eu-central-1' } },
        }),
      ]);
    }
  });

  test('developers get a read-only role trusted by the principals in their pilot file', () => {
    bravo.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { AWS: ['arn:aws:iam::111111111111:role/bravo-developers', 'arn:aws:iam::222222222222:role/bravo-integrator'] },
          }),
        ],
      },
    });
    const developerPolicy = Object.values(bravo.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.Roles).includes('RolesDeveloper'),
    );
    const actions = developerPolicy!.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    expect(actions.filter((a: string) => /Put|Upload|Delete|Complete|Initiate/.test(a))).toEqual([]);
  });

  test('a shared component is readable by the other pilot\'s developers, prod tier only', () => {
    const acmeDeveloper = Object.values(acme.findResources('AWS::IAM::Policy')).find((p) => JSON.stringify(p.Properties.Roles).includes('RolesDeveloper'));
    const text = JSON.stringify(acmeDeveloper);
    expect(text).toContain('repository/bravo/prod/quality-model');
    expect(text).toContain('repository/platform/prod/gitlab2jenkins');
    expect(text).not.toContain('repository/bravo/dev/');
    expect(text).not.toContain('bravo/prod/cold-chain');
  });
});
