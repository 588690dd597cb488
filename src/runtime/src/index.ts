export const VERSION = "0.1.0";

export { App, createApp, type AppOptions, type ListenOptions } from "./app.js";
export { Router, type RouterOptions, type IncludeOptions } from "./router.js";
export type { RouteOptions, Handler, HandlerContext, HttpMethod, BodyEncoding, ExtraResponse } from "./route/types.js";
export { depends, type DependencyContext, type DependencyFn, type DependsOptions, type DependencyScope, type ResolvedDeps } from "./deps/define.js";
export { HTTPException } from "./errors/http-exception.js";
export { RequestValidationError, ResponseValidationError } from "./errors/validation-error.js";
export { TrellisConfigError, CONFIG_ERRORS, type ConfigErrorCode } from "./errors/config-error.js";
export type { ExceptionHandler, ErrorClass } from "./errors/handlers.js";
export { Response, JSONResponse, HTMLResponse, PlainTextResponse, RedirectResponse, type ResponseInit, type HeaderMap } from "./http/response.js";
export { Request } from "./http/request.js";
export { ResponseState } from "./http/response-state.js";
export { BackgroundTasks } from "./background.js";
export type { ValidationDetail } from "./validation/detail.js";
export { createConsoleLogger, silentLogger, type Logger } from "./logger.js";
export type { OpenAPIObject, OpenAPIOptions } from "./openapi/types.js";
