import { callRegions, type RegionRequest } from "../../targets/call-regions";
import { CliError, defineCommand } from "../command";
import { formatCall } from "../format";
import { asCli, positiveInt, progress, regionsOptions, selectRegions, stageOf, storeOf, targetOf, targetOptions } from "../release-support";

/** What fetch sends: TRACE and CONNECT it refuses, so they are not offered. */
const methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/**
 * Headers fetch would not send as given: it sets host and content-length itself (the first silently) and fails
 * the request on the others, which would look like every region being unreachable.
 */
const refusedHeaders = new Map([
  ["host", "the HTTP client sets it from each region's URL"],
  ["content-length", "the HTTP client sets it from --data"],
  ["transfer-encoding", "the HTTP client chooses the framing"],
  ["connection", "the HTTP client manages connections"],
  ["keep-alive", "the HTTP client manages connections"],
  ["upgrade", "the HTTP client cannot switch protocols"],
  ["expect", "the HTTP client does not support it"],
]);

// RFC 9110 token: header names and methods.
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export default defineCommand({
  summary: "Send one request to every regional endpoint of a stack at once: status, latency, release, body",
  synopsis: "--stack <stack> [--local] [--region <r>]... <METHOD> <path> [--data <json>] [--header 'name: value']... [--json]",
  description: `Sends the same request to every regional endpoint of the stack at once (the URLs in the stack's outputs, or the
local cloud's with --local) and prints one row per account x region: the HTTP status, the latency, the release
that answered (the x-fleet-release header fleet's Lambda adapter stamps on every answer) and the start of the
body on one line. <path> is relative to each region's base URL, query string included (a REST API's base URL
ends with its stage, so /health calls .../prod/health). Redirects are shown, not followed.

A region answering any HTTP status, 4xx and 5xx included, has answered. Exits 1 when a region does not answer
(unreachable, timed out, or no endpoint: not deployed), after reporting every region; 2 on a usage error.

--json prints an array, one { key, account, region, url, status, latencyMs, release, headers, body,
bodyEncoding, error } per region: url is the URL called, body is text (bodyEncoding utf8) or base64 for bytes
that are not text, and where a region did not answer, status is null and error says why.`,
  // Optional for commander, so that a missing or misplaced one gets the message below, which names the fix.
  arguments: {
    "[METHOD]": `${methods.join(", ")} (a lower-case one is sent upper-case)`,
    "[path]": "starts with /, relative to each region's base URL, query string included (quote it for the shell)",
  },
  options: {
    ...regionsOptions,
    data: { type: "string", value: "json", description: "request body: one JSON document, sent as given, with content-type: application/json unless a --header sets it (not with GET or HEAD)" },
    header: { type: "string", value: "h", multiple: true, description: "a request header, 'name: value' (quoted for the shell); repeat for several" },
    ...targetOptions,
    timeout: { type: "string", value: "ms", description: "per region, for the whole exchange (default 10000)" },
  },
  examples: `  fleet call --local --stack dev GET /health
  fleet call --stack prod --region eu-west-1 GET '/v1/greetings/Ada?lang=fr'
  fleet call --local --stack dev POST /v1/echo --data '{"message":"hi"}'
  fleet call --local --stack dev GET /v1/whoami --header 'cookie: remember=1' --json`,
  async run({ values, positionals }) {
    // Every input is checked before the target is opened: a typo never waits for a local cloud to start.
    const stage = stageOf(values.stack);
    const { method, path } = requestLine(positionals);
    const headers = (values.header ?? []).map(header);
    const body = data(values.data, method);
    if (body !== undefined && !headers.some(([name]) => name === "content-type")) headers.push(["content-type", "application/json"]);
    const keys = new Set(selectRegions(stage, values.region, "to call them all").map((r) => r.key));
    const request: RegionRequest = { method, path, headers, ...(body === undefined ? {} : { body }), timeoutMs: positiveInt(values.timeout, "--timeout", 10_000) };

    const target = targetOf(stage, values.local, storeOf(values.store));
    try {
      const live = (await asCli(() => target.live())).filter((r) => keys.has(r.key));
      progress(`${stage.stack}: ${method} ${path} in ${live.length} region${live.length === 1 ? "" : "s"}`);
      const answers = await callRegions(live, request, (a) =>
        progress(`${stage.stack} ${a.key}: ${a.error === null ? `${a.status} in ${a.latencyMs} ms` : `NO ANSWER: ${a.error}`}`),
      );
      process.stdout.write(values.json ? `${JSON.stringify(answers)}\n` : formatCall(stage.stack, request, answers));
      const silent = answers.filter((a) => a.error !== null);
      if (silent.length === 0) return 0;
      progress(`fleet: ${silent.length} of ${answers.length} regions did not answer: ${silent.map((a) => a.key).join(", ")} (why: above)`);
      return 1;
    } finally {
      await target.close();
    }
  },
});

/** `<METHOD> <path>` from the positionals, or a usage error saying which part is wrong and how to write it. */
function requestLine(positionals: string[]): { method: string; path: string } {
  const example = "e.g. fleet call --stack dev GET /health";
  if (positionals.length === 0) throw new CliError(`missing <METHOD> <path>. Fix: name both, ${example}`, 2);
  // Commander refuses a third argument itself ("too many arguments").
  const [rawMethod, path] = positionals as [string, ...string[]];
  if (rawMethod.startsWith("/")) throw new CliError(`missing the method before '${rawMethod}'. Fix: put one first, e.g. fleet call --stack dev GET ${rawMethod}`, 2);
  const accepted = `use one of ${methods.join(", ")}`;
  if (!token.test(rawMethod)) throw new CliError(`method '${rawMethod}' is not an HTTP method (a token such as GET). Fix: ${accepted}`, 2);
  // Methods are case-sensitive on the wire; `get` is surely meant as GET, which every gateway expects.
  const method = rawMethod.toUpperCase();
  if (!methods.includes(method)) throw new CliError(`method '${rawMethod}' is not one fleet call sends. Fix: ${accepted}`, 2);
  if (path === undefined) throw new CliError(`missing the path after ${method}. Fix: add it, e.g. fleet call --stack dev ${method} /health`, 2);
  if (!path.startsWith("/")) {
    throw new CliError(`path '${path}' must start with '/': it is relative to each region's base URL. Fix: /${path.replace(/^\.?\/*/, "")}`, 2);
  }
  return { method, path };
}

/** `--header 'name: value'` as a pair with a lower-case name, or a usage error showing the form. */
function header(raw: string): [string, string] {
  const form = "Fix: write it as --header 'name: value', e.g. --header 'x-api-key: abc'";
  const colon = raw.indexOf(":");
  if (colon === -1) throw new CliError(`--header '${raw}' has no ':' between name and value. ${form}`, 2);
  const name = raw.slice(0, colon).trim().toLowerCase();
  const value = raw.slice(colon + 1).trim();
  if (name === "") throw new CliError(`--header '${raw}' has no name before ':'. ${form}`, 2);
  if (!token.test(name)) throw new CliError(`--header '${raw}': '${name}' is not a header name (letters, digits and !#$%&'*+-.^_\`|~ only). ${form}`, 2);
  if (/[\0\r\n]/.test(value)) throw new CliError(`--header '${raw.replace(/[\r\n]/g, "\\n").replace(/\0/g, "\\0")}': a value cannot hold a line break or NUL. Fix: one line per --header`, 2);
  const refused = refusedHeaders.get(name);
  if (refused !== undefined) throw new CliError(`--header '${raw}': fleet call cannot send ${name} (${refused}). Fix: leave it out`, 2);
  return [name, value];
}

/** The `--data` body: JSON checked here, so a typo is not sent to every region to be refused there. */
function data(raw: string | undefined, method: string): string | undefined {
  if (raw === undefined) return undefined;
  if (method === "GET" || method === "HEAD") {
    throw new CliError(`--data cannot go with ${method}: a ${method} request has no body. Fix: use POST, PUT, PATCH or DELETE, or put the input in the query string`, 2);
  }
  try {
    JSON.parse(raw);
  } catch (error) {
    throw new CliError(`--data '${raw}' is not JSON (${(error as Error).message}). Fix: pass one JSON document, quoted for the shell, e.g. --data '{"name":"Ada"}'`, 2);
  }
  return raw;
}
