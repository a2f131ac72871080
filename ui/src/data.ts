/**
 * @module Loading the API's answers into views: one hook that runs a request when its key changes,
 * drops answers that a newer key overtook, and keeps connectivity lists per bundle version so that
 * switching views does not fetch them again.
 */
import { useEffect, useState } from 'preact/hooks';
import * as api from './api.js';
import type { ConnectivityList } from './model/types.js';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly error: Error }
  | { readonly state: 'done'; readonly data: T };

/** Runs `load` whenever `key` changes; a null key loads nothing. */
export function useLoad<T>(key: string | null, load: () => Promise<T>, onError?: (error: Error) => void): Loaded<T> {
  const [result, setResult] = useState<{ key: string | null; loaded: Loaded<T> }>({ key: null, loaded: { state: 'loading' } });
  useEffect(() => {
    if (key === null) return;
    let current = true;
    setResult({ key, loaded: { state: 'loading' } });
    load().then(
      (data) => current && setResult({ key, loaded: { state: 'done', data } }),
      (error: unknown) => {
        if (!current) return;
        const failure = error instanceof Error ? error : new Error(String(error));
        onError?.(failure);
        setResult({ key, loaded: { state: 'error', error: failure } });
      },
    );
    return () => {
      current = false;
    };
  }, [key]);
  return result.key === key ? result.loaded : { state: 'loading' };
}

const lists = new Map<string, Promise<api.Timed<ConnectivityList>>>();
const LISTS_KEPT = 4;

/** The connectivity list of a version (null: the active one), whole or around a focus, fetched once per tab. */
export function connectivityOf(bundle: string, version: string | null, focus: string | null = null): Promise<api.Timed<ConnectivityList>> {
  const key = `${bundle}@${version ?? ''}#${focus ?? ''}`;
  let list = lists.get(key);
  if (!list) {
    list = api.connectivity(bundle, version, focus);
    list.catch(() => lists.delete(key));
    lists.set(key, list);
    if (lists.size > LISTS_KEPT) lists.delete(lists.keys().next().value!);
  }
  return list;
}

/** Forgets every list, after the token changed. */
export function forgetLists(): void {
  lists.clear();
}
