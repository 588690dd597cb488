/** A chat client on /ws/chat/{id} that keeps every message it receives. */
import WebSocket from "ws";

export interface ChatMessage {
  client_id: number;
  message: string;
}

export interface ChatClient {
  readonly received: ChatMessage[];
  send(message: string): void;
  /** How many times this exact text arrived. */
  count(message: string): number;
  isOpen(): boolean;
  close(): Promise<void>;
}

export async function connectChat(baseUrl: string, clientId: number): Promise<ChatClient> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/ws/chat/${clientId}`);
  const received: ChatMessage[] = [];
  socket.on("message", (data: WebSocket.RawData) => received.push(JSON.parse(data.toString()) as ChatMessage));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return {
    received,
    send: (message) => socket.send(message),
    count: (message) => received.filter((m) => m.message === message).length,
    isOpen: () => socket.readyState === WebSocket.OPEN,
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once("close", () => resolve());
        socket.close();
      }),
  };
}
