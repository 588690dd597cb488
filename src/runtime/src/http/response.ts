/**
 * What a handler may return instead of plain data, when it needs full
 * control of status, headers or body (FastAPI's Response classes).
 */
export type HeaderMap = Record<string, string | number | readonly string[]>;

export interface ResponseInit {
  status?: number;
  headers?: HeaderMap;
}

export class Response {
  readonly status: number;
  readonly headers: HeaderMap;

  constructor(
    readonly body: string | Buffer | null,
    init: ResponseInit = {},
    contentType?: string,
  ) {
    this.status = init.status ?? 200;
    // Null prototype: header names come from user code and must stay data.
    this.headers = Object.assign(Object.create(null) as HeaderMap, init.headers);
    if (contentType && body !== null && !hasHeader(this.headers, "content-type")) this.headers["content-type"] = contentType;
  }
}

export class JSONResponse extends Response {
  constructor(content: unknown, init?: ResponseInit) {
    super(JSON.stringify(content) ?? "null", init, "application/json");
  }
}

export class HTMLResponse extends Response {
  constructor(html: string, init?: ResponseInit) {
    super(html, init, "text/html; charset=utf-8");
  }
}

export class PlainTextResponse extends Response {
  constructor(text: string, init?: ResponseInit) {
    super(text, init, "text/plain; charset=utf-8");
  }
}

export class RedirectResponse extends Response {
  constructor(url: string, init: ResponseInit = {}) {
    super(null, { status: init.status ?? 307, headers: { ...init.headers, location: url } });
  }
}

export function hasHeader(headers: HeaderMap, name: string): boolean {
  const lower = name.toLowerCase();
  for (const key in headers) if (key.toLowerCase() === lower) return true;
  return false;
}
