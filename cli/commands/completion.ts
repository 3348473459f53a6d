import type { Command, OptionSpec } from "../command";
import { CliError, defineCommand } from "../command";
import { commands } from "./index";

/** Whether a flag's value is a stack name (`--stack`, promote's `--from`/`--to`), completed from the stage files. */
function takesStack(key: string, spec: OptionSpec): boolean {
  return spec.type === "string" && (spec.value ?? key) === "stack";
}

export default defineCommand({
  summary: "Print the shell completion script for bash or zsh",
  synopsis: "bash|zsh",
  description: `Prints a script that completes fleet's commands, each command's flags, and stack names (from the
Pulumi.<stack>.yaml files of the current folder) after --stack, --from and --to. Generated from the commands
themselves, so it never lists a flag a command does not take.`,
  arguments: { "<shell>": "bash or zsh" },
  options: {},
  examples: `  eval "$(fleet completion bash)"                          # this shell; put it in ~/.bashrc to keep it
  fleet completion bash > ~/.local/share/bash-completion/completions/fleet
  fleet completion zsh > "\${fpath[1]}/_fleet"                # then: autoload -U compinit && compinit`,
  async run({ positionals }) {
    const shell = positionals[0];
    const all = Object.entries(commands).map(([name, load]) => ({ name, command: load().default as Command }));
    if (shell === "bash") process.stdout.write(bashScript(all));
    else if (shell === "zsh") process.stdout.write(zshScript(all));
    else throw new CliError(`unknown shell '${shell}'. Fix: fleet completion bash, or fleet completion zsh`, 2);
  },
});

type Named = { name: string; command: Command };

function flagsOf(command: Command, which: (key: string, spec: OptionSpec) => boolean = () => true): string[] {
  return Object.entries(command.options as Record<string, OptionSpec>).flatMap(([key, spec]) => (which(key, spec) ? [`--${key}`] : []));
}

function bashScript(all: Named[]): string {
  const cases = all.map(({ name, command }) => `    ${name}) flags="${[...flagsOf(command), "--help"].join(" ")}" stacks=" ${flagsOf(command, takesStack).join(" ")} " ;;`).join("\n");
  return `# fleet completion for bash: eval "$(fleet completion bash)"
_fleet_stacks() {
  local file
  for file in Pulumi.*.yaml; do
    [[ -e "$file" ]] || continue
    file="\${file#Pulumi.}"
    printf '%s\\n' "\${file%.yaml}"
  done
}
_fleet() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" flags="" stacks=""
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${all.map((c) => c.name).join(" ")} help --help --version" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
    help) COMPREPLY=($(compgen -W "${all.map((c) => c.name).join(" ")}" -- "$cur")); return ;;
  esac
  if [[ "$stacks" == *" $prev "* ]]; then
    COMPREPLY=($(compgen -W "$(_fleet_stacks)" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  fi
}
complete -F _fleet fleet
`;
}

function zshScript(all: Named[]): string {
  const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
  const describe = all.map(({ name, command }) => `    ${quote(`${name}:${command.summary.replace(/:/g, "\\:")}`)}`).join("\n");
  const cases = all
    .map(({ name, command }) => {
      const specs = Object.entries(command.options as Record<string, OptionSpec>).map(([key, spec]) => {
        const help = spec.description.replace(/[[\]:]/g, " ");
        if (spec.type === "boolean" || spec.type === "optional-string") return quote(`--${key}[${help}]`);
        return quote(`--${key}[${help}]:${(spec.value ?? key).replace(/:/g, " ")}:${takesStack(key, spec) ? "_fleet_stacks" : " "}`);
      });
      return `    ${name}) _arguments ${[...specs, quote("--help[show this help]")].join(" ")} ;;`;
    })
    .join("\n");
  return `#compdef fleet
# fleet completion for zsh: fleet completion zsh > "\${fpath[1]}/_fleet"
_fleet_stacks() {
  local file
  local -a stacks
  for file in Pulumi.*.yaml(N); do
    file=\${file#Pulumi.}
    stacks+=(\${file%.yaml})
  done
  compadd -a stacks
}
_fleet() {
  local -a commands
  commands=(
${describe}
  )
  if (( CURRENT == 2 )); then
    _describe 'fleet command' commands
    return
  fi
  case $words[2] in
${cases}
    help) _describe 'fleet command' commands ;;
  esac
}
if [[ "$funcstack[1]" = "_fleet" ]]; then _fleet "$@"; else compdef _fleet fleet; fi
`;
}
