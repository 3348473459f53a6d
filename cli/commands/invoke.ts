import { readFileSync } from "node:fs";
import type { InvokeAnswer } from "../../core/invoke-answer";
import { maxInvokeRequestBytes } from "../../emulator/limits";
import { CliError, defineCommand } from "../command";
import { err, out } from "../output";
import { asCli, progress, regionsOptions, selectRegions, stageOf, storeOf, targetOf, targetOptions } from "../release-support";


export default defineCommand({
  summary: "Hand an event to the function of every region of a stack (Lambda Invoke on live) and print what it returned",
  synopsis: "--stack <stack> [--local] [--region <r>]... --event <file|-> [--json]",
  description: `Hands the event (a JSON file, or - for stdin) to the function of each account x region of the stack at once, as
Lambda's Invoke does: no API Gateway in front, the event as written (e.g. an SQS, EventBridge or API Gateway
event). Prints per region what ran, whether the function returned or failed, how long it took, and what it
returned (or Lambda's error document { errorType, errorMessage, trace }).

In the cloud it calls Invoke on the function's live alias through the account's deploy role, and prints the end
of the invocation's log on stderr. With --local it runs, in a fresh worker (a cold start), the release the
local cloud's state says the region serves, with the stage's environment, memory and timeout; the function's
output goes to stderr and to the region's log (fleet logs --local).

Exits 1 when a function failed or a region could not be invoked (after reporting every region), 2 on a usage
error. --json prints an array, one { key, account, region, ran, functionError, payload, durationMs, logTail,
error } per region: payload is the JSON text the function returned.`,
  options: {
    ...regionsOptions,
    event: { type: "string", value: "file|-", description: "the event: a JSON file, or - to read it from stdin (required)" },
    ...targetOptions,
  },
  examples: `  fleet invoke --local --stack dev --region us-east-1 --event events/sqs.json
  echo '{"source":"fleet.test"}' | fleet invoke --stack prod --event -
  fleet invoke --local --stack dev --event event.json --json | jq -r '.[].payload'`,
  async run({ values }) {
    const stage = stageOf(values.stack);
    const refs = selectRegions(stage, values.region, "to invoke them all");
    const payload = eventArg(values.event);
    const target = targetOf(stage, values.local, storeOf(values.store), { serve: false });
    try {
      if (!target.invoke) throw new CliError(`invoking is not supported by the ${target.kind} target`);
      progress(`${stage.stack}: invoking ${refs.length} region${refs.length === 1 ? "" : "s"}${values.local ? " (local cloud)" : ""} with ${values.event === "-" ? "stdin" : values.event} (${Buffer.byteLength(payload)} bytes)`);
      const answers = await asCli(() => target.invoke!(refs, payload));
      for (const answer of answers) if (answer.logTail) err(answer.logTail.replace(/^(?=.)/gm, `[${answer.key}] `).replace(/([^\n])$/, "$1\n"));
      out(values.json ? `${JSON.stringify(answers)}\n` : answers.map(humanAnswer).join(""));
      const failed = answers.filter((a) => a.error !== null || a.functionError !== null);
      if (failed.length === 0) return 0;
      err(`fleet: ${failed.length} of ${answers.length} regions did not return: ${failed.map((a) => a.key).join(", ")} (why: above)\n`);
      return 1;
    } finally {
      await target.close();
    }
  },
});

/** `<key>  <what happened>  <ms>  <what ran>` and, when it ran, what it returned. */
function humanAnswer(answer: InvokeAnswer): string {
  const ran = answer.ran ? `  ${answer.ran.startsWith("sha256:") ? answer.ran.slice(0, 19) : `version ${answer.ran}`}` : "";
  if (answer.error !== null) return `${answer.key}  NOT INVOKED: ${answer.error}\n`;
  const outcome = answer.functionError === null ? "returned" : `FAILED (${answer.functionError})`;
  return `${answer.key}  ${outcome}  ${answer.durationMs ?? "?"} ms${ran}\n${answer.payload}\n`;
}

/** The event, read and checked as Lambda would (JSON, at most 6 MB), or a usage error naming --event and the fix. */
function eventArg(spec: string | undefined): string {
  if (spec === undefined) throw new CliError("--event <file|-> is required: the event to hand the function. Fix: e.g. --event event.json, or --event - to read stdin", 2);
  let text: string;
  try {
    text = readFileSync(spec === "-" ? 0 : spec, "utf8");
  } catch (error) {
    throw new CliError(`--event ${spec}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Fix: name a JSON file that exists, or - for stdin`, 2);
  }
  if (Buffer.byteLength(text) > maxInvokeRequestBytes) {
    throw new CliError(`--event ${spec} is ${Buffer.byteLength(text)} bytes; Lambda takes at most ${maxInvokeRequestBytes} bytes per synchronous invocation. Fix: a smaller event`, 2);
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new CliError(`--event ${spec} is not JSON (${(error as Error).message}). Fix: the event must be one JSON document, as Lambda takes it`, 2);
  }
  return text;
}
