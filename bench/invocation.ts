import { benchEvents, expectedBody, lambdaContext, type BenchEventKind } from "./events";
import type { ProxyHandler } from "./peers/types";
import { median, rotate } from "./stats";

/** How hard the warm-invocation benchmark works; the defaults keep it near 20 s on two cores. */
export interface InvocationOptions {
  /** Interleaved rounds; each runs every implementation once per event kind. @default 15 */
  rounds: number;
  /** Timed invocations per implementation, event kind and round. @default 1500 */
  iterations: number;
  /** Untimed invocations per implementation and event kind before the first round (JIT warm-up). @default 3000 */
  warmup: number;
}

export const defaultInvocationOptions: InvocationOptions = { rounds: 15, iterations: 1500, warmup: 3000 };

/** Median µs per warm invocation: per event kind, and over both kinds together. */
export interface InvocationResult {
  byEvent: Record<BenchEventKind, Record<string, number>>;
  combined: Record<string, number>;
}

/**
 * Times each handler on the same events in the same process. Each round runs every implementation in a rotated
 * order, so drift (GC pressure, CPU frequency, a noisy neighbour) spreads over all of them; each batch's median
 * per-call time is that round's figure, and the result is the median of the round medians. No forced GC between
 * batches: a `gc()` there was measured to double some adapters' times (it throws away their warmed-up state).
 */
export async function measureInvocations(
  handlers: Record<string, ProxyHandler>,
  options: InvocationOptions = defaultInvocationOptions,
  progress: (line: string) => void = () => undefined,
): Promise<InvocationResult> {
  const names = Object.keys(handlers);
  const kinds = Object.keys(benchEvents) as BenchEventKind[];
  for (const name of names) for (const kind of kinds) await checkAnswer(name, handlers[name]!, kind);

  for (const name of names) {
    for (const kind of kinds) await runBatch(handlers[name]!, kind, options.warmup);
  }
  const roundMedians = new Map<string, number[]>();
  for (let round = 0; round < options.rounds; round++) {
    for (const kind of kinds) {
      for (const name of rotate(names, round)) {
        const perCall = await runBatch(handlers[name]!, kind, options.iterations);
        const key = `${kind}:${name}`;
        roundMedians.set(key, [...(roundMedians.get(key) ?? []), median(perCall)]);
      }
    }
    progress(`invocation: round ${round + 1}/${options.rounds}`);
  }

  const byEvent = Object.fromEntries(
    kinds.map((kind) => [kind, Object.fromEntries(names.map((name) => [name, median(roundMedians.get(`${kind}:${name}`)!)]))]),
  ) as InvocationResult["byEvent"];
  const combined = Object.fromEntries(
    names.map((name) => [name, median(kinds.flatMap((kind) => roundMedians.get(`${kind}:${name}`)!))]),
  );
  return { byEvent, combined };
}

/** Runs `count` sequential invocations on fresh copies of the event and returns each call's time in µs. */
async function runBatch(handler: ProxyHandler, kind: BenchEventKind, count: number): Promise<number[]> {
  const makeEvent = benchEvents[kind];
  const context = lambdaContext();
  const times = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const event = makeEvent(); // outside the timed span: adapters may keep or mutate what they are given
    const start = process.hrtime.bigint();
    await handler(event, context);
    times[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  return times;
}

/** Refuses to time an implementation that does not answer the route correctly. */
async function checkAnswer(name: string, handler: ProxyHandler, kind: BenchEventKind): Promise<void> {
  const result = await handler(benchEvents[kind](), lambdaContext());
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? "", "base64").toString("utf8") : (result.body ?? "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = body;
  }
  if (result.statusCode !== 200 || JSON.stringify(parsed) !== JSON.stringify(expectedBody)) {
    throw new Error(
      `${name} answered the ${kind} event with ${result.statusCode} ${body.slice(0, 300)}; expected 200 ${JSON.stringify(expectedBody)}`,
    );
  }
}
