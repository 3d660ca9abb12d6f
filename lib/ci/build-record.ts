/**
 * The build record one architecture cell of a component's CI reports to the build statistics:
 * that cell's own result (not the whole build's: another cell may have failed first), its time
 * on the agent (from its first stage, so waiting for an agent is not counted), the commit and the
 * branch or tag. A cell's first stage starts its clock and its last stage marks it passed; both
 * marker files carry the build number, so markers a previous build left in a reused workspace
 * count for nothing. The record is POSTed to the ingest's function URL, signed (SigV4) with the
 * owner's reporter role, which the controller binds to this step alone; the agent's own role may
 * report nothing, since every pilot's code runs on the agents. A refused or unsent record is
 * printed in the log and does not fail the build.
 */
import { block, shStep } from '../groovy/groovy';
import { AwsCredentialIds, withAwsCredentials } from './pipeline-credentials';
import { shellQuote } from './pipeline-shell';

const STARTED = '.iiot-cell-started';
const PASSED = '.iiot-cell-passed';

/** The first stage of every cell: starts the cell's clock once it runs on its agent. */
export const CELL_START_STAGE = block("stage('Cell start')", [
  ...block('steps', [shStep([`rm -f ${PASSED}`, `printf '%s %s' "$BUILD_NUMBER" "$(date -u +%s)" > ${STARTED}`])]),
]);

/** The last stage of every cell: reached only when every stage before it passed. */
export const CELL_PASSED_STAGE = block("stage('Cell passed')", [...block('steps', [shStep([`printf '%s' "$BUILD_NUMBER" > ${PASSED}`])])]);

export interface BuildRecordProps {
  /** Pilot name, or `platform`. */
  readonly owner: string;
  readonly component: string;
  /**
   * JUnit XML the cell's tests write (a glob relative to the workspace); a failure or error in it
   * makes a passed cell UNSTABLE.
   * @default - the component has no unit tests
   */
  readonly junitReport?: string;
  /** Environment variable holding the build statistics ingest's function URL. */
  readonly urlVariable: string;
  /** Region of the ingest (SigV4 signs for it). */
  readonly region: string;
}

/**
 * Shell that reports the cell's record. Reads FLEET, BUILD_NUMBER, GIT_COMMIT, BRANCH_NAME, TAG_NAME,
 * BUILD_RESULT and the bound AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
 */
export function buildRecordShell(props: BuildRecordProps): string[] {
  const junit = props.junitReport
    ? [
        `  if find . -path ${shellQuote(`./${props.junitReport}`)} -type f -exec grep -lE '<failure[ />]|<error[ />]' {} + 2>/dev/null | grep -q .; then RESULT=UNSTABLE; fi`,
      ]
    : [];
  return [
    'case "$FLEET" in linux-arm64) ARCH=arm64 ;; *) ARCH=amd64 ;; esac',
    'NOW=$(date -u +%s)',
    `STARTED=$(cat ${STARTED} 2>/dev/null || true)`,
    'STARTED_AT=${STARTED#"$BUILD_NUMBER "}',
    'DURATION=0',
    'case "$STARTED_AT" in "$STARTED" | "" | *[!0-9]*) ;; *) DURATION=$((NOW - STARTED_AT)) ;; esac',
    '[ "$DURATION" -ge 0 ] || DURATION=0',
    `if [ "$(cat ${PASSED} 2>/dev/null || true)" = "$BUILD_NUMBER" ]; then`,
    '  RESULT=SUCCESS',
    ...junit,
    'elif [ "$BUILD_RESULT" = ABORTED ]; then RESULT=ABORTED',
    'else RESULT=FAILURE',
    'fi',
    'if [ -n "${TAG_NAME:-}" ]; then REF="$TAG_NAME"; REF_TYPE=tag; else REF="$BRANCH_NAME"; REF_TYPE=branch; fi',
    // JSON string escaping for what Git names may hold; the schema refuses the rest, visibly.
    `json() { printf '%s' "$1" | sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g'; }`,
    `printf '{"pilot":"%s","component":"%s","commit":"%s","ref":"%s","refType":"%s","architecture":"%s","result":"%s","buildNumber":%s,"durationSeconds":%s,"finishedAt":"%s"}' \\`,
    `  ${shellQuote(props.owner)} ${shellQuote(props.component)} "$(json "$GIT_COMMIT")" "$(json "$REF")" "$REF_TYPE" "$ARCH" "$RESULT" "$BUILD_NUMBER" "$DURATION" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > build-record.json`,
    // No tracing from here: `sh -x` would print the signing keys with curl's command line.
    '{ set +x; } 2>/dev/null',
    // curl signs SigV4 itself (--aws-sigv4, curl 7.75 and later); the session token travels as its header.
    `if CODE=$(curl -sS --max-time 30 --aws-sigv4 ${shellQuote(`aws:amz:${props.region}:lambda`)} --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-security-token: $AWS_SESSION_TOKEN" -H 'content-type: application/json' --data-binary @build-record.json -o build-record.out -w '%{http_code}' "$${props.urlVariable}"); then`,
    `  [ "$CODE" = 201 ] || echo "build record refused ($CODE): $(cat build-record.out)"`,
    'else',
    "  echo 'build statistics not recorded'",
    'fi',
  ];
}

/** The `post { always { ... } }` body of a cell: the report, with the build's current result for ABORTED. */
export function buildRecordPost(props: BuildRecordProps): string[] {
  // catchError keeps the build's result when the binding fails (the controller could not assume the reporter).
  return block('withEnv(["BUILD_RESULT=${currentBuild.currentResult}"])', [
    ...block("catchError(buildResult: 'SUCCESS', stageResult: 'SUCCESS', message: 'build statistics not recorded')", withAwsCredentials(AwsCredentialIds.report, [shStep(buildRecordShell(props))])),
  ]);
}
