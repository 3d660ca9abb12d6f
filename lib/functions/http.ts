/** The Lambda function URL request and response shapes (payload format 2.0) the handlers use. */
export interface HttpRequest {
  readonly rawPath: string;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestContext: {
    readonly http: { readonly method: string };
    /** Present with AWS_IAM auth: who signed the request. */
    readonly authorizer?: { readonly iam?: { readonly userArn?: string } };
  };
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export function json(statusCode: number, body: unknown): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The request body as JSON, or undefined when it is missing or not JSON. */
export function jsonBody(request: HttpRequest): unknown {
  if (!request.body) return undefined;
  try {
    return JSON.parse(request.isBase64Encoded ? Buffer.from(request.body, 'base64').toString('utf8') : request.body);
  } catch {
    return undefined;
  }
}
