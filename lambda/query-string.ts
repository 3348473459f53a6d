import { RejectedRequestError } from "./rejected-request";

type QueryValues = Record<string, string[]> | null | undefined;
type QueryValue = Record<string, string> | null | undefined;

/**
 * The bounds of the query string every app behind the adapter gets, checked before Koa runs: past them the client
 * gets a problem+json at once, never a slow answer (koa 3.3.0 parses `ctx.query` in quadratic time: 16,000 pairs
 * took 13.5 s). 1,000 pairs is the default of Node's `querystring.parse` (`maxKeys`) and of qs (`parameterLimit`);
 * 32,768 characters is over three times the longest URL API Gateway passes (10,240 bytes of request line and
 * headers for HTTP APIs; ALB: 16 KB of request line), so no query a front door delivers is refused for its
 * length, and the ×3 leaves room for the `%XX` a REST query grows by when its decoded values are encoded again.
 */
export const queryLimits = { pairs: 1000, characters: 32_768 } as const;

/** Query string from API Gateway v1 parameters, which arrive percent-decoded and so are encoded here. @throws RejectedRequestError past {@link queryLimits} */
export function encodeDecodedQuery(multiValue: QueryValues, singleValue: QueryValue): string {
  return boundedQuery(joinPairs(multiValue, singleValue, encodeURIComponent));
}

/** Query string from ALB parameters, which arrive still percent-encoded: joined verbatim, never re-encoded. @throws RejectedRequestError past {@link queryLimits} */
export function joinEncodedQuery(multiValue: QueryValues, singleValue: QueryValue): string {
  return boundedQuery(joinPairs(multiValue, singleValue, (text) => text));
}

/**
 * A raw query string (payload 2.0's `rawQueryString`, or one joined from the maps) within {@link queryLimits}.
 * @throws RejectedRequestError: 414 when it is too long, 400 when it holds too many pairs
 */
export function boundedQuery(query: string): string {
  if (query.length > queryLimits.characters) {
    throw new RejectedRequestError(
      414,
      `The query string is ${query.length} characters long, over the ${queryLimits.characters} this API accepts. Fix: send fewer or shorter query parameters, or send the data in a request body`,
    );
  }
  if (pairCount(query) > queryLimits.pairs) throw tooManyPairs();
  return query;
}

/** The multi-value map when present, else the single-value map as one value per key, joined as `k=v&…`; never more pairs than the limit. */
function joinPairs(multiValue: QueryValues, singleValue: QueryValue, encode: (text: string) => string): string {
  const parts: string[] = [];
  const add = (key: string, value: string) => {
    if (parts.length === queryLimits.pairs) throw tooManyPairs();
    parts.push(`${encode(key)}=${encode(value)}`);
  };
  if (multiValue) {
    for (const key in multiValue) for (const value of multiValue[key]!) add(key, value);
  } else if (singleValue) {
    for (const key in singleValue) add(key, singleValue[key]!);
  }
  return parts.join("&");
}

/** The non-empty `&`-separated parts: what URLSearchParams (and so Koa) turns into pairs. */
function pairCount(query: string): number {
  let count = 0;
  let partStart = 0;
  for (let i = 0; i <= query.length; i++) {
    if (i === query.length || query.charCodeAt(i) === 0x26 /* & */) {
      if (i > partStart) count++;
      partStart = i + 1;
    }
  }
  return count;
}

function tooManyPairs(): RejectedRequestError {
  return new RejectedRequestError(
    400,
    `The query string holds more than ${queryLimits.pairs} parameters, the most this API accepts. Fix: send at most ${queryLimits.pairs}, or send the data in a request body`,
  );
}
