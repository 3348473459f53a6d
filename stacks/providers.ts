import * as aws from "@pulumi/aws";
import { targetName } from "../core/naming";

/**
 * The only place AWS providers are made: one per (account, region), plus one for Route53 in the hosted zone's
 * account, each assuming the account's deploy role and refusing to act in any other account. Components receive a provider and never create one; default providers
 * are disabled in Pulumi.yaml, so nothing can fall back to ambient credentials.
 */
export class Providers {
  private readonly cache = new Map<string, aws.Provider>();

  constructor(private readonly stage: string) {}

  /**
   * The provider for `account` in `region`, made on first use. Its default tags name the app and the stage only:
   * a `release` tag here would make every release and rollback update every tagged resource of the region (roles,
   * log groups, API, stage, alarms, topic, certificate, domain); the function carries the digest instead.
   */
  get(account: string, roleArn: string, region: string): aws.Provider {
    const key = `${account}/${region}`;
    let provider = this.cache.get(key);
    if (!provider) {
      provider = new aws.Provider(targetName(this.stage, account, region), {
        region: region as aws.Region,
        assumeRoles: [{ roleArn, sessionName: `fleet-${this.stage}` }],
        allowedAccountIds: [account],
        defaultTags: { tags: { app: "fleet", stage: this.stage } },
      });
      this.cache.set(key, provider);
    }
    return provider;
  }

  /**
   * The provider for Route53 (a global service) in `account`, one per account and independent of its regions.
   * Records must not ride on a region's provider: adding, removing or reordering regions would move them to
   * another provider, Pulumi replaces every resource whose explicit provider changes, and a replacement latency
   * record is created before the old one is deleted, so Route53 refuses it as a duplicate.
   */
  dns(account: string, roleArn: string): aws.Provider {
    const key = `${account}/dns`;
    let provider = this.cache.get(key);
    if (!provider) {
      provider = new aws.Provider(`${this.stage}-${account}-dns`, {
        // Route53's API endpoint is in us-east-1 whichever regions the stage serves.
        region: "us-east-1",
        assumeRoles: [{ roleArn, sessionName: `fleet-${this.stage}` }],
        allowedAccountIds: [account],
        defaultTags: { tags: { app: "fleet", stage: this.stage } },
      });
      this.cache.set(key, provider);
    }
    return provider;
  }
}
