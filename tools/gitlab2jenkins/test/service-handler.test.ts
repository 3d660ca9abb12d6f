import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { translateFile } from '../src/index';
import { createHandler, handler, MAX_BODY_BYTES, type HttpRequestEvent, type HttpResponse } from '../src/service-handler';
import { CORPUS, samples } from './samples';

const PIPELINE = 'build:\n  image: node:20\n  cache: {paths: [node_modules/]}\n  script: npm ci\n';

function request(overrides: { method?: string; path?: string; body?: string; base64?: boolean; type?: string } = {}): HttpRequestEvent {
  return {
    requestContext: { http: { method: overrides.method ?? 'POST', path: overrides.path ?? '/translate' } },
    headers: overrides.type === undefined ? { 'content-type': 'text/yaml' } : { 'content-type': overrides.type },
    body: overrides.body ?? PIPELINE,
    isBase64Encoded: overrides.base64 ?? false,
  };
}

async function call(event: HttpRequestEvent): Promise<HttpResponse & { json: Record<string, unknown> }> {
  const res = await handler(event);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  return { ...res, json: JSON.parse(res.body) as Record<string, unknown> };
}

describe('service handler', () => {
  test('the child pipelines are in the answer: none for one uploaded file (the trigger still starts the job), all with a repository', async () => {
    const dir = join(__dirname, 'golden', 'child-pipeline-depend');
    const body = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
    const alone = await call(request({ body }));
    expect(alone.statusCode).toBe(200);
    expect(alone.json.children).toEqual([]);
    expect(alone.json.jenkinsfile).toContain('build(job: "../ci-deploy/${env.JOB_BASE_NAME}"');
    expect(alone.json.warnings).toContainEqual(expect.objectContaining({ job: 'deploy-staging', key: 'trigger', message: expect.stringContaining('which the CLI writes from the repository') }));
    const withRepo = createHandler(() => translateFile(join(dir, '.gitlab-ci.yml'), { repoRoot: dir }));
    const res = JSON.parse((await withRepo(request({ body }))).body) as { children: { name: string; file: string; sources: string[]; jenkinsfile: string }[] };
    expect(res.children.map((c) => [c.name, c.file, c.sources])).toEqual([['ci-deploy', 'Jenkinsfile.ci-deploy', ['ci/deploy.yml']], ['ci-docs', 'Jenkinsfile.ci-docs', ['ci/docs.yml']]]);
    expect(res.children[0].jenkinsfile).toBe(readFileSync(join(dir, 'Jenkinsfile.ci-deploy'), 'utf8'));
  });

  test('POST /translate answers the Jenkinsfile and located warnings', async () => {
    const res = await call(request());
    expect(res.statusCode).toBe(200);
    expect(res.json.jenkinsfile).toContain("image 'node:20'");
    expect(res.json.warnings).toEqual([{ job: 'build', key: 'cache', file: '.gitlab-ci.yml', line: 3, message: expect.stringContaining('no built-in cache') }]);
  });

  test.each([['text/plain; charset=utf-8'], ['application/x-yaml'], ['']])('accepts content type %j', async (type) => {
    expect((await call(request({ type }))).statusCode).toBe(200);
  });

  test('decodes a base64 body', async () => {
    const res = await call(request({ body: Buffer.from(PIPELINE).toString('base64'), base64: true }));
    expect(res.statusCode).toBe(200);
    expect(res.json.jenkinsfile).toContain("gitlabSh('npm ci')");
  });

  test.each([
    ['invalid YAML', 'job: [\n', 'Flow sequence in block collection must be sufficiently indented and end with a ]', 2, 1],
    ['a pipeline GitLab rejects', 'job:\n  stage: nope\n  script: x\n', 'job "job" uses stage "nope", which is not in stages:', 2, 10],
  ])('%s -> 400 with line and column', async (_, body, message, line, column) => {
    const res = await call(request({ body }));
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual({ error: { message: expect.stringContaining(message), line, column } });
  });

  test.each([
    ['an empty body', request({ body: '  \n' }), 400],
    ['a body that is not UTF-8', request({ body: Buffer.from([0xff, 0xfe, 0x00]).toString('base64'), base64: true }), 400],
    ['a body over 1 MB', request({ body: `# ${'x'.repeat(MAX_BODY_BYTES)}\n` }), 413],
    ['another content type', request({ type: 'application/json' }), 415],
    ['another method', request({ method: 'GET' }), 405],
    ['another path', request({ path: '/' }), 404],
  ])('%s is refused', async (_, event, status) => {
    const res = await call(event);
    expect(res.statusCode).toBe(status);
    expect(res.json).toEqual({ error: { message: expect.any(String) } });
  });

  test('405 names the allowed method', async () => {
    expect((await handler(request({ method: 'PUT' }))).headers.allow).toBe('POST');
  });

  test('answers every corpus pipeline; those without local includes as the CLI does', async () => {
    for (const s of samples(CORPUS)) {
      const body = readFileSync(join(s.dir, '.gitlab-ci.yml'), 'utf8');
      const res = await call(request({ body }));
      expect({ name: s.name, status: res.statusCode }).toEqual({ name: s.name, status: 200 });
      const standalone = readdirSync(s.dir).every((f) => ['.gitlab-ci.yml', 'Jenkinsfile', 'warnings.txt'].includes(f));
      if (standalone) expect(res.json.jenkinsfile).toBe(readFileSync(join(s.dir, 'Jenkinsfile'), 'utf8'));
    }
  });

  // "Billion laughs": each level copies the previous one ten times.
  test.each([
    ['aliases', (i: number) => `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`, 'a0: &a0 [x]', 'tags: *a8', 'more than 200000 YAML nodes'],
    ['!reference', (i: number) => `.a${i}: {s: [${Array(10).fill(`!reference [.a${i - 1}, s]`).join(', ')}]}`, '.a0: {s: [x]}', 'tags: !reference [.a8, s]', 'more than 200000 nodes'],
  ])('nested %s are refused quickly instead of expanding', async (_, level, first, use, message) => {
    const levels = [first, ...Array.from({ length: 8 }, (_x, i) => level(i + 1))];
    const res = await call(request({ body: `${levels.join('\n')}\njob:\n  script: x\n  ${use}\n` }));
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual({ error: { message: expect.stringContaining(message), line: expect.any(Number), column: expect.any(Number) } });
  });

  test('an unexpected failure is logged and answered 500 without details', async () => {
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const failing = createHandler(() => {
      throw new TypeError('secret internals');
    });
    const res = await failing(request());
    expect({ status: res.statusCode, body: JSON.parse(res.body) }).toEqual({ status: 500, body: { error: { message: 'internal error while translating' } } });
    expect(log).toHaveBeenCalledWith(expect.any(TypeError));
    log.mockRestore();
  });
});
