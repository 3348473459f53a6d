// The part of autocannon's API the benchmark uses (the package ships no types and @types/autocannon is not installed).
declare module "autocannon" {
  interface Options {
    url: string;
    /** Stop after this many requests. */
    amount?: number;
    connections?: number;
  }
  interface Result {
    errors: number;
    timeouts: number;
    non2xx: number;
    requests: { total: number; average: number };
  }
  function autocannon(options: Options): Promise<Result>;
  export = autocannon;
}
