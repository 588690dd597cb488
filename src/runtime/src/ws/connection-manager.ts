import { randomUUID } from "node:crypto";
import { createConsoleLogger, type Logger } from "../logger.js";
import { CloseCode } from "./close-codes.js";
import type { WebSocketConnection } from "./connection.js";
import { MemoryPubSub } from "./pubsub/memory.js";
import type { PubSub, Unsubscribe } from "./pubsub/types.js";

export interface ConnectionManagerOptions {
  /**
   * Where broadcasts travel between instances. Default: the app's
   * (`createApp({ websocket: { pubsub } })`) once a WebSocket route of that
   * app uses this manager, else an in-process MemoryPubSub.
   */
  pubsub?: PubSub;
  /** The pub/sub channel; managers of one app on several instances share it. Default "trellis:ws". */
  channel?: string;
  /** Identifies this instance in published messages; default a random UUID. */
  instanceId?: string;
  logger?: Logger;
}

/** A connection, or its id (which also reaches connections held by other instances). */
export type ConnectionTarget = WebSocketConnection | string;

/** Strings are sent as they are; anything else as JSON. */
export type OutboundMessage = string | number | boolean | null | object;

export interface BroadcastOptions {
  /** Only the members of this room; default everyone. */
  room?: string;
  /** Connections left out (usually the sender). */
  except?: readonly ConnectionTarget[];
}

/** What travels through the pub/sub channel. */
interface Envelope {
  v: 1;
  /** The publishing instance: it delivered locally already and ignores its own echo. */
  origin: string;
  data: string;
  room?: string;
  to?: string;
  except?: string[];
}

interface Member {
  socket: WebSocketConnection;
  rooms: Set<string>;
  stopListening: () => void;
}

const TEXT_FRAME = { binary: false } as const;

const idOf = (target: ConnectionTarget): string => (typeof target === "string" ? target : target.id);
const encode = (message: OutboundMessage): string => (typeof message === "string" ? message : JSON.stringify(message));

/**
 * The connections of one kind (a chat) on this instance, with rooms.
 * Broadcasts are delivered to local members at once and published through
 * `pubsub`, tagged with this instance's id, so that other instances deliver
 * them to theirs and this one skips its own echo: a handler's code stays
 * the same when the app runs on several instances behind Redis.
 *
 * A connection leaves the manager when it closes, for whatever reason
 * (peer close, error, heartbeat timeout, backpressure termination).
 */
export class ConnectionManager {
  readonly instanceId: string;
  readonly channel: string;
  #pubsub: PubSub;
  /** The pub/sub was given to the constructor: an app's never replaces it. */
  readonly #ownPubSub: boolean;
  readonly #logger: Logger;
  readonly #members = new Map<string, Member>();
  readonly #rooms = new Map<string, Set<string>>();
  #subscription: Promise<Unsubscribe | undefined> | undefined;
  #adopted = false;

  constructor(options: ConnectionManagerOptions = {}) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.channel = options.channel ?? "trellis:ws";
    this.#pubsub = options.pubsub ?? new MemoryPubSub();
    this.#ownPubSub = options.pubsub !== undefined;
    this.#logger = options.logger ?? createConsoleLogger();
  }

  /**
   * Called by an app when one of its WebSocket routes uses this manager:
   * a manager made without a pub/sub of its own broadcasts through the
   * app's from then on, so a domain's module-level manager reaches every
   * instance once the app runs on Redis, with no change to its code.
   * The first app wins; a pub/sub given to the constructor always does.
   */
  adoptPubSub(pubsub: PubSub): void {
    if (this.#ownPubSub || this.#pubsub === pubsub || this.#adopted) return;
    this.#adopted = true;
    const previous = this.#subscription;
    this.#pubsub = pubsub;
    this.#subscription = undefined;
    // Already listening on the in-process default (a connection came first): move over.
    if (previous) {
      void previous.then((unsubscribe) => unsubscribe?.());
      this.#subscribe();
    }
  }

  /** Adds an open connection (idempotent), optionally straight into rooms. */
  connect(socket: WebSocketConnection, options: { rooms?: readonly string[] } = {}): void {
    if (!socket.isOpen) return;
    if (!this.#members.has(socket.id)) {
      const stopListening = socket.onClose(() => this.disconnect(socket));
      this.#members.set(socket.id, { socket, rooms: new Set(), stopListening });
      this.#subscribe();
    }
    for (const room of options.rooms ?? []) this.join(socket, room);
  }

  /** Removes a connection and its room memberships; the socket itself stays open. */
  disconnect(target: ConnectionTarget): void {
    const id = idOf(target);
    const member = this.#members.get(id);
    if (!member) return;
    member.stopListening();
    for (const room of member.rooms) this.#removeFromRoom(room, id);
    this.#members.delete(id);
  }

  join(target: ConnectionTarget, room: string): void {
    const id = idOf(target);
    const member = this.#members.get(id);
    if (!member) throw new Error(`Connection ${id} is not connected to this manager`);
    member.rooms.add(room);
    let ids = this.#rooms.get(room);
    if (!ids) this.#rooms.set(room, (ids = new Set()));
    ids.add(id);
  }

  leave(target: ConnectionTarget, room: string): void {
    const id = idOf(target);
    this.#members.get(id)?.rooms.delete(room);
    this.#removeFromRoom(room, id);
  }

  has(target: ConnectionTarget): boolean {
    return this.#members.has(idOf(target));
  }

  /** Local connections. */
  get size(): number {
    return this.#members.size;
  }

  /** Local connections, optionally only a room's. */
  connections(room?: string): WebSocketConnection[] {
    if (room === undefined) return [...this.#members.values()].map((m) => m.socket);
    return [...(this.#rooms.get(room) ?? [])].map((id) => this.#members.get(id)!.socket);
  }

  /** The rooms a local connection is in. */
  roomsOf(target: ConnectionTarget): string[] {
    return [...(this.#members.get(idOf(target))?.rooms ?? [])];
  }

  /**
   * Sends to one connection: directly when it is here, else through the
   * pub/sub channel to the instance that holds it. Resolves true when it
   * was delivered here.
   */
  async send(target: ConnectionTarget, message: OutboundMessage): Promise<boolean> {
    const data = encode(message);
    const id = idOf(target);
    const local = this.#members.get(id)?.socket ?? (typeof target === "string" ? undefined : target);
    if (local) return local.send(data);
    await this.#publish({ v: 1, origin: this.instanceId, data, to: id });
    return false;
  }

  /** Sends to every connection (or a room's) on every instance; the message is serialised once. */
  async broadcast(message: OutboundMessage, options: BroadcastOptions = {}): Promise<void> {
    const envelope: Envelope = { v: 1, origin: this.instanceId, data: encode(message) };
    if (options.room !== undefined) envelope.room = options.room;
    if (options.except && options.except.length > 0) envelope.except = options.except.map(idOf);
    this.#deliver(envelope);
    await this.#publish(envelope);
  }

  /** Closes every local connection (1001 by default) and stops listening to the channel. */
  async close(code: number = CloseCode.GOING_AWAY, reason = "Server shutting down"): Promise<void> {
    for (const member of [...this.#members.values()]) member.socket.close(code, reason);
    const subscription = this.#subscription;
    this.#subscription = undefined;
    const unsubscribe = await subscription;
    await unsubscribe?.();
  }

  #deliver(envelope: Envelope): void {
    const except = Array.isArray(envelope.except) ? new Set(envelope.except) : undefined;
    if (envelope.to !== undefined) {
      this.#members.get(envelope.to)?.socket.send(envelope.data);
      return;
    }
    // Encoded once for every peer: given a string, ws would encode it again per socket.
    const text = Buffer.from(envelope.data, "utf8");
    // Copied first: a send that terminates a slow peer removes it from these maps.
    const members = envelope.room === undefined
      ? Array.from(this.#members.values())
      : Array.from(this.#rooms.get(envelope.room) ?? [], (id) => this.#members.get(id));
    for (const member of members) {
      if (member !== undefined && !except?.has(member.socket.id)) member.socket.send(text, TEXT_FRAME);
    }
  }

  async #publish(envelope: Envelope): Promise<void> {
    await this.#pubsub.publish(this.channel, JSON.stringify(envelope));
  }

  #subscribe(): void {
    this.#subscription ??= this.#pubsub.subscribe(this.channel, (raw) => this.#onPublished(raw)).catch((err: unknown) => {
      this.#logger.error({ err, channel: this.channel }, "ConnectionManager could not subscribe; broadcasts from other instances will not arrive");
      this.#subscription = undefined;
      return undefined;
    });
  }

  #onPublished(raw: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      this.#logger.warn({ channel: this.channel }, "Ignoring a malformed pub/sub message");
      return;
    }
    if (envelope === null || typeof envelope !== "object" || envelope.v !== 1 || typeof envelope.data !== "string") return;
    if (envelope.origin === this.instanceId) return;
    this.#deliver(envelope);
  }

  #removeFromRoom(room: string, id: string): void {
    const ids = this.#rooms.get(room);
    if (!ids) return;
    ids.delete(id);
    if (ids.size === 0) this.#rooms.delete(room);
  }
}
