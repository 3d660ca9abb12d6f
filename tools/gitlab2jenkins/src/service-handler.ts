/**
 * The translation service: an AWS Lambda behind an HTTP API or a Lambda Function URL (payload
 * format 2.0). `POST /translate` with a `.gitlab-ci.yml` as body answers the Jenkinsfile, the
 * Jenkinsfiles of its child pipelines and the warnings as JSON.
 *
 * Authentication is not checked here: the Function URL has AuthType AWS_IAM, so AWS rejects
 * unsigned or unauthorised requests before they reach this code.
 */
import { PipelineError, translateText } from './index';

/** The parts of an API Gateway v2 / Function URL event the service reads. */
export interface HttpRequestEvent {
  readonly requestContext: { readonly http: { readonly method: string; readonly path: string } };
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

/** A v2 response; `body` is always JSON. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One warning as the service reports it. */
export interface ServiceWarning {
  readonly job: string;
  readonly key: string;
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** A child pipeline's Jenkinsfile as the service reports it. */
export interface ServiceChild {
  /** The Jenkins job the parent's trigger stage starts (`../<name>/<branch>`). */
  readonly name: string;
  /** `Jenkinsfile.<name>`, to be committed next to the parent's Jenkinsfile. */
  readonly file: string;
  readonly sources: readonly string[];
  readonly jenkinsfile: string;
}

/** Largest accepted `.gitlab-ci.yml`, in bytes; real ones are a few kilobytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Media types a YAML upload may carry; a missing Content-Type is accepted too. */
const YAML_TYPES = ['text/yaml', 'text/plain', 'application/yaml', 'application/x-yaml', 'text/x-yaml'];

/** A Lambda handler: a pure function of the event (async because Lambda's Node runtimes expect it). */
export type Handler = (event: HttpRequestEvent) => Promise<HttpResponse>;

/** Builds the handler around a translator (tests inject failures through it). */
export function createHandler(translate: typeof translateText = translateText): Handler {
  return async (event) => handle(event, translate);
}

/** The Lambda entry point. */
export const handler: Handler = createHandler();

function handle(event: HttpRequestEvent, translate: typeof translateText): HttpResponse {
  const { method, path } = event.requestContext.http;
  if (path !== '/translate') return error(404, `no such resource: ${path}`);
  if (method !== 'POST') return error(405, `${method} is not allowed; use POST`, { allow: 'POST' });
  const type = header(event, 'content-type')?.split(';')[0].trim().toLowerCase();
  if (type !== undefined && type !== '' && !YAML_TYPES.includes(type)) return error(415, `unsupported content type ${type}; send text/yaml`);
  const bytes = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > MAX_BODY_BYTES) return error(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
  let yaml: string;
  try {
    yaml = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return error(400, 'the body is not UTF-8 text');
  }
  if (yaml.trim() === '') return error(400, 'the body is empty; send the .gitlab-ci.yml as the request body');
  try {
    const { jenkinsfile, children, warnings } = translate(yaml);
    const reported: ServiceWarning[] = warnings.map(({ job, key, file, line, message }) => ({ job, key, file, line, message }));
    // One uploaded file has no child files to read, so `children` is empty unless a translator
    // given a repository is injected; the trigger jobs still start the child jobs.
    const childFiles: ServiceChild[] = children.map(({ name, sources, jenkinsfile: text }) => ({ name, file: `Jenkinsfile.${name}`, sources, jenkinsfile: text }));
    return json(200, { jenkinsfile, children: childFiles, warnings: reported });
  } catch (e) {
    if (e instanceof PipelineError) return json(400, { error: { message: e.detail, line: e.pos.line, column: e.pos.col } });
    // A translator bug: logged for the operators, not echoed to the caller.
    console.error(e);
    return error(500, 'internal error while translating');
  }
}

function header(event: HttpRequestEvent, name: string): string | undefined {
  // Payload 2.0 lower-cases header names; other front ends may not.
  const found = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}

function error(statusCode: number, message: string, headers: Readonly<Record<string, string>> = {}): HttpResponse {
  return json(statusCode, { error: { message } }, headers);
}

function json(statusCode: number, body: unknown, headers: Readonly<Record<string, string>> = {}): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}
