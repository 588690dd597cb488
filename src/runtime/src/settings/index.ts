export { defineSettings, SettingsError, type SettingsIssue, type SettingsOptions } from "./define-settings.js";
export { parseDotenv, DotenvSyntaxError, type DotenvProblem } from "./dotenv.js";
