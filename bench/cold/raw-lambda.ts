import { createRawHandler } from "../peers/raw";

/** The raw handler as a Lambda entry file: the cold-start baseline, bundled the same way as the app. */
export const handler = createRawHandler();
