/**
 * The CD pipeline of a component at maturity level 4 or above, on the CD fleet (the only agents
 * the cluster admits): deploy the version CI built to the pilot's staging namespace (level 4),
 * run integration tests there (5), wait for an approver and promote the exact artefacts to prod
 * (6), deploy to production with automatic rollback when the rollout or the health check fails (7).
 */
import { block, shStep, str } from '../groovy/groovy';
import { ComponentSpec } from '../config/schema';
import { RegistryNames } from '../constructs/registry-names';
import { assumeRole, DOCKER_LOGIN, K8S_TOOLS_IMAGE, shellQuote } from './pipeline-shell';
import { productionNamespace, stagingNamespace } from '../lifecycle/delivery-namespaces';
import { promotionScript } from '../lifecycle/promotion-script';


export interface DeliveryPipelineProps {
  readonly owner: string;
  readonly component: ComponentSpec;
  readonly registry: string;
  readonly account: string;
  readonly region: string;
  /** Environment variables (set on agents by the controller) holding role ARNs and the cluster name. */
  readonly variables: { readonly deployerRole: string; readonly promoterRole: string; readonly clusterName: string };
}

/**
 * Runs `commands` in the tools image with the current AWS credentials, a kubeconfig for the
 * cluster and Helm logged in to the registry. `detached` returns at once with the container id in
 * $TOOLS (for a port-forward that must outlive the command), removed when the script exits.
 */
function inTools(clusterVariable: string, commands: string[], detached = false): string[] {
  const script = [
    `aws eks update-kubeconfig --name "$${clusterVariable}" --region "$AWS_REGION" >/dev/null`,
    'aws ecr get-login-password | helm registry login --username AWS --password-stdin "$REGISTRY" >/dev/null',
    ...commands,
  ].join(' && ');
  const run = [
    `docker run${detached ? ' -d' : ''} --rm --network host -v "$PWD:/work" -w /work \\`,
    `  -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN -e AWS_REGION -e REGISTRY -e VERSION -e ${clusterVariable} \\`,
    `  ${K8S_TOOLS_IMAGE} sh -ec ${shellQuote(script)}`,
  ];
  if (!detached) return run;
  return [`TOOLS=$(${run[0]}`, run[1], `${run[2]})`, `trap 'docker rm -f "$TOOLS" >/dev/null' EXIT`];
}

export function deliveryPipeline(props: DeliveryPipelineProps): string {
  const { owner, component, variables } = props;
  const cd = component.cd;
  if (!cd) throw new Error(`${owner}/${component.name} has no cd section`);
  const helmDeploy = (tier: 'dev' | 'prod', namespace: string) =>
    `helm upgrade --install ${component.name} oci://$REGISTRY/${owner}/${tier}/charts/${component.name} --version "$VERSION"` +
    ` --namespace ${namespace} --set image.repository=$REGISTRY/${RegistryNames.imageRepository(owner, tier, component.name)} --set image.tag="$VERSION"` +
    ' --atomic --wait --timeout 10m';
  const cdStage = (name: string, steps: string[]) => block(`stage(${str(name)})`, [...block('agent', ["label 'cd'"]), ...block('steps', steps)]);

  const stages = [
    ...cdStage('Deploy to staging', [
      shStep([...assumeRole(variables.deployerRole, 'cd'), ...inTools(variables.clusterName, [helmDeploy('dev', stagingNamespace(owner))])]),
    ]),
    ...(cd.integrationTests
      ? cdStage('Integration tests', [
          shStep([
            ...assumeRole(variables.deployerRole, 'cd'),
            // The port-forward runs in its own container for as long as the tests do.
            ...inTools(variables.clusterName, [`kubectl -n ${stagingNamespace(owner)} port-forward svc/${component.name} 18080:80`], true),
            'sleep 10',
            `docker run --rm --network host -e STAGING_URL=http://127.0.0.1:18080 -v "$PWD:/src" -w /src ${cd.integrationTests.image} sh -c ${shellQuote(cd.integrationTests.command)}`,
          ]),
        ])
      : []),
    ...(cd.approvers.length > 0
      ? [
          // No agent: waiting for a human must not hold an executor.
          ...block("stage('Approval')", [
            ...block('input', ['message "Promote ${params.VERSION} to production?"', "ok 'Promote'", `submitter ${str(cd.approvers.join(','))}`]),
            ...block('steps', ["echo \"approved for production: ${params.VERSION}\""]),
          ]),
          ...cdStage('Promote to prod', [
            `writeFile file: 'promote.sh', text: ${str(promotionScript({ owner, component: component.name, artefacts: component.artefacts, registry: props.registry, account: props.account, region: props.region }))}`,
            shStep([...assumeRole(variables.promoterRole, 'cd'), DOCKER_LOGIN, 'sh promote.sh "$VERSION"']),
          ]),
          ...cdStage('Deploy to production', [
            shStep([
              ...assumeRole(variables.deployerRole, 'cd'),
              ...inTools(variables.clusterName, [
                helmDeploy('prod', productionNamespace(owner)),
                ...(cd.healthPath
                  ? [
                      `kubectl -n ${productionNamespace(owner)} port-forward svc/${component.name} 18081:80 >/dev/null & sleep 5`,
                      `wget -qO- http://127.0.0.1:18081${cd.healthPath} >/dev/null || { helm rollback ${component.name} --namespace ${productionNamespace(owner)} --wait; exit 1; }`,
                    ]
                  : []),
              ]),
            ]),
          ]),
        ]
      : []),
  ];

  const lines = [
    `// Generated by the IIoT platform: delivery of ${owner}/${component.name}; change the platform config, not this file.`,
    ...block('pipeline', [
      'agent none',
      ...block('options', ['timestamps()', 'disableConcurrentBuilds()', "buildDiscarder(logRotator(numToKeepStr: '50'))"]),
      ...block('parameters', ["string(name: 'VERSION', defaultValue: '', description: 'Version CI built (image and chart tag)')"]),
      ...block('environment', [`REGISTRY = ${str(props.registry)}`, `AWS_REGION = ${str(props.region)}`, 'VERSION = "${params.VERSION}"']),
      ...block('stages', stages),
    ]),
  ];
  return `${lines.join('\n')}\n`;
}
