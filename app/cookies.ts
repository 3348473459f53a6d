/**
 * Parses a Cookie request header into name -> value. The first occurrence of a name wins (the browser
 * sends the most specific path first); values are percent-decoded when they decode cleanly.
 */
export function parseCookieHeader(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    if (!name || Object.hasOwn(cookies, name)) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    cookies[name] = safeDecode(value);
  }
  return cookies;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Attributes of a cookie the app sets. */
export interface CookieOptions {
  maxAgeSeconds: number;
  /** @default "/" */
  path?: string;
}

/**
 * A Set-Cookie value with the attributes the app always wants: HttpOnly, Secure, SameSite=Lax.
 * Written by hand because koa's `ctx.cookies.set({ secure: true })` refuses to run behind API Gateway,
 * where the connection to the function is not TLS even though the client's is.
 */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path ?? "/"}`,
    `Max-Age=${options.maxAgeSeconds}`,
    "HttpOnly",
    "Secure",
    "SameSite=Lax",
  ].join("; ");
}
