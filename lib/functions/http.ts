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

/**
 * A percent-encoded path segment decoded, or undefined when its escapes are malformed (`%zz`, a cut
 * UTF-8 sequence, a lone surrogate): bad input the caller answers with a 4xx.
 */
export function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The value stored under `key` in a lookup table, only when it is the table's own entry: a key
 * from a request such as `__proto__`, `constructor` or `toString` never reaches Object.prototype.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
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
