import { defineSettings } from "@trellis/runtime";
import { z } from "zod";
import { buildApp } from "./main.js";

// From the environment and .env, checked once: a bad PORT stops the process
// with one clear message instead of failing later.
const settings = defineSettings(z.object({
  PORT: z.int().min(0).max(65_535).default(8000),
  HOST: z.string().min(1).default("127.0.0.1"),
}), { onError: "exit" });

const app = buildApp();
// listen() also shuts down gracefully on SIGTERM and SIGINT.
const { url } = await app.listen({ port: settings.PORT, host: settings.HOST });
console.log(`Listening on ${url} (API docs at ${url}/docs)`);
