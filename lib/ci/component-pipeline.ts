/**
 * The Jenkinsfile CI runs for a component: per architecture on the matching fleet, unit tests in
 * the declared image with JUnit published, then the image built and pushed to the dev registry
 * (only after its tests passed), then the multi-arch index once every architecture succeeded.
 * Generated from config and held by the job itself, so a component's repository cannot change it.
 */
import { block, shStep, str } from '../../tools/gitlab2jenkins/src/groovy';
import { ComponentSpec, FleetName } from '../config/schema';
import { buildRecordPost, CELL_PASSED_STAGE, CELL_START_STAGE } from './build-record';
import { assumeRole, DOCKER_LOGIN, K8S_TOOLS_IMAGE, shellQuote } from './pipeline-shell';

export interface ComponentPipelineProps {
  /** Owner of the component's registries: the pilot name, or `platform`. */
  readonly owner: string;
  readonly component: ComponentSpec;
  /** ECR registry host, e.g. 111111111111.dkr.ecr.eu-central-1.amazonaws.com. */
  readonly registry: string;
  /** Dev-tier image repository, e.g. acme/dev/line-monitor. */
  readonly repository: string;
  readonly region: string;
  /** Environment variable (set on every agent by the controller) holding the owner's publisher role ARN. */
  readonly publisherRoleVariable: string;
  /**
   * The delivery job CI hands each build of the documented branch to (components with CD).
   * @default - no delivery
   */
  readonly deliveryJob?: string;
  /** Environment variable holding the build statistics function's name. */
  readonly buildStatsVariable: string;
}

/** The build fleet for each architecture. */
const BUILD_FLEET = { amd64: 'linux-x64', arm64: 'linux-arm64' } as const satisfies Record<string, FleetName>;

/**
 * Shell that sets TAG, the version of everything one build publishes (image tag and chart version,
 * SemVer so Helm accepts it): release tag vX.Y.Z gives X.Y.Z, any branch 0.0.0-<branch>.g<commit>.
 */
export const VERSION_TAG = [
  'case "${TAG_NAME:-}" in',
  '  v[0-9]*) TAG="${TAG_NAME#v}" ;;',
  `  *) TAG="0.0.0-$(printf '%s' "$BRANCH_NAME" | tr -c 'A-Za-z0-9-' '-').g$(printf '%.12s' "$GIT_COMMIT")" ;;`,
  'esac',
];
/** Shell lines that set TAG and ARCH (from the fleet label). */
const TAG_AND_ARCH = [...VERSION_TAG, 'case "$FLEET" in linux-arm64) ARCH=arm64 ;; *) ARCH=amd64 ;; esac'];

/** Shell lines that take the publisher role and log Docker in to the registry. */
function registryLogin(roleVariable: string): string[] {
  return [...assumeRole(roleVariable, 'ci'), DOCKER_LOGIN];
}

export function componentPipeline(props: ComponentPipelineProps): string {
  const { component } = props;
  const fleets = component.architectures.map((arch) => BUILD_FLEET[arch]);
  const buildsImage = component.artefacts.includes('image');
  const tests = component.tests;

  const perArchitecture: string[] = [
    ...(tests
      ? block("stage('Unit tests')", [
          ...block('steps', [
            shStep([`docker run --rm -v "$PWD:/src" -w /src ${tests.image} sh -c ${shellQuote(tests.command)}`]),
          ]),
          ...block('post', [...block('always', [`junit testResults: ${str(tests.junitReport)}, allowEmptyResults: false`])]),
        ])
      : []),
    ...(buildsImage
      ? [
          ...block("stage('Image')", [
            ...block('steps', [
              shStep([...TAG_AND_ARCH, `docker build --pull --platform "linux/$ARCH" -f ${shellQuote(component.dockerfile)} -t "$REGISTRY/$REPOSITORY:$TAG-$ARCH" .`]),
            ]),
          ]),
          ...block("stage('Push to dev')", [
            ...block('steps', [shStep([...TAG_AND_ARCH, ...registryLogin(props.publisherRoleVariable), 'docker push "$REGISTRY/$REPOSITORY:$TAG-$ARCH"'])]),
          ]),
        ]
      : []),
  ];

  const manifest = buildsImage
    ? block("stage('Multi-arch index')", [
        ...block('agent', [`label ${str(BUILD_FLEET.amd64)}`]),
        ...block('environment', ["FLEET = 'linux-x64'"]),
        ...block('steps', [
          shStep([
            ...TAG_AND_ARCH,
            ...registryLogin(props.publisherRoleVariable),
            `docker manifest create "$REGISTRY/$REPOSITORY:$TAG" ${component.architectures.map((a) => `"$REGISTRY/$REPOSITORY:$TAG-${a}"`).join(' ')}`,
            'docker manifest push --purge "$REGISTRY/$REPOSITORY:$TAG"',
          ]),
        ]),
      ])
    : [];

  const chart =
    component.artefacts.includes('chart') && component.cd
      ? block("stage('Chart to dev')", [
          ...block('agent', [`label ${str(BUILD_FLEET.amd64)}`]),
          ...block('steps', [
            shStep([
              ...VERSION_TAG,
              ...registryLogin(props.publisherRoleVariable),
              // The chart's name must be the component's: helm pushes to <owner>/dev/charts/<chart name>.
              `docker run --rm -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN -e AWS_REGION -e TAG -e REGISTRY -v "$PWD:/work" -w /work ${K8S_TOOLS_IMAGE} sh -ec ${shellQuote(
                `aws ecr get-login-password | helm registry login --username AWS --password-stdin "$REGISTRY" && helm package ${component.cd.chart} --version "$TAG" --app-version "$TAG" && helm push ${component.name}-"$TAG".tgz oci://"$REGISTRY"/${props.owner}/dev/charts`,
              )}`,
            ]),
          ]),
        ])
      : [];
  const deliver = props.deliveryJob
    ? block("stage('Deliver')", [
        ...block('when', [`branch ${str(component.branch)}`]),
        ...block('steps', [
          ...block('script', [
            `def version = sh(script: ${str([...VERSION_TAG, 'printf %s "$TAG"'].join('\n'))}, returnStdout: true).trim()`,
            `build job: ${str(props.deliveryJob)}, parameters: [string(name: 'VERSION', value: version)], wait: false`,
          ]),
        ]),
      ])
    : [];

  const lines = [
    `// Generated by the IIoT platform for ${props.owner}/${component.name}; change the platform config, not this file.`,
    ...block('pipeline', [
      'agent none',
      ...block('options', [
        'timestamps()',
        'disableConcurrentBuilds()',
        "buildDiscarder(logRotator(numToKeepStr: '50'))",
        "timeout(time: 90, unit: 'MINUTES')",
      ]),
      ...block('environment', [
        `REGISTRY = ${str(props.registry)}`,
        `REPOSITORY = ${str(props.repository)}`,
        `AWS_REGION = ${str(props.region)}`,
      ]),
      ...block('stages', [
        ...block("stage('Per architecture')", [
          ...block('matrix', [
            ...block('axes', [...block('axis', ["name 'FLEET'", `values ${fleets.map(str).join(', ')}`])]),
            ...block('agent', ['label "${FLEET}"']),
            // One build record per architecture cell, whatever the outcome.
            ...block('post', [
              ...block('always', buildRecordPost({ owner: props.owner, component: component.name, junitReport: tests?.junitReport, functionVariable: props.buildStatsVariable })),
            ]),
            ...block('stages', [
              ...CELL_START_STAGE,
              ...(perArchitecture.length > 0 ? perArchitecture : block("stage('Checkout')", [...block('steps', ["echo 'nothing to build'"])])),
              ...CELL_PASSED_STAGE,
            ]),
          ]),
        ]),
        ...manifest,
        ...chart,
        ...deliver,
      ]),
    ]),
  ];
  return `${lines.join('\n')}\n`;
}
