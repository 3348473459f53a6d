import { lambdaRuntime } from "../core/runtime";
import { randomBytes } from "node:crypto";

/** How one emulated function is configured, as Lambda would know it. */
export interface FunctionIdentity {
  account: string;
  region: string;
  functionName: string;
  memoryMB: number;
}

/** The names Lambda derives from a function: its ARN, log group and (per environment) log stream. */
export function functionNames(fn: FunctionIdentity): { invokedFunctionArn: string; logGroupName: string; logStreamName: string } {
  const day = new Date().toISOString().slice(0, 10).replaceAll("-", "/");
  return {
    invokedFunctionArn: `arn:aws:lambda:${fn.region}:${fn.account}:function:${fn.functionName}`,
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString("hex")}`,
  };
}

/**
 * The function's whole environment: the variables Lambda reserves (region, function name, memory, ...)
 * over the function's configured `env`. Nothing of the host's environment leaks in (no credentials, no PATH
 * surprises), as in a real execution environment.
 */
export function lambdaEnvironment(fn: FunctionIdentity, env: Record<string, string>): Record<string, string> {
  const names = functionNames(fn);
  return {
    ...env,
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMB),
    AWS_LAMBDA_LOG_GROUP_NAME: names.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: names.logStreamName,
    AWS_EXECUTION_ENV: `AWS_Lambda_${lambdaRuntime}`,
    TZ: ":UTC",
    LANG: "en_US.UTF-8",
  };
}
