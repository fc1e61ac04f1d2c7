// Public surface of @coordis/client.
export { CoordisError, hasCode, isCoordisError } from './errors.js';
