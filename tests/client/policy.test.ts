/** Pure parts of the client: retry policy, Retry-After parsing, base URL rules, env configuration. */
import util from "node:util";
import {
  BarrackClient,
  MAX_RETRY_AFTER_MS,
  isAmbiguousFailure,
  isRetryable,
  parseRetryAfter,
  retryDelayMs,
  type Failure,
} from "../../provider/client";
import { DEFAULT_BASE_URL } from "../../provider/contract";
import { SECRET_KEY } from "./helpers";

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-15T10:00:00Z");
  it("reads delta-seconds", () => {
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
  });
  it("reads an HTTP date", () => {
    expect(parseRetryAfter("Wed, 15 Jan 2025 10:00:03 GMT", now)).toBe(3000);
    expect(parseRetryAfter("Wed, 15 Jan 2025 09:59:00 GMT", now)).toBe(0); // in the past
  });
  it("caps long waits and ignores garbage", () => {
    expect(parseRetryAfter("86400", now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
  });
});

describe("retry policy", () => {
  const status = (s: number): Failure => ({ kind: "status", status: s });
  const cases: [string, Failure, { idem: [boolean, boolean]; create: [boolean, boolean] }][] = [
    // name, failure, { idempotent: [retry, ambiguous], non-idempotent: [retry, ambiguous] }
    ["429", status(429), { idem: [true, false], create: [true, false] }],
    ["503", status(503), { idem: [true, false], create: [false, true] }],
    ["500", status(500), { idem: [true, false], create: [false, true] }],
    ["501", status(501), { idem: [false, false], create: [false, true] }],
    ["400", status(400), { idem: [false, false], create: [false, false] }],
    ["404", status(404), { idem: [false, false], create: [false, false] }],
    ["409", status(409), { idem: [false, false], create: [false, false] }],
    ["timeout", { kind: "timeout", code: "ETIMEDOUT" }, { idem: [true, false], create: [false, true] }],
    ["reset", { kind: "connection", code: "ECONNRESET" }, { idem: [true, false], create: [false, true] }],
    ["refused", { kind: "not_sent", code: "ECONNREFUSED" }, { idem: [true, false], create: [true, false] }],
    ["canceled", { kind: "canceled", code: "ERR_CANCELED" }, { idem: [false, false], create: [false, false] }],
  ];
  it.each(cases)("%s", (_name, f, want) => {
    expect([isRetryable(f, true), isAmbiguousFailure(f, true)]).toEqual(want.idem);
    expect([isRetryable(f, false), isAmbiguousFailure(f, false)]).toEqual(want.create);
  });

  it("backs off exponentially with jitter, capped", () => {
    const timing = { baseDelayMs: 100, maxDelayMs: 1000 };
    const f = status(503);
    expect(retryDelayMs(1, f, timing, () => 0)).toBe(100);
    expect(retryDelayMs(2, f, timing, () => 0)).toBe(200);
    expect(retryDelayMs(3, f, timing, () => 0)).toBe(400);
    expect(retryDelayMs(10, f, timing, () => 0)).toBe(1000);
    expect(retryDelayMs(2, f, timing, () => 1)).toBe(150); // at most 25% shorter
  });

  it("waits at least Retry-After, even above the backoff cap", () => {
    const f: Failure = { kind: "status", status: 429, retryAfterMs: 5000 };
    expect(retryDelayMs(1, f, { baseDelayMs: 1, maxDelayMs: 10 }, () => 0)).toBe(5000);
    expect(retryDelayMs(1, f, { baseDelayMs: 1, maxDelayMs: 10 }, () => 1)).toBeLessThanOrEqual(5500);
  });
});

describe("base URL", () => {
  const make = (baseUrl: string) => new BarrackClient({ apiKey: SECRET_KEY, baseUrl });

  it("defaults to the contract's base URL", () => {
    expect(new BarrackClient({ apiKey: SECRET_KEY }).baseUrl).toBe(DEFAULT_BASE_URL);
  });

  it.each(["http://example.com/api/", "http://10.0.0.5:8080/api/", "http://localhost.example.com/api/", "http://128.0.0.1/api/"])(
    "refuses plain HTTP to a non-loopback host: %s",
    (url) => {
      expect(() => make(url)).toThrow(/Refusing plain HTTP .*loopback/);
    },
  );

  it.each(["http://127.0.0.1:9/api/", "http://127.3.4.5/api/", "http://localhost:3000/api/", "http://[::1]:3000/api/", "https://example.com/api/"])(
    "accepts %s",
    (url) => {
      expect(make(url).baseUrl).toBe(url);
    },
  );

  it("adds the trailing slash so routes resolve under the base path", () => {
    expect(make("https://barrack.example/api").baseUrl).toBe("https://barrack.example/api/");
  });

  it("refuses other schemes and credentials in the URL", () => {
    expect(() => make("ftp://barrack.example/api/")).toThrow(/https/);
    expect(() => make("https://user:pw@barrack.example/api/")).toThrow(/credentials/);
    expect(() => make("not a url")).toThrow(/not a valid absolute URL/);
  });

  it("keeps the key out of util.inspect and JSON of the client", () => {
    const c = make("https://barrack.example/api/");
    expect(util.inspect(c, { depth: 10, showHidden: true })).not.toContain(SECRET_KEY);
    expect(JSON.stringify(c)).not.toContain(SECRET_KEY);
  });
});

describe("BarrackClient.fromEnv", () => {
  it("names the env var and the config key when the key is missing", () => {
    expect(() => BarrackClient.fromEnv({}, {})).toThrow(/BARRACK_API_KEY[\s\S]*barrack:apiKey/);
    expect(() => BarrackClient.fromEnv({}, { BARRACK_API_KEY: "  " })).toThrow(/BARRACK_API_KEY/);
  });

  it("reads key, URL and scheme from env; overrides win", () => {
    const env = { BARRACK_API_KEY: SECRET_KEY, BARRACK_API_URL: "http://127.0.0.1:1/api", BARRACK_AUTH_SCHEME: "X-API-Key" };
    const c = BarrackClient.fromEnv({}, env);
    expect(c.baseUrl).toBe("http://127.0.0.1:1/api/");
    expect(c.authScheme).toBe("x-api-key");
    const o = BarrackClient.fromEnv({ baseUrl: "https://barrack.example/api/", authScheme: "bearer", apiKey: "other" }, env);
    expect(o.baseUrl).toBe("https://barrack.example/api/");
    expect(o.authScheme).toBe("bearer");
    // An override key makes the env key unnecessary; an undefined override does not erase env.
    expect(BarrackClient.fromEnv({ apiKey: "k" }, {}).baseUrl).toBe(DEFAULT_BASE_URL);
    expect(BarrackClient.fromEnv({ baseUrl: undefined }, env).baseUrl).toBe("http://127.0.0.1:1/api/");
  });

  it("rejects an unknown auth scheme and a non-loopback http URL from env", () => {
    expect(() => BarrackClient.fromEnv({}, { BARRACK_API_KEY: "k", BARRACK_AUTH_SCHEME: "basic" })).toThrow(/BARRACK_AUTH_SCHEME/);
    expect(() => BarrackClient.fromEnv({}, { BARRACK_API_KEY: "k", BARRACK_API_URL: "http://barrack.ai/api/" })).toThrow(/Refusing plain HTTP/);
  });

  it("rejects bad numeric options", () => {
    expect(() => new BarrackClient({ apiKey: "k", maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => new BarrackClient({ apiKey: "k", maxRetries: 1.5 })).toThrow(/maxRetries/);
    expect(() => new BarrackClient({ apiKey: "k", timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => new BarrackClient({ apiKey: "k\n" })).toThrow(/control characters/);
  });
});
