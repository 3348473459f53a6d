/**
 * What a cold Lambda process does, minus the runtime API: load the handler file, answer one event, exit.
 * argv: <handler file> <event JSON>. Exits 0 only on a 200 answer, so a broken bundle cannot look fast.
 */
const [handlerFile, eventJson] = process.argv.slice(2);
if (!handlerFile || !eventJson) throw new Error("usage: answer-one <handler file> <event JSON>");
const lambdaContext = {
  awsRequestId: "8f7e6d5c-0000-4000-8000-000000000000",
  functionName: "fleet-bench",
  getRemainingTimeInMillis: () => 30_000,
};
const { handler } = require(handlerFile) as { handler: (event: unknown, context: unknown) => Promise<{ statusCode: number }> };
handler(JSON.parse(eventJson), lambdaContext).then(
  (result) => {
    if (result?.statusCode !== 200) process.stderr.write(`answered ${JSON.stringify(result).slice(0, 300)}\n`);
    // Exit as soon as the answer exists: Lambda freezes the process here, so pending timers must not count.
    process.exit(result?.statusCode === 200 ? 0 : 1);
  },
  (error: unknown) => {
    process.stderr.write(`handler threw: ${String(error)}\n`);
    process.exit(1);
  },
);

export {};
