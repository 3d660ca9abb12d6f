/** Shell pieces the generated CI and CD pipelines share (POSIX sh on the agents). */

/** kubectl, helm and the AWS CLI in one pinned image, so agents need only Docker. */
export const K8S_TOOLS_IMAGE = 'alpine/k8s:1.31.3';

/** A POSIX shell single-quoted word. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Takes the role whose ARN is in `$variable` for the rest of the script (session named after the build). */
export function assumeRole(variable: string, sessionPrefix: 'ci' | 'cd'): string[] {
  return [
    `set -- $(aws sts assume-role --role-arn "$${variable}" --role-session-name "${sessionPrefix}-$BUILD_NUMBER" \\`,
    "  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)",
    'export AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2" AWS_SESSION_TOKEN="$3"',
  ];
}

/** Logs Docker in to the ECR registry in `$REGISTRY` with the current credentials. */
export const DOCKER_LOGIN = 'aws ecr get-login-password | docker login --username AWS --password-stdin "$REGISTRY"';
