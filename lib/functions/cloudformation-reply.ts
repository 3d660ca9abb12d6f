/**
 * CloudFormation's two presigned-URL replies: a Lambda-backed custom resource's response
 * (docs: "Custom resource response objects": Status SUCCESS | FAILED, Reason, PhysicalResourceId,
 * StackId, RequestId, LogicalResourceId, Data) and a wait condition signal (docs: "Create wait
 * conditions in a CloudFormation template": Status SUCCESS | FAILURE, Reason, UniqueId, Data).
 * Both are a PUT of a JSON body with an empty Content-Type: the URL's signature covers none.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Readonly<Record<string, string>>;
}

export interface WaitConditionSignal {
  readonly Status: 'SUCCESS' | 'FAILURE';
  readonly Reason: string;
  /** Signals with distinct ids count separately toward the wait condition's Count. */
  readonly UniqueId: string;
  readonly Data: string;
}

/** PUTs `body` as JSON to a presigned URL; rejects on a non-2xx answer. */
export function putPresigned(url: string, body: CustomResourceResponse | WaitConditionSignal): Promise<void> {
  const payload = JSON.stringify(body);
  const target = new URL(url);
  const request = target.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve() : reject(new Error(`PUT ${target.host}${target.pathname} answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(payload);
  });
}
