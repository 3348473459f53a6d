import { CloudWatchLogsClient, FilterLogEventsCommand, ResourceNotFoundException, type FilteredLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { deployRoleCredentials, type DeployRoleTarget } from "./deploy-role";

/**
 * Reads a region's function log group from CloudWatch Logs, as `fleet logs` follows it: thin over the SDK (one
 * FilterLogEvents call per page), every other decision in targets/region-logs.ts. Loaded only for real accounts.
 */

/** The part of a CloudWatchLogsClient this uses; tests pass a fake that checks the real Command objects. */
export interface CloudWatchLogsLike {
  send(command: object): Promise<unknown>;
}

/** Opens a CloudWatch Logs client for one account × region. */
export type CloudWatchLogsClientFor = (target: DeployRoleTarget) => CloudWatchLogsLike;

/** The real one: a CloudWatchLogsClient in the region, with the account's deploy role's credentials. */
export const logsThroughDeployRole: CloudWatchLogsClientFor = (target) => new CloudWatchLogsClient({ region: target.region, credentials: deployRoleCredentials(target) });

/**
 * How far back each later read asks again: CloudWatch Logs may make an event searchable after a later one (each log
 * stream is ingested on its own), so a read from the newest timestamp alone could miss it.
 */
export const ingestionLagMs = 10_000;

/**
 * Follows one log group: the first read returns every event from `startTime` on, each later read the events that
 * appeared since (every page, oldest first, each event once by its eventId).
 */
export class LogGroupReader {
  private newest: number;
  /** eventIds already returned, with their timestamps, within `ingestionLagMs` of the newest. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly client: CloudWatchLogsLike,
    readonly logGroupName: string,
    startTime: number,
  ) {
    this.newest = startTime;
  }

  /** @throws Error saying the log group does not exist (nothing deployed there yet), or the SDK's error */
  async read(): Promise<{ timestamp: number; message: string }[]> {
    const startTime = this.seen.size === 0 ? this.newest : this.newest - ingestionLagMs;
    const events: FilteredLogEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = (await this.client
        .send(new FilterLogEventsCommand({ logGroupName: this.logGroupName, startTime, ...(nextToken ? { nextToken } : {}) }))
        .catch((error: unknown) => {
          if (error instanceof ResourceNotFoundException) throw new Error(`log group ${this.logGroupName} does not exist (is the stack deployed in this region?)`);
          throw error;
        })) as { events?: FilteredLogEvent[]; nextToken?: string };
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const fresh: { timestamp: number; message: string }[] = [];
    for (const event of events) {
      if (event.timestamp === undefined || event.message === undefined || (event.eventId !== undefined && this.seen.has(event.eventId))) continue;
      if (event.eventId !== undefined) this.seen.set(event.eventId, event.timestamp);
      fresh.push({ timestamp: event.timestamp, message: event.message.replace(/\n$/, "") });
      this.newest = Math.max(this.newest, event.timestamp);
    }
    for (const [id, timestamp] of this.seen) if (timestamp < this.newest - ingestionLagMs) this.seen.delete(id);
    return fresh.sort((a, b) => a.timestamp - b.timestamp);
  }
}
