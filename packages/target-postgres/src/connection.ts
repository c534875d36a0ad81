/**
 * A pg client whose connection fails while no query of it is running (idle, between two queries, just
 * connected) emits 'error': unheard, that crashes the process, and its next query then fails only with
 * "Client has encountered a connection error and is not queryable". A watched client keeps the first
 * such error, so a load that fails on it can report why.
 */
import type pg from 'pg';

const watched = new WeakMap<pg.ClientBase, { error?: Error }>();

/** Listens for `client`'s connection failure for the rest of its life; once per client. */
export function watchConnection(client: pg.ClientBase, onError?: (error: Error) => void): void {
  if (watched.has(client)) return;
  const state: { error?: Error } = {};
  watched.set(client, state);
  client.on('error', (error: Error) => {
    state.error ??= error;
    onError?.(error);
  });
}

/** The error that ended a watched client's connection, if it has failed. */
export function connectionFailure(client: pg.ClientBase): Error | undefined {
  return watched.get(client)?.error;
}
