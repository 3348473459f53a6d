import * as z from "zod/mini";
// The English messages alone: `z.locales` would pull every language (~260 KB) into the bundle.
import en from "zod/v4/locales/en.js";

/**
 * zod/mini ships without messages (every issue says "Invalid input"): install the English ones, so importing a
 * schema module stays free of side effects. Their tables are built on the first message a request needs, not at
 * cold start, where most requests are valid. Leaves a locale already configured alone.
 */
export function useEnglishMessages(): void {
  if (z.config().localeError) return;
  let english: ReturnType<typeof en>["localeError"] | undefined;
  z.config({ localeError: (issue) => (english ??= en().localeError)(issue) });
}
