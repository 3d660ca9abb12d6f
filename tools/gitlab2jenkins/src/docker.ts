/**
 * Where a job runs: its agent (label from runner tags, job image as docker agent), the job image
 * inside scripted blocks, and GitLab services as sidecar containers.
 */
import { jenkinsText } from './ci-variables';
import { Diagnostics } from './diagnostics';
import { block, expanded, str } from '../../../lib/groovy/groovy';
import { substitute } from './job-variables';
import type { Job, Service, Variable } from './model';

/** Replaces a docker:dind service: the job container talks to the agent's Docker daemon. */
const DOCKER_SOCKET = '-v /var/run/docker.sock:/var/run/docker.sock';

/**
 * Label expression for runner tags, with the job's variables expanded as GitLab does; tags with
 * operators or spaces are quoted. Names left (matrix axes) are resolved by Jenkins.
 */
export function label(tags: readonly string[], scope: readonly Variable[] = [], axes: ReadonlySet<string> = new Set()): string {
  const text = tags.map((raw) => substitute(raw, scope, axes)).map((t) => (/^[\w.$\{\}-]+$/.test(t) ? t : `"${t.replace(/"/g, '')}"`)).join(' && ');
  return expanded(text, jenkinsText);
}

/**
 * The stage agent: the job image as a docker agent, or a label when services need a script.
 * `scope` is the job's variables over the global ones, which image and tags are expanded with.
 */
export function agent(job: Job, scope: readonly Variable[], axes: ReadonlySet<string>, diags: Diagnostics): string[] {
  // With services the job image runs via docker.image().inside in the steps, next to the sidecars.
  if (!job.image || sidecars(job).length > 0) return job.tags.length ? block('agent', [`label ${label(job.tags, scope, axes)}`]) : ['agent any'];
  const docker = [`image ${expanded(imageName(job, scope, axes), jenkinsText)}`];
  if (job.tags.length) docker.push(`label ${label(job.tags, scope, axes)}`);
  const args = [entrypointArgs(job, diags), ...(job.services.some(isDind) ? [DOCKER_SOCKET] : [])].filter((a) => a !== undefined);
  if (args.length) docker.push(`args ${str(args.join(' '))}`);
  return block('agent', block('docker', docker));
}

function entrypointArgs(job: Job, diags: Diagnostics): string | undefined {
  const ep = job.image?.entrypoint;
  if (!ep) return undefined;
  if (ep.length > 1) diags.warn(job.name, 'image', job.keyPos.get('image')!, 'only the first entrypoint element is passed to docker --entrypoint');
  return `--entrypoint=${ep[0] ?? ''}`;
}

/**
 * The job image with the variables substituted: Jenkins starts a stage's agent before its
 * environment {} exists, so `${env.X}` would be null there.
 */
function imageName(job: Job, scope: readonly Variable[], axes: ReadonlySet<string>): string {
  return substitute(job.image!.name, scope, axes);
}

/** `docker.image(x).inside(args)`; `extra` are Groovy string expressions appended to the run arguments. */
function dockerInside(job: Job, scope: readonly Variable[], axes: ReadonlySet<string>, diags: Diagnostics, extra: readonly string[]): string {
  const entrypoint = entrypointArgs(job, diags);
  const args = [...(entrypoint === undefined ? [] : [str(entrypoint)]), ...(job.services.some(isDind) ? [str(DOCKER_SOCKET)] : []), ...extra];
  return `docker.image(${expanded(imageName(job, scope, axes), jenkinsText)}).inside(${args.join(" + ' ' + ")})`;
}

/**
 * GitLab services as Jenkins sidecars: each service runs with docker.image().withRun and is
 * linked into the job container under its aliases.
 */
export function withServices(job: Job, scope: readonly Variable[], axes: ReadonlySet<string>, serviceVariables: readonly string[], body: readonly string[], diags: Diagnostics): string[] {
  const services = sidecars(job);
  const links = services.flatMap((s, i) => s.aliases.map((a) => `'--link ' + svc${i}.id + ${str(`:${a}`)}`));
  let inner = job.image ? block(dockerInside(job, scope, axes, diags, links), body) : [...body];
  if (!job.image) diags.warn(job.name, 'services', job.keyPos.get('services')!, 'services without a job image cannot be linked; reach them by container IP (docker inspect)');
  for (let i = services.length - 1; i >= 0; i--) {
    const s = services[i];
    // No --network-alias: docker rejects it on the default bridge withRun uses; --link names them.
    // `-e NAME` without a value forwards the stage's value, as GitLab gives services all variables.
    const args = [
      ...serviceVariables.map((name) => `-e ${name}`),
      ...s.variables.map((v) => `-e ${dockerArg(`${v.name}=${v.value}`)}`),
      ...(s.entrypoint ? [dockerArg(`--entrypoint=${s.entrypoint[0] ?? ''}`)] : []),
    ].join(' ');
    const params = s.command ? [str(args), str(s.command.map(dockerArg).join(' '))] : args ? [str(args)] : [];
    const call = `docker.image(${expanded(substitute(s.name, scope, axes), jenkinsText)}).withRun${params.length ? `(${params.join(', ')})` : ''} { svc${i} ->`;
    inner = [call, ...inner.map((l) => `    ${l}`), '}'];
  }
  return ['// GitLab services: sidecar containers linked into the job container', ...inner];
}

/** GitLab's Docker-in-Docker service; on Jenkins the job shares the agent's daemon instead. */
export function isDind(s: Service): boolean {
  return /(^|\/)docker:[^/]*dind/.test(s.name);
}

/** The services started next to the job (all but Docker-in-Docker). */
export function sidecars(job: Job): readonly Service[] {
  return job.services.filter((s) => !isDind(s));
}

/** One argument of withRun/inside, which Jenkins splits at spaces unless double-quoted. */
function dockerArg(text: string): string {
  return /^[\w@%+=:,./-]*$/.test(text) ? text : `"${text.replace(/["\\]/g, '\\$&')}"`;
}
