/**
 * A local HTTP fake of the EC2 Image Builder REST API, for the operations the platform's functions
 * call, with the request URIs and shapes of the API reference (docs.aws.amazon.com/imagebuilder/
 * latest/APIReference: StartImagePipelineExecution PUT, GetImage GET ?imageBuildVersionArn,
 * ListImages / ListImageBuildVersions / ListImageScanFindings POST, TagResource POST and
 * UntagResource DELETE ?tagKeys on /tags/{resourceArn}), and a receiver for CloudFormation's
 * presigned-URL replies (custom resource responses, wait condition signals). moto has no Image Builder.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export interface FakeImage {
  readonly arn: string;
  readonly name: string;
  state: { status: string; reason?: string };
  scanState?: { status: string; reason?: string };
  outputResources?: { amis?: { region: string; image: string }[]; containers?: { region: string; imageUris: string[] }[] };
  tags: Record<string, string>;
  findings?: { severity: string; packageVulnerabilityDetails?: { vulnerabilityId: string } }[];
}

export interface FakeImageBuilder {
  readonly endpoint: string;
  readonly images: Map<string, FakeImage>;
  /** Executions started: pipeline ARN, client token, the build ARN answered. */
  readonly executions: { pipeline: string; clientToken: string; arn: string }[];
  /** PUTs to /reply/...: their path, content type and JSON body. */
  readonly replies: { path: string; contentType: string | undefined; body: Record<string, unknown> }[];
  /** Answer replies 403, as S3 does to an expired presigned URL. */
  refuseReplies: boolean;
  close(): Promise<void>;
}

export async function startFakeImageBuilder(): Promise<FakeImageBuilder> {
  const images = new Map<string, FakeImage>();
  const executions: FakeImageBuilder['executions'] = [];
  const replies: FakeImageBuilder['replies'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const notFound = (what: string) => send(404, { __type: 'ResourceNotFoundException', message: `${what} not found` });
      const route = `${req.method} ${url.pathname.startsWith('/tags/') ? '/tags/' : url.pathname.startsWith('/reply/') ? '/reply/' : url.pathname}`;
      switch (route) {
        case 'PUT /StartImagePipelineExecution': {
          if (!body.imagePipelineArn || !body.clientToken || body.clientToken.length > 36) return send(400, { __type: 'InvalidRequestException', message: 'imagePipelineArn and clientToken (1-36) required' });
          // Idempotent per client token, as the API documents.
          const known = executions.find((e) => e.clientToken === body.clientToken);
          if (known) return send(200, { requestId: 'r', clientToken: known.clientToken, imageBuildVersionArn: known.arn });
          const name = String(body.imagePipelineArn).split('/').pop();
          const arn = body.imagePipelineArn.replace(/:image-pipeline\/.*$/, `:image/${name}/1.0.0/${executions.length + 1}`);
          executions.push({ pipeline: body.imagePipelineArn, clientToken: body.clientToken, arn });
          return send(200, { requestId: 'r', clientToken: body.clientToken, imageBuildVersionArn: arn });
        }
        case 'GET /GetImage': {
          const image = images.get(url.searchParams.get('imageBuildVersionArn') ?? '');
          if (!image) return notFound('image');
          const { findings: _, ...shown } = image;
          return send(200, { requestId: 'r', image: shown });
        }
        case 'POST /ListImageScanFindings': {
          const arn = body.filters?.find((f: { name: string }) => f.name === 'imageBuildVersionArn')?.values?.[0];
          return send(200, { requestId: 'r', findings: images.get(arn)?.findings ?? [] });
        }
        case 'POST /ListImages': {
          const name = body.filters?.find((f: { name: string }) => f.name === 'name')?.values?.[0];
          const versions = [...new Set([...images.values()].filter((i) => i.name === name).map((i) => i.arn.replace(/\/\d+$/, '')))];
          return send(200, { requestId: 'r', imageVersionList: versions.map((arn) => ({ arn, name })) });
        }
        case 'POST /ListImageBuildVersions': {
          const builds = [...images.values()].filter((i) => i.arn.replace(/\/\d+$/, '') === body.imageVersionArn);
          return send(200, { requestId: 'r', imageSummaryList: builds.map((i) => ({ arn: i.arn, name: i.name, state: i.state, tags: i.tags })) });
        }
        case 'POST /tags/':
        case 'DELETE /tags/': {
          const image = images.get(decodeURIComponent(url.pathname.slice('/tags/'.length)));
          if (!image) return notFound('resource');
          if (req.method === 'POST') Object.assign(image.tags, body.tags);
          else for (const key of url.searchParams.getAll('tagKeys')) delete image.tags[key];
          return send(200, {});
        }
        case 'PUT /reply/':
          if (fake.refuseReplies) {
            res.writeHead(403);
            return res.end();
          }
          replies.push({ path: url.pathname, contentType: req.headers['content-type'], body });
          res.writeHead(200);
          return res.end();
        default:
          return send(400, { __type: 'UnknownOperationException', message: route });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeImageBuilder = { endpoint, images, executions, replies, refuseReplies: false, close: () => new Promise((resolve) => server.close(() => resolve())) };
  return fake;
}
