/** `2024-05-01T12:00:00Z`: Lead DB timestamps, seconds precision. */
export const isoSeconds = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** `2015-05-21T22:45:13Z+0000`: how the Asset API writes timestamps (not valid ISO 8601). */
export const assetTime = (ms: number): string => `${isoSeconds(ms)}+0000`;

export { centralDay, centralIso, nextCentralMidnight } from '../central-time.js';
