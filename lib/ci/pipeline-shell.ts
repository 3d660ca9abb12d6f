/** Shell pieces the generated CI and CD pipelines share (POSIX sh on the agents). */

/** kubectl, helm and the AWS CLI in one pinned image, so agents need only Docker. */
export const K8S_TOOLS_IMAGE = 'alpine/k8s:1.31.3';

/** A POSIX shell single-quoted word. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Logs Docker in to the ECR registry in `$REGISTRY` with the current credentials. */
export const DOCKER_LOGIN = 'aws ecr get-login-password | docker login --username AWS --password-stdin "$REGISTRY"';
