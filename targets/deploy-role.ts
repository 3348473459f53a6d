import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

/**
 * The credentials of fleet's own AWS calls (Lambda for the preflight and pruning, CloudWatch while baking): the
 * account's deploy role, assumed as the Pulumi providers assume it. Loaded only for real accounts (AWS SDK).
 */

/** Where a call goes: the account's deploy role (as the Pulumi providers assume it) in one region. */
export interface DeployRoleTarget {
  stack: string;
  account: string;
  roleArn: string;
  region: string;
}

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/**
 * A credentials provider for an SDK client: AssumeRole of the deploy role with the session name the providers use
 * (`fleet-<stack>`, which the README's trust policy requires: `fleet-*`), one session per client, renewed five
 * minutes before it expires.
 */
export function deployRoleCredentials({ stack, roleArn, region }: DeployRoleTarget): () => Promise<Credentials> {
  const sts = new STSClient({ region });
  let session: Promise<Credentials> | undefined;
  const assume = async (): Promise<Credentials> => {
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `fleet-${stack}` }));
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
  return async () => {
    const current = await (session ??= assume());
    if (current.expiration.getTime() - Date.now() > 5 * 60_000) return current;
    session = assume();
    return session;
  };
}
