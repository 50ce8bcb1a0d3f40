// What the core renders as plain strings, turned into CDK tokens (mirrors
// stepforge/cdk/_tokens.py).
//
// The core builds definitions and policy statements from strings. A CDK token
// (a function's ARN before deployment) cannot go through it as is: the core
// would treat `${Token[…]}` as a function *name* and write an ARN around it.
// So the constructs hand the core a sentinel ARN that says "a Lambda
// function" and swap it for the token afterwards, in the definition and in
// the policy statements alike. The core also writes the caller's partition,
// region and account as CloudFormation pseudo parameters (`${AWS::Region}`),
// which become the CDK's `Aws` tokens here.

import { Aws } from 'aws-cdk-lib'
import * as iam from 'aws-cdk-lib/aws-iam'

const PSEUDO: ReadonlyArray<[string, string]> = [
  ['${AWS::Partition}', Aws.PARTITION],
  ['${AWS::Region}', Aws.REGION],
  ['${AWS::AccountId}', Aws.ACCOUNT_ID],
]

/** A Lambda function ARN no real function has, for the `index`-th function given. */
export function sentinelFunctionArn(index: number): string {
  return `arn:aws:lambda:stepforge-sentinel:000000000000:function:StepforgeSentinel${index}`
}

/**
 * `value` with every occurrence of each key of `tokens` (in any string, at
 * any depth) and of the pseudo parameters replaced by its token.
 */
export function substitute<T>(value: T, tokens: ReadonlyMap<string, string>): T {
  const table: Array<[string, string]> = [...PSEUDO, ...tokens]
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return table.reduce((s, [plain, token]) => s.split(plain).join(token), v)
    if (Array.isArray(v)) return v.map(walk)
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]))
    }
    return v
  }
  return walk(value) as T
}

/** A policy statement as the core reports it. */
export type StatementJson = { Action: string[]; Resource: string[] }

/** The core's policy statements as CDK ones, sentinels replaced by tokens. */
export function statements(
  documents: readonly StatementJson[],
  tokens: ReadonlyMap<string, string>,
): iam.PolicyStatement[] {
  return substitute([...documents], tokens).map(
    (d) => new iam.PolicyStatement({ actions: [...d.Action], resources: [...d.Resource] }),
  )
}
