/**
 * `"<account>/<region>"`: the one key of an account × region everywhere (stack outputs, `fleet:releases`, the
 * local cloud's state, the ledger, every table and `--json`).
 */
export function regionKey(account: string, region: string): string {
  return `${account}/${region}`;
}
