import { BlockList, isIP } from "node:net";
import { TrellisConfigError } from "../errors/config-error.js";
import type { Request } from "../http/request.js";

/**
 * Which proxies in front of the app may say who the client is, with
 * Express's "trust proxy" semantics (the proxy-addr walk):
 *
 * - `false` or `0` (default): the socket's peer is the client; X-Forwarded-For is ignored;
 * - a hop count `n`: the socket's peer and the n-1 nearest X-Forwarded-For
 *   entries are proxies; the entry after them is the client (1 behind one load balancer);
 * - addresses and subnets (`"10.0.0.0/8"`, `"::1"`, or the names `loopback`,
 *   `linklocal`, `uniquelocal`), as an array or a comma-separated string:
 *   the walk goes right to left over X-Forwarded-For while the hop is one of them.
 *
 * `true` (trust every hop, so the left-most entry, which the client
 * writes itself) is refused: any client could pick its own address and
 * walk around a rate limit (HARDENING.md D13).
 */
export type TrustProxy = false | number | string | readonly string[];

/** Finds a request's client address; compiled once from a TrustProxy value. */
export type ClientAddress = (request: Request) => string | undefined;

const NAMED: Readonly<Record<string, readonly string[]>> = Object.assign(Object.create(null) as Record<string, readonly string[]>, {
  loopback: ["127.0.0.1/8", "::1/128"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
  uniquelocal: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
});

const socketAddress: ClientAddress = (request) => request.ip;

export function compileTrustProxy(option: TrustProxy | boolean | undefined, label = "trustProxy"): ClientAddress {
  if (option === undefined || option === false || option === 0) return socketAddress;
  if (option === true) {
    throw new TrellisConfigError(
      "TRELLIS_E_INVALID_OPTION",
      `${label}: true would trust every X-Forwarded-For entry, which the client writes itself; ` +
        "give the number of proxies in front of the app (1 behind one load balancer) or their addresses or subnets",
    );
  }
  if (typeof option === "number") {
    if (!Number.isInteger(option) || option < 0) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `${label}: a hop count must be a non-negative integer, got ${option}`);
    return walker((_address, hop) => hop < option);
  }
  const entries = typeof option === "string" ? option.split(",") : option;
  const list = new BlockList();
  for (const raw of entries) addEntry(list, String(raw).trim(), label);
  return walker((address) => contains(list, address));
}

function addEntry(list: BlockList, entry: string, label: string): void {
  const named = NAMED[entry];
  if (named) {
    for (const subnet of named) addEntry(list, subnet, label);
    return;
  }
  const slash = entry.indexOf("/");
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  const bits = slash === -1 ? (family === 4 ? 32 : 128) : Number(entry.slice(slash + 1));
  const max = family === 4 ? 32 : 128;
  if (family === 0 || !Number.isInteger(bits) || bits < 0 || bits > max || (slash !== -1 && !/^\d+$/.test(entry.slice(slash + 1)))) {
    throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `${label}: "${entry}" is not an IP address, a subnet (10.0.0.0/8) or one of loopback, linklocal, uniquelocal`);
  }
  list.addSubnet(address, bits, family === 4 ? "ipv4" : "ipv6");
}

function contains(list: BlockList, address: string): boolean {
  const v4 = unmapIPv4(address);
  if (v4 !== undefined) return list.check(v4, "ipv4");
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** "::ffff:10.1.2.3" -> "10.1.2.3"; an IPv4 address as is; otherwise undefined. */
export function unmapIPv4(address: string): string | undefined {
  if (isIP(address) === 4) return address;
  const lower = address.toLowerCase();
  if (lower.startsWith("::ffff:") && isIP(lower.slice(7)) === 4) return lower.slice(7);
  return undefined;
}

/**
 * The proxy-addr walk: hop 0 is the socket's peer, hop i the i-th
 * X-Forwarded-For entry from the right; the client is the first hop that
 * is not trusted. An entry that is not an IP address ends the walk at the
 * hop that forwarded it, so a forged value never becomes a client key.
 */
function walker(trusted: (address: string, hop: number) => boolean): ClientAddress {
  return (request) => {
    let current = request.ip;
    if (current === undefined || !trusted(current, 0)) return current;
    const header = request.header("x-forwarded-for");
    if (header === undefined) return current;
    const hops = header.split(",");
    for (let i = hops.length - 1, hop = 1; i >= 0; i--, hop++) {
      const next = hops[i]!.trim();
      if (isIP(next) === 0) return current;
      current = next;
      if (!trusted(current, hop)) return current;
    }
    return current;
  };
}
