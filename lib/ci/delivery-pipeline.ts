/**
 * The CD pipeline of a component at maturity level 4 or above, on the CD fleet (the only agents
 * the cluster admits), for one version CI built from one commit (job parameters VERSION, COMMIT):
 * check out that commit, pin the version's image and chart digests, deploy those digests to the
 * pilot's staging namespace (level 4) and run integration tests there (5). Release versions X.Y.Z
 * (tags vX.Y.Z on branch vX.Y) then wait for one of the pilot's approvers, promote exactly the
 * staged digests to prod (6) and deploy them to production: upgrade, health check, rollback when
 * the check fails (7). Anything else stops after staging. Each stage binds only the pilot's own
 * deploy or promote credentials.
 */
import { block, shStep, str } from '../groovy/groovy';
import { ComponentSpec } from '../config/schema';
import { RegistryNames } from '../constructs/registry-names';
import { productionNamespace, stagingNamespace } from '../lifecycle/delivery-namespaces';
import { promotionScript, RELEASE_VERSION } from '../lifecycle/promotion-script';
import { AwsCredentialIds, withAwsCredentials } from './pipeline-credentials';
import { DOCKER_LOGIN, K8S_TOOLS_IMAGE, shellQuote } from './pipeline-shell';

export interface DeliveryPipelineProps {
  readonly owner: string;
  readonly component: ComponentSpec;
  readonly registry: string;
  readonly account: string;
  readonly region: string;
  /** Jenkins credential id of the component repository's read-only key. */
  readonly repositoryCredentialId: string;
  /** Environment variable (set on agents by the controller) holding the cluster's name. */
  readonly clusterNameVariable: string;
  /**
   * How long an approval may wait before the delivery is aborted.
   * @default 7 days
   */
  readonly approvalTimeoutDays?: number;
}

/** The job parameters a delivery runs with; declared in the job definition (Job DSL) so they exist before the first run. */
export const DELIVERY_PARAMETERS = [
  { name: 'VERSION', description: 'Version CI built (image tag, chart version, blob prefix)' },
  { name: 'COMMIT', description: 'Commit CI built that version from' },
] as const;

/**
 * Runs `script` in the tools image with the bound AWS credentials, a kubeconfig for the cluster
 * and Helm logged in to the registry. Never on the host network: the container reaches the
 * cluster like any bridged container, and nothing else shares its network namespace.
 */
function inTools(clusterVariable: string, script: readonly string[], options: { detachedOn?: string } = {}): string {
  const body = [
    `aws eks update-kubeconfig --name "$${clusterVariable}" --region "$AWS_REGION" >/dev/null`,
    'aws ecr get-login-password | helm registry login --username AWS --password-stdin "$REGISTRY" >/dev/null',
    ...script,
  ].join('\n');
  const network = options.detachedOn ? ` -d --network "${options.detachedOn}" --name "${options.detachedOn}-tools"` : '';
  return [
    `docker run --rm${network} -v "$PWD:/work" -w /work \\`,
    `  -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN -e AWS_REGION -e REGISTRY -e VERSION -e IMAGE_DIGEST -e CHART_DIGEST -e ${clusterVariable} \\`,
    `  ${K8S_TOOLS_IMAGE} sh -ec ${shellQuote(body)}`,
  ].join('\n');
}

export function deliveryPipeline(props: DeliveryPipelineProps): string {
  const { owner, component } = props;
  const cd = component.cd;
  if (!cd) throw new Error(`${owner}/${component.name} has no cd section`);
  const image = component.artefacts.includes('image');
  const chartRepository = (tier: 'dev' | 'prod') => RegistryNames.chartRepository(owner, tier, component.name);
  const imageRepository = (tier: 'dev' | 'prod') => RegistryNames.imageRepository(owner, tier, component.name);

  /** Pulls the chart at VERSION, refuses it unless it is CHART_DIGEST, and upgrades the release to it and to the image digest. */
  const helmDeploy = (tier: 'dev' | 'prod', namespace: string) => [
    `helm pull "oci://$REGISTRY/${chartRepository(tier)}" --version "$VERSION" > pull.out 2>&1 || { cat pull.out >&2; exit 1; }`,
    `grep -qx "Digest: $CHART_DIGEST" pull.out || { echo "chart ${chartRepository(tier)}:$VERSION is not the pinned digest $CHART_DIGEST" >&2; exit 1; }`,
    `helm upgrade --install ${component.name} "${component.name}-$VERSION.tgz" --namespace ${namespace}` +
      (image ? ` --set image.repository="$REGISTRY/${imageRepository(tier)}" --set image.tag="$VERSION@$IMAGE_DIGEST"` : '') +
      ' --atomic --wait --timeout 10m',
  ];
  const cdStage = (name: string, steps: readonly string[], when?: readonly string[]) =>
    block(`stage(${str(name)})`, [...block('agent', ["label 'cd'"]), ...(when ? block('when', when) : []), ...block('steps', steps)]);
  const releaseOnly = ['beforeAgent true', `expression { params.VERSION ==~ /${RELEASE_VERSION}/ }`];

  // The component's repository at the delivered commit: integration tests and the release check read it.
  const checkout = `checkout([$class: 'GitSCM', branches: [[name: params.COMMIT]], userRemoteConfigs: [[url: ${str(component.repository)}, credentialsId: ${str(props.repositoryCredentialId)}]]])`;
  const commitCheck = [
    `case "$COMMIT" in *[!0-9a-f]*|'') echo "COMMIT must be the full commit id CI built, not '$COMMIT'" >&2; exit 1 ;; esac`,
    '[ "$(git rev-parse HEAD)" = "$COMMIT" ] || { echo "the checkout is not commit $COMMIT" >&2; exit 1; }',
    'if printf %s "$VERSION" | grep -Eqx ' + shellQuote(RELEASE_VERSION) + '; then',
    '  [ "$(git rev-parse "refs/tags/v$VERSION^{commit}")" = "$COMMIT" ] || { echo "tag v$VERSION is not commit $COMMIT" >&2; exit 1; }',
    '  git merge-base --is-ancestor "$COMMIT" "refs/remotes/origin/v${VERSION%.*}" || { echo "v$VERSION is not on release branch v${VERSION%.*}" >&2; exit 1; }',
    'else',
    '  echo "$VERSION is not a release (vX.Y.Z): staging only, never promoted"',
    'fi',
  ];
  const digestOf = (repository: string) =>
    `$(aws ecr describe-images --repository-name '${repository}' --image-ids "imageTag=$VERSION" --query 'imageDetails[0].imageDigest' --output text)`;
  const pinDigests = [
    `CHART_DIGEST=${digestOf(chartRepository('dev'))}`,
    ...(image ? [`IMAGE_DIGEST=${digestOf(imageRepository('dev'))}`] : ['IMAGE_DIGEST=']),
    `case "$CHART_DIGEST${image ? ' $IMAGE_DIGEST' : ''}" in *None*|'') echo "version $VERSION is not in the dev registries" >&2; exit 1 ;; esac`,
    `printf 'CHART_DIGEST=%s\\nIMAGE_DIGEST=%s\\n' "$CHART_DIGEST" "$IMAGE_DIGEST" > digests.env`,
    'export CHART_DIGEST IMAGE_DIGEST',
  ];
  const loadDigests = ['. ./digests.env', 'export CHART_DIGEST IMAGE_DIGEST'];

  const integration = cd.integrationTests
    ? cdStage('Integration tests', [
        checkout,
        "unstash 'digests'",
        ...withAwsCredentials(AwsCredentialIds.deploy, [
          shStep([
            ...loadDigests,
            // A network of its own: the tests reach the port-forward by name, and nothing else.
            'NET="it-$BUILD_NUMBER-$$"',
            'docker network create "$NET" >/dev/null',
            'trap \'docker rm -f "$NET-tools" >/dev/null 2>&1; docker network rm "$NET" >/dev/null\' EXIT',
            inTools(props.clusterNameVariable, [`kubectl -n ${stagingNamespace(owner)} port-forward --address 0.0.0.0 svc/${component.name} 18080:80`], { detachedOn: '$NET' }),
            'sleep 10',
            `docker run --rm --network "$NET" -e STAGING_URL="http://$NET-tools:18080" -v "$PWD:/src" -w /src ${cd.integrationTests.image} sh -c ${shellQuote(cd.integrationTests.command)}`,
          ]),
        ]),
      ])
    : [];

  const production = cd.healthPath
    ? [
        // Upgrade, then the health check, then (only if it fails) the rollback: one after the other.
        ...helmDeploy('prod', productionNamespace(owner)),
        `kubectl -n ${productionNamespace(owner)} port-forward svc/${component.name} 18081:80 >/dev/null 2>&1 &`,
        'FORWARD=$!',
        'HEALTHY=no',
        `for ATTEMPT in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 5; if wget -qO- http://127.0.0.1:18081${cd.healthPath} >/dev/null; then HEALTHY=yes; break; fi; done`,
        'kill "$FORWARD" 2>/dev/null || true',
        `if [ "$HEALTHY" != yes ]; then helm rollback ${component.name} --namespace ${productionNamespace(owner)} --wait; echo "health check ${cd.healthPath} failed: rolled back" >&2; exit 1; fi`,
      ]
    : helmDeploy('prod', productionNamespace(owner));

  const stages = [
    ...cdStage('Deploy to staging', [
      checkout,
      shStep(commitCheck),
      ...withAwsCredentials(AwsCredentialIds.deploy, [shStep([...pinDigests, inTools(props.clusterNameVariable, helmDeploy('dev', stagingNamespace(owner)))])]),
      "stash name: 'digests', includes: 'digests.env'",
    ]),
    ...integration,
    ...(cd.approvers.length > 0
      ? [
          // No agent: waiting for a human must not hold an executor. Only the pilot's approvers answer.
          ...block("stage('Approval')", [
            ...block('when', ['beforeInput true', `expression { params.VERSION ==~ /${RELEASE_VERSION}/ }`]),
            ...block('options', [`timeout(time: ${props.approvalTimeoutDays ?? 7}, unit: 'DAYS')`]),
            ...block('input', ['message "Promote ${params.VERSION} to production?"', "ok 'Promote'", `submitter ${str(cd.approvers.join(','))}`]),
            ...block('steps', ["echo \"approved for production: ${params.VERSION}\""]),
          ]),
          ...cdStage(
            'Promote to prod',
            [
              "unstash 'digests'",
              `writeFile file: 'promote.sh', text: ${str(promotionScript({ owner, component: component.name, artefacts: component.artefacts, registry: props.registry, account: props.account, region: props.region }))}`,
              ...withAwsCredentials(AwsCredentialIds.promote, [shStep([...loadDigests, DOCKER_LOGIN, 'sh promote.sh "$VERSION"'])]),
            ],
            releaseOnly,
          ),
          ...cdStage(
            'Deploy to production',
            ["unstash 'digests'", ...withAwsCredentials(AwsCredentialIds.deploy, [shStep([...loadDigests, inTools(props.clusterNameVariable, production)])])],
            releaseOnly,
          ),
        ]
      : []),
  ];

  const lines = [
    `// Generated by the IIoT platform: delivery of ${owner}/${component.name}; change the platform config, not this file.`,
    ...block('pipeline', [
      'agent none',
      ...block('options', ['timestamps()', 'disableConcurrentBuilds()', "buildDiscarder(logRotator(numToKeepStr: '50'))"]),
      ...block('environment', [
        `REGISTRY = ${str(props.registry)}`,
        `AWS_REGION = ${str(props.region)}`,
        ...DELIVERY_PARAMETERS.map((p) => `${p.name} = "\${params.${p.name}}"`),
      ]),
      ...block('stages', stages),
    ]),
  ];
  return `${lines.join('\n')}\n`;
}
