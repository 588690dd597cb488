import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame, validOrigin } from "../../../src/runtime/src/redis/frame.js";

describe("RedisPubSub's wire frame", () => {
  it("carries the origin and the message, newlines in the message included", () => {
    expect(decodeFrame(encodeFrame("instance-1", "line 1\nline 2"))).toEqual({ origin: "instance-1", message: "line 1\nline 2" });
    expect(decodeFrame(encodeFrame("a", ""))).toEqual({ origin: "a", message: "" });
  });

  it("passes anything else through as a message of unknown origin", () => {
    expect(decodeFrame("plain")).toEqual({ origin: undefined, message: "plain" });
    expect(decodeFrame("t1 no newline")).toEqual({ origin: undefined, message: "t1 no newline" });
    expect(decodeFrame('{"v":1}')).toEqual({ origin: undefined, message: '{"v":1}' });
  });

  it("refuses instance ids that would end the origin early", () => {
    expect(validOrigin("a\nb")).toBe(false);
    expect(validOrigin("")).toBe(false);
    expect(validOrigin("x".repeat(201))).toBe(false);
    expect(validOrigin("0b9e3c1e-7c39-4c1b-9d55-2f5e0a6c2e11")).toBe(true);
  });
});
