import type { InvokeAnswer } from "../core/invoke-answer";
import type { RegionRef, Stage } from "../core/stage";
import type { ReleaseStore } from "../artifacts/store/store";
import type { DirectInvocation, FunctionConfig } from "../emulator";
import { releaseBundle } from "./local-cloud";
import { readLocalState } from "./local-state";
import { stageEndpoints } from "./stage-endpoints";

/** Runs one invocation of a function (the emulator's invokeFunction; tests may pass a stand-in). */
export type InvokeFunction = (config: FunctionConfig, event: unknown) => Promise<DirectInvocation>;

export interface InvokeLocalOptions {
  stage: Stage;
  refs: RegionRef[];
  /** The event, as JSON text. */
  payload: string;
  store: ReleaseStore;
  /** The local cloud's directory (its state, cache and logs). */
  dir: string;
  /** @default the emulator's */
  invokeFunction?: InvokeFunction;
}

/**
 * `fleet invoke --local`: hands the event to each region's function as Lambda's Invoke on `live` would, running the
 * release the local cloud's state says the region serves (its stable one during a canary step), with the stage's
 * environment, memory and timeout, each region at once. Its output goes to the region's function log as when it
 * serves requests. A region serving nothing, or whose release the store does not hold intact, is answered with why.
 */
export async function invokeLocal(options: InvokeLocalOptions): Promise<InvokeAnswer[]> {
  const { stage } = options;
  const state = await readLocalState(options.dir, stage.stack);
  const invoke = options.invokeFunction ?? ((config, event) => (require("../emulator") as typeof import("../emulator")).invokeFunction(config, event));
  const event = JSON.parse(options.payload) as unknown;
  return Promise.all(
    options.refs.map(async (ref): Promise<InvokeAnswer> => {
      const digest = state.releases[ref.key];
      const unanswered = (error: string): InvokeAnswer => ({ ...ref, ran: digest ?? null, functionError: null, payload: null, durationMs: null, error });
      if (!digest) return unanswered(`serves no release: run 'fleet deploy --local --stack ${stage.stack} --release <digest>' first`);
      let bundleFile: string;
      try {
        bundleFile = await releaseBundle(options.dir, options.store, digest);
      } catch (error) {
        return unanswered(`cannot run ${digest}: ${(error as Error).message}`);
      }
      const [config] = stageEndpoints(stage, { port: 0, regions: [ref.region], account: ref.account, logDir: options.dir }, () => ({ bundleFile, release: digest }));
      try {
        const { outcome, durationMs } = await invoke(config!, event);
        return { ...ref, ran: digest, durationMs, error: null, ...lambdaAnswer(outcome, config!.timeoutMs!) };
      } catch (error) {
        // The bundle failed to load: Lambda answers Invoke with the init error as a function error.
        return { ...ref, ran: digest, durationMs: null, error: null, functionError: "Unhandled", payload: JSON.stringify({ errorType: "Runtime.InitError", errorMessage: (error as Error).message }) };
      }
    }),
  );
}

/** Lambda's answer to an invocation that ran: the returned JSON, or FunctionError with its error document. */
function lambdaAnswer(outcome: DirectInvocation["outcome"], timeoutMs: number): Pick<InvokeAnswer, "functionError" | "payload"> {
  switch (outcome.kind) {
    case "result":
      return { functionError: null, payload: outcome.payload };
    case "timeout":
      return { functionError: "Unhandled", payload: JSON.stringify({ errorType: "Sandbox.Timedout", errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` }) };
    case "error":
      return {
        functionError: "Unhandled",
        payload: JSON.stringify({ errorType: outcome.errorType, errorMessage: outcome.errorMessage, trace: outcome.stack?.split("\n") ?? [] }),
      };
  }
}
