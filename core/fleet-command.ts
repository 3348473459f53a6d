/**
 * The mode and stack a command runs in: every hint a command prints repeats them, so following it literally works
 * (`fleet status --local --stack dev`, not `fleet status --stack dev`, after a local deploy).
 */
export interface CommandContext {
  /** `--local`: the local cloud instead of real accounts. */
  local: boolean;
  stack?: string;
}

/**
 * A `fleet` command line to paste: `fleet <command> [--local] [--stack <stack>] [rest…]`.
 * @example fleetCommand("deploy", { local: true, stack: "dev" }, "--release <digest>") // "fleet deploy --local --stack dev --release <digest>"
 */
export function fleetCommand(command: string, context: CommandContext, ...rest: string[]): string {
  return ["fleet", command, ...(context.local ? ["--local"] : []), ...(context.stack ? ["--stack", context.stack] : []), ...rest].join(" ");
}
