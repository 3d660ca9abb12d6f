/**
 * A local stand-in for a Lambda function URL with AWS_IAM auth: it checks each request's SigV4
 * signature by signing the same request again with the AWS SDK's own signer (@smithy/signature-v4,
 * the one the SDK's Lambda client uses), for service `lambda` and the URL's region, with the
 * caller's secret key and session token, then hands the function what Lambda hands it (payload
 * format 2.0, `requestContext.authorizer.iam.userArn` = the signer's session) and answers with the
 * function's response. An unsigned or wrongly signed request gets Lambda's 403 without reaching it.
 * Source of the request shape: docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
 * ("Request payload format", "Response payload format").
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import * as http from 'http';
import { AddressInfo } from 'net';
import type { HttpRequest, HttpResponse } from '../../lib/functions/http';

/** A caller's session keys and who IAM says it is. */
export interface Caller {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly arn: string;
}

export interface FakeFunctionUrl {
  readonly url: string;
  /** Every request's verdict, in order: who signed it (or why it was refused) and which headers were signed. */
  readonly requests: { readonly signer?: string; readonly refused?: string; readonly signedHeaders: readonly string[] }[];
  close(): Promise<void>;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

export async function startFakeFunctionUrl(region: string, callers: readonly Caller[], fn: (request: HttpRequest) => Promise<HttpResponse>): Promise<FakeFunctionUrl> {
  const requests: FakeFunctionUrl['requests'][number][] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const refuse = (why: string, signedHeaders: readonly string[] = []) => {
        requests.push({ refused: why, signedHeaders });
        res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ Message: 'Forbidden' }));
      };
      const m = AUTHORIZATION.exec(String(req.headers.authorization ?? ''));
      if (!m) return refuse('no SigV4 authorization header');
      const [, accessKeyId, , signedRegion, service, signedList] = m;
      const signedHeaders = signedList.split(';');
      const caller = callers.find((c) => c.accessKeyId === accessKeyId);
      if (!caller) return refuse(`unknown access key ${accessKeyId}`, signedHeaders);
      if (signedRegion !== region || service !== 'lambda') return refuse(`signed for ${signedRegion}/${service}, not ${region}/lambda`, signedHeaders);
      const amzDate = String(req.headers['x-amz-date'] ?? '');
      const signingDate = new Date(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
      if (Number.isNaN(signingDate.getTime())) return refuse('no x-amz-date');
      const url = new URL(req.url ?? '/', 'http://localhost');
      const signer = new SignatureV4({ credentials: caller, region, service: 'lambda', sha256: Sha256, applyChecksum: false });
      const headers = Object.fromEntries(signedHeaders.filter((h) => h !== 'x-amz-date' && h !== 'x-amz-security-token').map((h) => [h, String(req.headers[h] ?? '')]));
      const again = await signer.sign(
        { method: req.method ?? 'GET', protocol: 'http:', hostname: url.hostname, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body },
        { signingDate },
      );
      if (again.headers.authorization !== req.headers.authorization) return refuse('signature does not match', signedHeaders);
      if (req.headers['x-amz-security-token'] !== caller.sessionToken) return refuse('session token missing or wrong', signedHeaders);
      requests.push({ signer: caller.arn, signedHeaders });
      const event: HttpRequest = { rawPath: url.pathname, body, isBase64Encoded: false, requestContext: { http: { method: req.method ?? 'GET' }, authorizer: { iam: { userArn: caller.arn } } } };
      const answer = await fn(event);
      res.writeHead(answer.statusCode, answer.headers).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
