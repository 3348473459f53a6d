import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from "@aws-sdk/client-cloudwatch";
import type { AlarmDefinition, AlarmEvaluation } from "../core/alarms";
import { deployRoleCredentials, type DeployRoleTarget } from "./deploy-role";

/**
 * Reads the states of the CloudWatch alarms the stack made for a region (stacks/components/alarms.ts), as fleet
 * watches them while it bakes: thin over the SDK, CloudWatch itself evaluates them. Loaded only for real accounts.
 */

/** The part of a CloudWatchClient this uses; tests pass a fake that checks the real Command objects. */
export interface CloudWatchLike {
  send(command: object): Promise<unknown>;
}

/** Opens a CloudWatch client for one account × region. */
export type CloudWatchClientFor = (target: DeployRoleTarget) => CloudWatchLike;

/** The real one: a CloudWatchClient in the region, with the account's deploy role's credentials. */
export const cloudWatchThroughDeployRole: CloudWatchClientFor = (target) => new CloudWatchClient({ region: target.region, credentials: deployRoleCredentials(target) });

/**
 * The state of each of a region's alarms (definition name → its CloudWatch name), in one DescribeAlarms call.
 * @throws when CloudWatch does not know one of them: a region whose alarms cannot all be read is never baked blind.
 */
export async function readAlarmStates(client: CloudWatchLike, names: Partial<Record<AlarmDefinition["name"], string>>): Promise<AlarmEvaluation[]> {
  const wanted = Object.entries(names) as [AlarmDefinition["name"], string][];
  if (wanted.length === 0) throw new Error("the stack names no alarm for this region");
  const answer = (await client.send(new DescribeAlarmsCommand({ AlarmNames: wanted.map(([, name]) => name), AlarmTypes: ["MetricAlarm"], MaxRecords: 100 }))) as { MetricAlarms?: MetricAlarm[] };
  const found = new Map((answer.MetricAlarms ?? []).map((alarm) => [alarm.AlarmName, alarm]));
  const missing = wanted.filter(([, name]) => !found.has(name)).map(([, name]) => name);
  if (missing.length > 0) throw new Error(`CloudWatch has no alarm ${missing.join(", ")}`);
  return wanted.map(([definition, name]) => {
    const alarm = found.get(name)!;
    const state = alarm.StateValue === "ALARM" || alarm.StateValue === "OK" || alarm.StateValue === "INSUFFICIENT_DATA" ? alarm.StateValue : "INSUFFICIENT_DATA";
    return { name: definition, state, reason: alarm.StateReason ?? "" };
  });
}
