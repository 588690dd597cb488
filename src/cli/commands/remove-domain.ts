import { TrellisError } from "../errors.js";
import { parseFlags, REMOVE_DOMAIN_FLAGS, RemoveDomainFlags } from "../options.js";

/** `trellis remove domain <name>`: the flags are checked already, so the contract is fixed before the feature lands. */
export async function removeDomainCommand(name: string, rawFlags: Record<string, unknown>): Promise<void> {
  parseFlags(REMOVE_DOMAIN_FLAGS, RemoveDomainFlags, rawFlags);
  throw new TrellisError("TRELLIS_E_NOT_IMPLEMENTED", `trellis remove domain ${name}: not implemented yet`);
}
