/**
 * ARNs the config names, checked against each service's documented format (partition `aws`: the
 * platform targets commercial regions only):
 * - IAM role and user: `arn:aws:iam::<account>:role<path><name>`; the path is `/` or `/a/b/` of
 *   printable ASCII (at most 512 characters), the name 1-64 of letters, digits and `+=,.@_-`
 *   (IAM User Guide, "IAM identifiers" and "IAM and AWS STS quotas").
 * - ACM certificate: `arn:aws:acm:<region>:<account>:certificate/<uuid>`; a load balancer only uses a
 *   certificate of its own account and region (ACM User Guide, "Services integrated with ACM").
 */

const IAM_NAME = /^[\w+=,.@-]{1,64}$/;
const IAM_PATH = /^\/([\x21-\x2e\x30-\x7e]+\/)*$/;
const IAM_ARN = /^arn:aws:iam::(\d{12}):(role|user)(\/.*)$/;
const ACM_ARN = /^arn:aws:acm:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):certificate\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export type IamPrincipalKind = 'role' | 'user';

/** Why `arn` is not an IAM ARN of one of `kinds`, or undefined when it is. */
export function iamArnProblem(arn: string, kinds: readonly IamPrincipalKind[]): string | undefined {
  const example = `arn:aws:iam::123456789012:${kinds[0]}/acme-developers`;
  const m = IAM_ARN.exec(arn);
  if (!m) return `must be an IAM ${kinds.join(' or ')} ARN such as ${example}`;
  const [, , kind, pathAndName] = m;
  if (!kinds.includes(kind as IamPrincipalKind)) return `must be an IAM ${kinds.join(' or ')} ARN, not a ${kind} ARN`;
  const slash = pathAndName.lastIndexOf('/');
  const path = pathAndName.slice(0, slash + 1);
  const name = pathAndName.slice(slash + 1);
  if (!IAM_NAME.test(name)) return `the ${kind} name must be 1-64 letters, digits or + = , . @ _ - (IAM name rules)`;
  if (path.length > 512 || !IAM_PATH.test(path)) return 'the IAM path must be / or /segment/.../ of printable ASCII, at most 512 characters';
  return undefined;
}

/** Why `arn` is not an ACM certificate ARN usable in `account` and `region`, or undefined when it is. */
export function acmCertificateArnProblem(arn: string, account: string, region: string): string | undefined {
  const m = ACM_ARN.exec(arn);
  if (!m) return `must be an ACM certificate ARN such as arn:aws:acm:${region}:${account}:certificate/<uuid> (lowercase uuid)`;
  if (m[1] !== region) return `is in region ${m[1]}; a load balancer needs a certificate of its own region ${region}`;
  if (m[2] !== account) return `belongs to account ${m[2]}; a load balancer needs a certificate of its own account ${account}`;
  return undefined;
}
