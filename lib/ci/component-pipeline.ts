/**
 * The Jenkinsfile CI runs for a component. Per architecture, on the matching fleet: unit tests in
 * the declared image, their JUnit report checked for failures, then the image and the blobs built
 * and stashed. Only when every architecture passed does one publish stage push them all to the
 * dev registries (with the owner's publisher credentials, bound to that stage alone), so a failed
 * arm64 cell never leaves an amd64 image in dev. Below maturity level 2 there is no publish stage:
 * the job says what is missing. Generated from config and held by the job itself, so a
 * component's repository cannot change it.
 */
import { block, shStep, str } from '../groovy/groovy';
import { ArchitectureName, ComponentSpec, FleetName } from '../config/schema';
import { RegistryNames } from '../constructs/registry-names';
import { Maturity, PUBLISHING_LEVEL } from '../lifecycle/maturity';
import { AwsCredentialIds, withAwsCredentials } from './pipeline-credentials';
import { DOCKER_LOGIN, K8S_TOOLS_IMAGE, shellQuote } from './pipeline-shell';
import { buildRecordPost, CELL_PASSED_STAGE, CELL_START_STAGE } from './build-record';

export interface ComponentPipelineProps {
  /** Owner of the component's registries: the pilot name, or `platform`. */
  readonly owner: string;
  readonly component: ComponentSpec;
  /** The component's onboarding maturity: below level 2 nothing is published. */
  readonly maturity: Maturity;
  /** ECR registry host, e.g. 111111111111.dkr.ecr.eu-central-1.amazonaws.com. */
  readonly registry: string;
  readonly account: string;
  readonly region: string;
  /**
   * The delivery job CI hands each release tag and each build of the documented branch to.
   * @default - no delivery
   */
  readonly deliveryJob?: string;
  /** Environment variable holding the build statistics ingest's function URL. */
  readonly buildStatsVariable: string;
}

/** The build fleet for each architecture. */
const BUILD_FLEET = { amd64: 'linux-x64', arm64: 'linux-arm64' } as const satisfies Record<ArchitectureName, FleetName>;

/** Release tags vX.Y.Z (cut on release branches vX.Y): what delivery promotes. */
const RELEASE_TAG_PATTERN = '^v\\d+\\.\\d+\\.\\d+$';

/**
 * Shell that exports TAG, the version of everything one build publishes (image tag, chart version
 * and blob prefix; SemVer so Helm accepts it): release tag vX.Y.Z gives X.Y.Z, anything else
 * 0.0.0-<branch>.g<commit>, which may reach staging but is never promoted.
 */
const VERSION_TAG = [
  'case "${TAG_NAME:-}" in',
  '  v[0-9]*.[0-9]*.[0-9]*) TAG="${TAG_NAME#v}" ;;',
  `  *) TAG="0.0.0-$(printf '%s' "$BRANCH_NAME" | tr -c 'A-Za-z0-9-' '-').g$(git rev-parse HEAD | cut -c1-12)" ;;`,
  'esac',
  'export TAG',
];
/** Shell lines that set ARCH from the matrix cell's fleet label. */
const ARCH_OF_FLEET = `case "$FLEET" in ${BUILD_FLEET.arm64}) ARCH=arm64 ;; *) ARCH=amd64 ;; esac; export ARCH`;

/** Fails unless the JUnit reports exist and list no failure or error (a passing exit code is not enough). */
function junitGate(report: string): string[] {
  return [
    // Unquoted on purpose: the report path may be a glob.
    `set -- ${report}`,
    `[ -e "$1" ] || { echo "no JUnit report at ${report}: nothing is published" >&2; exit 1; }`,
    `if grep -lE '<(failure|error)( |/|>|$)|(failures|errors)="[1-9]' "$@" >&2; then`,
    '  echo "the JUnit reports above list failures or errors: nothing is published" >&2',
    '  exit 1',
    'fi',
  ];
}

/** Fails unless the blob build wrote files, all of them `<generation>/<ARCH>/...` below `dir`. */
function blobLayoutGate(dir: string): string[] {
  const quoted = shellQuote(dir);
  return [
    `[ -n "$(find ${quoted} -type f 2>/dev/null | head -n 1)" ] || { echo "the blob build wrote no file under ${dir}" >&2; exit 1; }`,
    `OUTSIDE=$(cd ${quoted} && find . -type f ! -path "./*/$ARCH/*")`,
    `[ -z "$OUTSIDE" ] || { echo "blobs must be ${dir}/<generation>/$ARCH/<file>; not: $OUTSIDE" >&2; exit 1; }`,
  ];
}

export function componentPipeline(props: ComponentPipelineProps): string {
  const { component, owner } = props;
  const fleets = component.architectures.map((arch) => BUILD_FLEET[arch]);
  const image = component.artefacts.includes('image');
  const blobs = component.artefacts.includes('blob') ? component.blobs : undefined;
  const chart = component.artefacts.includes('chart') ? component.cd?.chart : undefined;
  const publishes = props.maturity.level >= PUBLISHING_LEVEL;
  const repository = RegistryNames.imageRepository(owner, 'dev', component.name);
  const tests = component.tests;

  const unitTests = tests
    ? block("stage('Unit tests')", [
        ...block('steps', [
          shStep([`docker run --rm -v "$PWD:/src" -w /src ${tests.image} sh -c ${shellQuote(tests.command)}`]),
          shStep(junitGate(tests.junitReport)),
        ]),
        ...block('post', [...block('always', [`junit testResults: ${str(tests.junitReport)}, allowEmptyResults: true`])]),
      ])
    : [];
  const build =
    image || blobs
      ? block("stage('Build')", [
          ...block('steps', [
            ...(image
              ? [
                  shStep([
                    ...VERSION_TAG,
                    ARCH_OF_FLEET,
                    `docker build --pull --platform "linux/$ARCH" -f ${shellQuote(component.dockerfile)} -t "$REGISTRY/$REPOSITORY:$TAG-$ARCH" .`,
                    // Kept until every architecture passed: the publish stage pushes them together.
                    'docker save -o "image-$ARCH.tar" "$REGISTRY/$REPOSITORY:$TAG-$ARCH"',
                  ]),
                  'stash name: "image-${FLEET}", includes: \'image-*.tar\'',
                ]
              : []),
            ...(blobs
              ? [
                  shStep([
                    ARCH_OF_FLEET,
                    `rm -rf ${shellQuote(blobs.outputDir)}`,
                    `docker run --rm -e ARCH -v "$PWD:/src" -w /src ${blobs.image} sh -c ${shellQuote(blobs.command)}`,
                    ...blobLayoutGate(blobs.outputDir),
                  ]),
                  `stash name: "blobs-\${FLEET}", includes: ${str(`${blobs.outputDir}/**`)}`,
                ]
              : []),
          ]),
        ])
      : [];
  const perArchitecture = [...unitTests, ...build];

  const blobBucket = RegistryNames.blobBucket(owner, 'dev', props.account, props.region);
  const publishShell = [
    ...VERSION_TAG,
    ...(image
      ? [
          DOCKER_LOGIN,
          ...component.architectures.flatMap((arch) => [`docker load -i image-${arch}.tar`, `docker push "$REGISTRY/$REPOSITORY:$TAG-${arch}"`]),
          `docker manifest create "$REGISTRY/$REPOSITORY:$TAG" ${component.architectures.map((a) => `"$REGISTRY/$REPOSITORY:$TAG-${a}"`).join(' ')}`,
          'docker manifest push --purge "$REGISTRY/$REPOSITORY:$TAG"',
        ]
      : []),
    ...(chart
      ? [
          // The chart's name must be the component's: helm pushes to <owner>/dev/charts/<chart name>.
          `docker run --rm -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN -e AWS_REGION -e TAG -e REGISTRY -v "$PWD:/work" -w /work ${K8S_TOOLS_IMAGE} sh -ec ${shellQuote(
            [
              'aws ecr get-login-password | helm registry login --username AWS --password-stdin "$REGISTRY"',
              `helm package ${shellQuote(chart)} --version "$TAG" --app-version "$TAG"`,
              `helm push ${component.name}-"$TAG".tgz oci://"$REGISTRY"/${owner}/dev/charts`,
            ].join('\n'),
          )}`,
        ]
      : []),
    ...(blobs
      ? [
          // Every file below the output directory, at <component>/<version>/<its relative path>.
          `cd ${shellQuote(blobs.outputDir)}`,
          'find . -type f | sort | while IFS= read -r FILE; do',
          `  aws s3 cp "$FILE" "s3://${blobBucket}/${RegistryNames.blobPrefix(component.name)}$TAG/\${FILE#./}" --only-show-errors`,
          'done',
        ]
      : []),
  ];
  const publish =
    publishes && (image || blobs || chart)
      ? block("stage('Publish to dev')", [
          ...block('agent', [`label ${str(BUILD_FLEET.amd64)}`]),
          // An unstable build (failed tests reported) publishes nothing either.
          ...block('when', ['beforeAgent true', "expression { currentBuild.currentResult == 'SUCCESS' }"]),
          ...block('steps', [
            ...fleets.flatMap((fleet) => [...(image ? [`unstash ${str(`image-${fleet}`)}`] : []), ...(blobs ? [`unstash ${str(`blobs-${fleet}`)}`] : [])]),
            ...withAwsCredentials(AwsCredentialIds.publish, [shStep(publishShell)]),
          ]),
        ])
      : [];
  const notPublished = publishes
    ? []
    : block("stage('Not published')", [
        ...block('steps', [
          `echo ${str(`Nothing is published: ${owner}/${component.name} is at maturity level ${props.maturity.level}, publishing starts at ${PUBLISHING_LEVEL}. Missing: ${props.maturity.missing.join('; ')}`)}`,
        ]),
      ]);
  const deliver =
    props.deliveryJob && publish.length > 0
      ? block("stage('Deliver')", [
          ...block('agent', [`label ${str(BUILD_FLEET.amd64)}`]),
          // The documented branch (to staging) and release tags (to staging, then production).
          ...block('when', [
            'beforeAgent true',
            ...block('anyOf', [`branch ${str(component.branch)}`, `tag pattern: ${str(RELEASE_TAG_PATTERN)}, comparator: 'REGEXP'`]),
          ]),
          ...block('steps', [
            ...block('script', [
              `def version = sh(script: ${str([...VERSION_TAG, 'printf %s "$TAG"'].join('\n'))}, returnStdout: true).trim()`,
              "def commit = sh(script: 'git rev-parse HEAD', returnStdout: true).trim()",
              `build job: ${str(props.deliveryJob)}, parameters: [string(name: 'VERSION', value: version), string(name: 'COMMIT', value: commit)], wait: false`,
            ]),
          ]),
        ])
      : [];

  const lines = [
    `// Generated by the IIoT platform for ${owner}/${component.name}; change the platform config, not this file.`,
    ...block('pipeline', [
      'agent none',
      ...block('options', [
        'timestamps()',
        'disableConcurrentBuilds()',
        "buildDiscarder(logRotator(numToKeepStr: '50'))",
        "timeout(time: 90, unit: 'MINUTES')",
      ]),
      ...block('environment', [`REGISTRY = ${str(props.registry)}`, `REPOSITORY = ${str(repository)}`, `AWS_REGION = ${str(props.region)}`]),
      ...block('stages', [
        ...block("stage('Per architecture')", [
          ...block('matrix', [
            ...block('axes', [...block('axis', ["name 'FLEET'", `values ${fleets.map(str).join(', ')}`])]),
            ...block('agent', ['label "${FLEET}"']),
            // One build record per architecture cell, whatever the outcome.
            ...block('post', [
              ...block('always', buildRecordPost({ owner: props.owner, component: component.name, junitReport: tests?.junitReport, urlVariable: props.buildStatsVariable, region: props.region })),
            ]),
            ...block('stages', [
              ...CELL_START_STAGE,
              ...(perArchitecture.length > 0 ? perArchitecture : block("stage('Checkout')", [...block('steps', ["echo 'nothing to build'"])])),
              ...CELL_PASSED_STAGE,
            ]),
          ]),
        ]),
        ...publish,
        ...notPublished,
        ...deliver,
      ]),
    ]),
  ];
  return `${lines.join('\n')}\n`;
}
