import { FleetError } from "../core/errors";
import { CliError, parseCommandArgs } from "./command";
import { commands } from "./commands";

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(overview());
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) throw new CliError(`unknown command '${name}'. Run 'fleet --help' to see the commands.`, 2);
  const command = load().default;
  const args = parseCommandArgs(command, rest);
  if (args.help) {
    process.stdout.write(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  return (await command.run(args)) ?? 0;
}

function overview(): string {
  const lines = Object.entries(commands).map(([name, load]) => `  ${name.padEnd(10)} ${load().default.summary}`);
  return `fleet: run one web application in every region of every AWS account of a stage.\n\nUsage: fleet <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nRun 'fleet <command> --help' for a command's options.\n`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError || error instanceof FleetError) {
      process.stderr.write(`fleet: ${error.message}\n`);
      process.exitCode = error instanceof CliError ? error.exitCode : 1;
    } else {
      process.stderr.write(`fleet: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
