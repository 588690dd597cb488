import { SettingsError } from "@trellis/runtime";
import { describe, expect, it } from "vitest";
import { loadSettings } from "../src/core/config.js";

const load = (env: Record<string, string>, warn: (message: string) => void = () => {}) =>
  loadSettings({ env, envFile: false, onError: "throw", warn });

const problems = (env: Record<string, string>): string[] => {
  try {
    load(env);
  } catch (error) {
    if (error instanceof SettingsError) return error.issues.map((i) => `${i.variable}: ${i.message}`);
    throw error;
  }
  return [];
};

describe("settings", () => {
  it("uses the documented defaults", () => {
    const settings = load({ NODE_ENV: "test" });
    expect(settings).toMatchObject({ PORT: 8000, HOST: "127.0.0.1", ACCESS_TOKEN_EXPIRE_MINUTES: 30, RATE_LIMIT_PER_MINUTE: 60, BODY_LIMIT: 102_400, LOG_LEVEL: "info", CORS_ORIGINS: [] });
    expect(settings.DATABASE_URL).toBeUndefined();
    expect(load({}).NODE_ENV).toBeUndefined();
  });

  it("refuses to start in production without a SECRET_KEY, with a short one, or with a placeholder", () => {
    expect(problems({ NODE_ENV: "production" })).toEqual([expect.stringMatching(/^SECRET_KEY: required when NODE_ENV=production/)]);
    expect(problems({ NODE_ENV: "production", SECRET_KEY: "too-short" })).toEqual([expect.stringMatching(/^SECRET_KEY: must be at least 32 bytes/)]);
    expect(problems({ NODE_ENV: "production", SECRET_KEY: "changeme" })).toEqual([expect.stringMatching(/^SECRET_KEY: is a known placeholder/)]);
    expect(problems({ NODE_ENV: "production", SECRET_KEY: "a".repeat(64) })).toEqual([]);
  });

  it("uses a random key per process outside production and warns that tokens reset on restart", () => {
    const warnings: string[] = [];
    const first = load({ NODE_ENV: "development" }, (m) => warnings.push(m));
    const second = load({}, (m) => warnings.push(m));
    expect(first.SECRET_KEY).toMatch(/^[0-9a-f]{64}$/);
    expect(first.SECRET_KEY).not.toBe(second.SECRET_KEY);
    expect(warnings).toEqual([expect.stringMatching(/SECRET_KEY is not set/), expect.stringMatching(/SECRET_KEY is not set/)]);
  });

  it("refuses FIRST_SUPERUSER_EMAIL without FIRST_SUPERUSER_PASSWORD, and the reverse, with one message naming both", () => {
    expect(problems({ NODE_ENV: "test", FIRST_SUPERUSER_EMAIL: "admin@example.com" })).toEqual([
      "FIRST_SUPERUSER_PASSWORD: not set, but FIRST_SUPERUSER_EMAIL is: set both to create the first superuser, or neither",
    ]);
    expect(problems({ NODE_ENV: "test", FIRST_SUPERUSER_PASSWORD: "admin password" })).toEqual([
      "FIRST_SUPERUSER_EMAIL: not set, but FIRST_SUPERUSER_PASSWORD is: set both to create the first superuser, or neither",
    ]);
    // An empty value counts as unset, as for every optional setting.
    expect(problems({ NODE_ENV: "test", FIRST_SUPERUSER_EMAIL: "admin@example.com", FIRST_SUPERUSER_PASSWORD: "" })).toHaveLength(1);
    expect(problems({ NODE_ENV: "test", FIRST_SUPERUSER_EMAIL: "admin@example.com", FIRST_SUPERUSER_PASSWORD: "admin password" })).toEqual([]);
    expect(problems({ NODE_ENV: "test" })).toEqual([]);
  });

  it("accepts a weak SECRET_KEY outside production with one warning that production refuses it, and says nothing about a strong one", () => {
    for (const [value, problem] of [["abc", /must be at least 32 bytes/], ["changeme", /is a known placeholder/]] as const) {
      for (const env of [{ NODE_ENV: "development" }, {}] as Record<string, string>[]) {
        const warnings: string[] = [];
        expect(load({ ...env, SECRET_KEY: value }, (m) => warnings.push(m)).SECRET_KEY).toBe(value);
        expect(warnings).toEqual([expect.stringMatching(/^warning: SECRET_KEY /)]);
        expect(warnings[0]).toMatch(problem);
        expect(warnings[0]).toMatch(/refused with NODE_ENV=production/);
        // The value itself is never echoed.
        expect(warnings[0]).not.toContain(value);
      }
    }
    const quiet: string[] = [];
    load({ NODE_ENV: "development", SECRET_KEY: "a".repeat(64) }, (m) => quiet.push(m));
    expect(quiet).toEqual([]);
  });

  it("shows the value of a setting that only mentions a token, ACCESS_TOKEN_EXPIRE_MINUTES=1e3, and hides passwords and keys", () => {
    expect(problems({ NODE_ENV: "test", ACCESS_TOKEN_EXPIRE_MINUTES: "1e3" })).toEqual(['ACCESS_TOKEN_EXPIRE_MINUTES: expected an integer, got "1e3"']);
    expect(problems({ NODE_ENV: "test", FIRST_SUPERUSER_EMAIL: "admin@example.com", FIRST_SUPERUSER_PASSWORD: "short" })).toEqual(["FIRST_SUPERUSER_PASSWORD: must be at least 8 characters long, got (hidden)"]);
    expect(problems({ NODE_ENV: "test", DATABASE_URL: "mysql://app:hunter2@db/app" })).toEqual(['DATABASE_URL: memory:// or a postgres:// URL']);
  });

  it("reads CORS_ORIGINS as a comma-separated list of exact origins", () => {
    expect(load({ NODE_ENV: "test", CORS_ORIGINS: "https://a.example.com, http://localhost:5173" }).CORS_ORIGINS).toEqual(["https://a.example.com", "http://localhost:5173"]);
    expect(problems({ NODE_ENV: "test", CORS_ORIGINS: "https://a.example.com/path" })[0]).toMatch(/^CORS_ORIGINS/);
  });

  it("reads BODY_LIMIT as a number of bytes and refuses anything else with one message naming it", () => {
    expect(load({ NODE_ENV: "test", BODY_LIMIT: "1048576" }).BODY_LIMIT).toBe(1_048_576);
    for (const value of ["100kb", "1e6", "0x400", " 1024", "1.5"]) {
      expect(problems({ NODE_ENV: "test", BODY_LIMIT: value }), value).toEqual([expect.stringMatching(/^BODY_LIMIT: expected an integer, got /)]);
    }
    expect(problems({ NODE_ENV: "test", BODY_LIMIT: "0" })).toEqual(["BODY_LIMIT: must be >= 1, got 0"]);
    expect(problems({ NODE_ENV: "test", BODY_LIMIT: "-1" })).toEqual(["BODY_LIMIT: must be >= 1, got -1"]);
    expect(problems({ NODE_ENV: "test", BODY_LIMIT: String(200 * 1024 * 1024) })).toEqual([`BODY_LIMIT: must be <= ${100 * 1024 * 1024}, got ${200 * 1024 * 1024}`]);
  });

  it("reads TRUST_PROXY as a hop count or addresses and subnets, trusts no proxy by default, and refuses true", () => {
    expect(load({ NODE_ENV: "test" }).TRUST_PROXY).toBe(false);
    expect(load({ NODE_ENV: "test", TRUST_PROXY: "1" }).TRUST_PROXY).toBe(1);
    expect(load({ NODE_ENV: "test", TRUST_PROXY: "0" }).TRUST_PROXY).toBe(false);
    expect(load({ NODE_ENV: "test", TRUST_PROXY: "false" }).TRUST_PROXY).toBe(false);
    expect(load({ NODE_ENV: "test", TRUST_PROXY: "loopback, 10.0.0.0/8, fd00::/8" }).TRUST_PROXY).toBe("loopback, 10.0.0.0/8, fd00::/8");
    expect(problems({ NODE_ENV: "test", TRUST_PROXY: "true" })).toEqual([expect.stringMatching(/^TRUST_PROXY: true would trust every X-Forwarded-For entry, which the client writes itself; give the number of proxies in front of the app \(1 behind one load balancer\) or their addresses or subnets$/)]);
    expect(problems({ NODE_ENV: "test", TRUST_PROXY: "10.0.0.0/33" })).toEqual([expect.stringMatching(/^TRUST_PROXY: "10.0.0.0\/33" is not an IP address, a subnet \(10.0.0.0\/8\) or one of loopback, linklocal, uniquelocal$/)]);
    expect(problems({ NODE_ENV: "test", TRUST_PROXY: "-1" })).toEqual([expect.stringMatching(/^TRUST_PROXY: "-1" is not an IP address/)]);
  });

  it("sizes the PostgreSQL pool from DATABASE_POOL_SIZE and migrates at startup unless MIGRATE_ON_STARTUP=false", () => {
    expect(load({ NODE_ENV: "test" })).toMatchObject({ DATABASE_POOL_SIZE: 10, MIGRATE_ON_STARTUP: true });
    expect(load({ NODE_ENV: "test", DATABASE_POOL_SIZE: "25", MIGRATE_ON_STARTUP: "false" })).toMatchObject({ DATABASE_POOL_SIZE: 25, MIGRATE_ON_STARTUP: false });
    expect(problems({ NODE_ENV: "test", DATABASE_POOL_SIZE: "0", MIGRATE_ON_STARTUP: "maybe" })).toEqual([expect.stringMatching(/^DATABASE_POOL_SIZE/), expect.stringMatching(/^MIGRATE_ON_STARTUP/)]);
  });

  it("reads DATABASE_STATEMENT_TIMEOUT_MS in milliseconds, 10 s by default, and refuses 0", () => {
    expect(load({ NODE_ENV: "test" }).DATABASE_STATEMENT_TIMEOUT_MS).toBe(10_000);
    expect(load({ NODE_ENV: "test", DATABASE_STATEMENT_TIMEOUT_MS: "2500" }).DATABASE_STATEMENT_TIMEOUT_MS).toBe(2500);
    expect(problems({ NODE_ENV: "test", DATABASE_STATEMENT_TIMEOUT_MS: "0" })).toEqual(["DATABASE_STATEMENT_TIMEOUT_MS: must be >= 1, got 0"]);
    expect(problems({ NODE_ENV: "test", DATABASE_STATEMENT_TIMEOUT_MS: "10s" })).toEqual([expect.stringMatching(/^DATABASE_STATEMENT_TIMEOUT_MS: expected an integer/)]);
  });

  it("refuses a DATABASE_URL that is neither memory:// nor postgres://, and a PORT that is not an integer", () => {
    const found = problems({ NODE_ENV: "test", DATABASE_URL: "mysql://x", PORT: "80a" });
    expect(found).toEqual([expect.stringMatching(/^PORT/), expect.stringMatching(/^DATABASE_URL/)]);
  });
});
