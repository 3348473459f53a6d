type QueryValues = Record<string, string[]> | null | undefined;
type QueryValue = Record<string, string> | null | undefined;

/** The multi-value map when present, else the single-value map as one value per key. */
function queryPairs(multiValue: QueryValues, singleValue: QueryValue): Array<[string, string]> {
  if (multiValue) return Object.entries(multiValue).flatMap(([key, values]) => values.map((v): [string, string] => [key, v]));
  return Object.entries(singleValue ?? {});
}

/** Query string from API Gateway v1 parameters, which arrive percent-decoded and so are encoded here. */
export function encodeDecodedQuery(multiValue: QueryValues, singleValue: QueryValue): string {
  return queryPairs(multiValue, singleValue)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join("&");
}

/** Query string from ALB parameters, which arrive still percent-encoded: joined verbatim, never re-encoded. */
export function joinEncodedQuery(multiValue: QueryValues, singleValue: QueryValue): string {
  return queryPairs(multiValue, singleValue)
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
}
