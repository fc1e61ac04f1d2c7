// Public surface of @coordis/client.
export { CoordisError, hasCode, isCoordisError } from './errors.js';
export { type LuaHeader, LuaScript, parseLuaHeader, readLua, type ScriptClient } from './lua-script.js';
