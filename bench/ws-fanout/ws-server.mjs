// (b) A bare `ws` WebSocketServer on node:http broadcasting with a loop over its clients, the
// baseline trellis must stay within 1.2x of. Started by bench/ws-fanout/run.mjs (PORT env).
import { createServer } from "node:http";
import { createRequire } from "node:module";

const require = createRequire(new URL("../.deps/package.json", import.meta.url));
const { WebSocketServer, WebSocket } = require("ws");

const PORT = Number(process.env.PORT ?? 3000);
const TEXT_MODE = process.env.MODE === "text";
const server = createServer((req, res) => {
  res.writeHead(req.url === "/health" ? 200 : 404, { "content-type": "application/json" });
  res.end('{"status":"healthy"}');
});
// Same settings as trellis's hub (no compression) so only the broadcast path differs.
const wss = new WebSocketServer({ server, path: "/ws/fan", perMessageDeflate: false, maxPayload: 64 * 1024 });
wss.on("connection", (ws) => {
  ws.on("message", (data, isBinary) => {
    // Default: re-sent as received, no decode, the cheapest broadcast ws allows (a strict baseline).
    // MODE=text decodes once and sends the string, as a handler that reads text messages does;
    // ws then encodes that string again for every socket.
    const payload = TEXT_MODE ? data.toString() : data;
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(payload, { binary: isBinary });
    }
  });
});
server.listen(PORT, "127.0.0.1", () => console.log(`ready ${PORT}`));
