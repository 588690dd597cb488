import { TrellisError } from "../errors.js";
import { GENERATE_DOMAIN_FLAGS, GenerateDomainFlags, parseFlags } from "../options.js";

/** `trellis generate domain <name>`: the flags are checked already, so the contract is fixed before the feature lands. */
export async function generateDomainCommand(name: string, rawFlags: Record<string, unknown>): Promise<void> {
  parseFlags(GENERATE_DOMAIN_FLAGS, GenerateDomainFlags, rawFlags);
  throw new TrellisError("TRELLIS_E_NOT_IMPLEMENTED", `trellis generate domain ${name}: not implemented yet`);
}
