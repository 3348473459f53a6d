import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** One `fleet` subcommand: a thin layer over library modules. */
export interface Command<O extends Options = Options> {
  /** One line for `fleet --help`. */
  summary: string;
  /** The full `fleet <name> --help` text, options included. */
  usage: string;
  /** Flags, in `node:util` parseArgs form. `--help` is added for every command. */
  options: O;
  /** Whether positional arguments are accepted (e.g. `fleet check dev prod`). */
  positionals?: boolean;
  /** Runs the command; resolves to the exit code (0 when omitted). */
  run(args: ParsedArgs<O>): Promise<number | void>;
}

export interface ParsedArgs<O extends Options = Options> {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>["values"];
  positionals: string[];
}

/** Defines a command with its option types inferred. */
export function defineCommand<const O extends Options>(command: Command<O>): Command<O> {
  return command;
}

/** An error the user can act on: printed without a stack, exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Parses argv for one command; unknown flags become a CliError that names them. */
export function parseCommandArgs<O extends Options>(command: Command<O>, argv: string[]): ParsedArgs<O> & { help: boolean } {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    if (!command.positionals && parsed.positionals.length > 0) {
      throw new CliError(`unexpected argument '${parsed.positionals[0]}'\n\n${command.usage}`, 2);
    }
    const { help, ...values } = parsed.values as Record<string, unknown>;
    return { values: values as ParsedArgs<O>["values"], positionals: parsed.positionals, help: help === true };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${(error as Error).message}\n\n${command.usage}`, 2);
  }
}
