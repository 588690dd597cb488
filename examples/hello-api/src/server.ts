import { buildApp } from "./app.js";

const app = buildApp();
const port = Number(process.env.PORT ?? 8000);
const { url } = await app.listen({ port, host: process.env.HOST ?? "127.0.0.1" });
console.log(`hello-api listening on ${url} — docs at ${url}/docs`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
