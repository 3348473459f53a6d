import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { targetName } from "./naming";

/**
 * The only place AWS providers are made: one per (account, region), each assuming the account's deploy role and
 * refusing to act in any other account. Components receive a provider and never create one; default providers
 * are disabled in Pulumi.yaml, so nothing can fall back to ambient credentials.
 */
export class Providers {
  private readonly cache = new Map<string, aws.Provider>();

  constructor(private readonly stage: string) {}

  /**
   * The provider for `account` in `region`, made on first use.
   * @param release the `release` default tag on every resource of that region (its digest).
   */
  get(account: string, roleArn: string, region: string, release: pulumi.Input<string>): aws.Provider {
    const key = `${account}/${region}`;
    let provider = this.cache.get(key);
    if (!provider) {
      provider = new aws.Provider(targetName(this.stage, account, region), {
        region: region as aws.Region,
        assumeRoles: [{ roleArn, sessionName: `fleet-${this.stage}` }],
        allowedAccountIds: [account],
        defaultTags: { tags: { app: "fleet", stage: this.stage, release } },
      });
      this.cache.set(key, provider);
    }
    return provider;
  }
}
