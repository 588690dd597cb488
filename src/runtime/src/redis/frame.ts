/**
 * How RedisPubSub wraps a message on the wire: `t1 <origin>\n<message>`.
 * The origin (the publishing RedisPubSub's instance id) lets that instance
 * drop its own echo, since it delivered the message locally already.
 * Anything else on the channel (redis-cli PUBLISH) is delivered as it is.
 */
const MARK = "t1 ";

export interface Frame {
  origin: string | undefined;
  message: string;
}

export function encodeFrame(origin: string, message: string): string {
  return `${MARK}${origin}\n${message}`;
}

export function decodeFrame(raw: string): Frame {
  if (!raw.startsWith(MARK)) return { origin: undefined, message: raw };
  const end = raw.indexOf("\n", MARK.length);
  if (end === -1) return { origin: undefined, message: raw };
  return { origin: raw.slice(MARK.length, end), message: raw.slice(end + 1) };
}

/** An instance id must not end the origin early. */
export function validOrigin(id: string): boolean {
  return typeof id === "string" && id.length > 0 && id.length <= 200 && !id.includes("\n");
}
