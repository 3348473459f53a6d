import { createBareKoaHandler } from "../peers/bare-koa";

/** Bare Koa + @koa/router + serverless-http as a Lambda entry file, bundled with fleet's build plugins. */
export const handler = createBareKoaHandler();
