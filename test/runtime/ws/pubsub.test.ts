import { MemoryPubSub } from "@trellis/runtime";
import { describePubSub } from "./pubsub-contract.js";

describePubSub("MemoryPubSub", () => new MemoryPubSub({ onError: () => {} }));
