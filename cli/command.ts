import { Option, type Command as Program } from "commander";

/** A flag of a command. `description` is its help line; `value` names its argument there (`--stack <stack>`). */
export type OptionSpec =
  | { type: "boolean"; description: string; short?: string }
  | { type: "string"; description: string; short?: string; value?: string; default?: string; multiple?: boolean }
  /** A flag whose value may be left out (`--inspect` or `--inspect=9229`): `true` when it is. */
  | { type: "optional-string"; description: string; value?: string };

type Options = Record<string, OptionSpec>;

/** The parsed value of one flag: absent flags are undefined unless they have a default; repeatable ones are lists. */
type Value<S extends OptionSpec> = S extends { type: "boolean" }
  ? boolean | undefined
  : S extends { type: "optional-string" }
    ? string | true | undefined
    : S extends { multiple: true }
    ? string[] | undefined
    : S extends { default: string }
      ? string
      : string | undefined;

export interface ParsedArgs<O extends Options = Options> {
  /** Flag values by the names the command declared (`values["dry-run"]`). */
  values: { [K in keyof O]: Value<O[K]> };
  positionals: string[];
}

/** One `fleet` subcommand: a thin layer over library modules. Commander parses its flags and prints its help. */
export interface Command<O extends Options = Options> {
  /** One line for `fleet --help`. */
  summary: string;
  /**
   * What the command does, for `fleet <name> --help`. Paragraphs are separated by blank lines and re-wrapped to
   * the terminal; lines that start with a space are kept as written.
   */
  description: string;
  /** The usage line after `fleet <name>`, when it says more than `[options]` (e.g. which flags are required). */
  synopsis?: string;
  /** Positional arguments in commander's syntax (`[stack...]`, `<method>`) and their help lines; none when omitted. */
  arguments?: Record<string, string>;
  /** Flags by name (`"dry-run"` is `--dry-run`). `-h, --help` is added for every command. */
  options: O;
  /** Shown after the options under "Examples:", as written. */
  examples?: string;
  /** Runs the command; resolves to the exit code (0 when omitted). */
  run(args: ParsedArgs<O>): Promise<number | void>;
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

/**
 * Adds `command` to `program` as `fleet <name>`: its flags, arguments and help. Created through
 * `program.command()` so it inherits the program's error and output settings. `onExit` receives the exit code
 * its run resolves to.
 */
export function addCommand(program: Program, name: string, command: Command<any>, onExit: (code: number) => void): void {
  const sub = program.command(name).summary(command.summary).description(reflow(command.description)).showHelpAfterError(true);
  if (command.synopsis) sub.usage(command.synopsis);
  for (const [argument, help] of Object.entries(command.arguments ?? {})) sub.argument(argument, help);
  const attributes: [key: string, attribute: string][] = [];
  for (const [key, spec] of Object.entries(command.options as Options)) {
    const option = new Option(flagsOf(key, spec), spec.description);
    if (spec.type === "string" && spec.default !== undefined) option.default(spec.default);
    if (spec.type === "string" && spec.multiple) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    sub.addOption(option);
    attributes.push([key, option.attributeName()]);
  }
  if (command.examples) sub.addHelpText("after", `\nExamples:\n${command.examples.trimEnd()}`);
  sub.action(async () => {
    const opts = sub.opts();
    const values = Object.fromEntries(attributes.map(([key, attribute]) => [key, opts[attribute]]));
    onExit((await command.run({ values, positionals: sub.args })) ?? 0);
  });
}

/** `-s, --stack <stack>` from a flag's name and spec. */
function flagsOf(key: string, spec: OptionSpec): string {
  const value = spec.type === "string" ? ` <${spec.value ?? key}>` : spec.type === "optional-string" ? ` [${spec.value ?? key}]` : "";
  const short = spec.type !== "optional-string" && spec.short ? `-${spec.short}, ` : "";
  return `${short}--${key}${value}`;
}

/** Joins the lines of each paragraph, so commander wraps it to the terminal; indented lines stay as written. */
function reflow(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\n(?!\s)/g, " "))
    .join("\n\n");
}
