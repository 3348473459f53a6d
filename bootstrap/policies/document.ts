/**
 * IAM policy documents written as code. A statement names its resources, or says why it cannot: `"Resource": "*"`
 * only comes out of `anyResource`, whose text is the reason IAM requires it (JSON has no comments, so
 * `fleet bootstrap policy` prints the reasons beside the document).
 */

/** IAM condition block: operator → condition key → value(s). */
export type Condition = Record<string, Record<string, string | string[]>>;

/** One statement of a generated policy. */
export type StatementSpec = {
  /** Names the statement in the document (and in simulator reports). */
  sid: string;
  /** @default "Allow" */
  effect?: "Allow" | "Deny";
  actions: string[];
  condition?: Condition;
} & (
  | { resources: string[] }
  | {
      /** Why IAM accepts only `"Resource": "*"` for these actions (or, for a Deny, why it must cover everything). */
      anyResource: string;
    }
);

/** A policy document as IAM reads it. */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: { Sid: string; Effect: "Allow" | "Deny"; Action: string[]; Resource: string | string[]; Condition?: Condition }[];
}

/** The document of a list of statements. */
export function policyDocument(statements: StatementSpec[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: statements.map((statement) => ({
      Sid: statement.sid,
      Effect: statement.effect ?? "Allow",
      Action: statement.actions,
      Resource: "anyResource" in statement ? "*" : statement.resources,
      ...(statement.condition ? { Condition: statement.condition } : {}),
    })),
  };
}

/** Each `"Resource": "*"` statement and why IAM requires it. */
export function wildcardReasons(statements: StatementSpec[]): { sid: string; why: string }[] {
  return statements.flatMap((statement) => ("anyResource" in statement ? [{ sid: statement.sid, why: statement.anyResource }] : []));
}
