import { readFileSync } from "node:fs";
import path from "node:path";
import { Command as Program, CommanderError } from "commander";
import { FleetError } from "../core/errors";
import { repoRoot } from "../core/paths";
import { addCommand, CliError } from "./command";
import { commands } from "./commands";
// Loaded before any command runs: a closed stdout or stderr (EPIPE) is then noted, never an uncaught 'error'.
import { err } from "./output";

/**
 * Parses argv with commander and runs the command; resolves to the exit code: 0 done (help and --version too),
 * 1 failed, 2 usage error (unknown command or flag, with "did you mean", a missing value, `fleet` alone), or what
 * the command returns (130 interrupted).
 */
async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Program("fleet")
    .description("fleet: run one web application in every region of every AWS account of a stage.")
    .version(version(), "-V, --version", "print fleet's version")
    .helpOption("-h, --help", "show this help")
    .helpCommand("help [command]", "show the help of a command")
    .configureHelp({ subcommandTerm: (command) => command.name() })
    .showHelpAfterError("Run 'fleet --help' to see the commands.")
    .configureOutput({ outputError: (message, write) => write(`fleet: ${message.replace(/^error: /, "")}`) })
    .exitOverride();
  // Only the command asked for is loaded (`fleet check` never pays for the emulator or Pulumi); the overview,
  // `fleet help` and a mistyped name (for "did you mean") need them all.
  // `fleet help <mistyped>` gets the same "did you mean" as `fleet <mistyped>`.
  if (argv[0] === "help" && argv[1] !== undefined && !Object.hasOwn(commands, argv[1])) argv = argv.slice(1);
  const wanted = argv[0] === "help" ? argv[1] : argv[0];
  const names = wanted !== undefined && Object.hasOwn(commands, wanted) ? [wanted] : Object.keys(commands);
  for (const name of names) addCommand(program, name, commands[name]!().default, (exit) => (code = exit));
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    // Commander has printed the problem (or the help) already; its own exit codes are 0 and 1.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
}

function version(): string {
  return (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError || error instanceof FleetError) {
      err(`fleet: ${error.message}\n`);
      process.exitCode = error instanceof CliError ? error.exitCode : 1;
    } else {
      err(`fleet: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
