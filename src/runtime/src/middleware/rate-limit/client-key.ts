import { isIP } from "node:net";
import { unmapIPv4 } from "../trust-proxy.js";

/**
 * The rate-limit key of an address: an IPv4 address as is, an IPv6
 * address cut to its first `ipv6Subnet` bits. One IPv6 customer usually
 * holds a /56 or a /64, so a per-address key would let a single client
 * rotate through billions of keys (express-rate-limit keys a /56 too).
 */
export function addressKey(address: string, ipv6Subnet: number | false): string {
  const v4 = unmapIPv4(address);
  if (v4 !== undefined) return v4;
  if (ipv6Subnet === false || isIP(address) !== 6) return address;
  const groups = expandIPv6(address);
  if (groups === undefined) return address;
  let key = "";
  for (let i = 0, bits = ipv6Subnet; i < 8 && bits > 0; i++, bits -= 16) {
    const group = bits >= 16 ? groups[i]! : groups[i]! & (0xffff << (16 - bits));
    key += `${group.toString(16)}:`;
  }
  return `${key}:/${ipv6Subnet}`;
}

/** Eight 16-bit groups of an IPv6 address ("::" expanded, a zone id dropped, an embedded IPv4 tail converted). */
function expandIPv6(address: string): number[] | undefined {
  const zone = address.indexOf("%");
  const text = (zone === -1 ? address : address.slice(0, zone)).toLowerCase();
  const [head = "", tail] = text.split("::");
  const parse = (part: string): number[] => {
    if (part === "") return [];
    const out: number[] = [];
    for (const piece of part.split(":")) {
      if (piece.includes(".")) {
        const [a = 0, b = 0, c = 0, d = 0] = piece.split(".").map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else {
        out.push(Number.parseInt(piece, 16));
      }
    }
    return out;
  };
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = 8 - left.length - right.length;
  if (fill < 0 || (tail === undefined && fill !== 0)) return undefined;
  return [...left, ...new Array<number>(fill).fill(0), ...right];
}
