import { request as httpRequest } from "node:http";

export interface ClientResponse {
  status: number;
  /** Response headers as sent, repeats kept, names lower-cased. */
  headers: Array<[string, string]>;
  body: Buffer;
  json(): any;
}

/**
 * One HTTP request with full control over repeated headers (`[name, value]` pairs are sent as separate lines,
 * which fetch would join) and the raw body.
 */
export function send(url: string, options: { method?: string; headers?: Array<[string, string]>; body?: Buffer | string } = {}): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    // Raw header lists get no automatic Host header, so add the one a client would send.
    const headers = options.headers ?? [];
    const host: Array<[string, string]> = headers.some(([name]) => name.toLowerCase() === "host") ? [] : [["Host", new URL(url).host]];
    const req = httpRequest(url, { method: options.method ?? "GET", headers: [...host, ...headers].flat() }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const headers: Array<[string, string]> = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers, body, json: () => JSON.parse(body.toString("utf8")) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Every value of header `name` in the response. */
export function headerValues(response: ClientResponse, name: string): string[] {
  return response.headers.filter(([key]) => key === name.toLowerCase()).map(([, value]) => value);
}
