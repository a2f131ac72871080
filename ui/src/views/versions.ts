/**
 * @module The version picker: every stored version, newest first, the active one marked. An admin
 * token also gets "Activate" (roll back or forward); a query token never sees it.
 */
import { useState } from 'preact/hooks';
import * as api from '../api.js';
import { html } from '../html.js';
import type { BundleInfo } from '../model/types.js';

/** `sha256:0123abcd` from a full version id. */
export function shortVersion(version: string): string {
  return version.replace(/^(sha256:[0-9a-f]{12}).*$/, '$1');
}

export function versionLabel(info: BundleInfo, version: string): string {
  const stored = info.versions.find((v) => v.version === version);
  const when = stored ? ` · ${stored.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}` : '';
  return `${shortVersion(version)}${version === info.active ? ' (active)' : ''}${when}`;
}

interface Props {
  readonly info: BundleInfo;
  readonly version: string | null;
  readonly isAdmin: boolean;
  readonly onChange: (version: string) => void;
  /** After an activation, with what to tell the user (the picker is drawn anew with the new active version). */
  readonly onActivated: (message: string) => void;
  readonly onApiError: (error: Error) => void;
}

export function VersionPicker(props: Props) {
  const [message, setMessage] = useState('');
  const newestFirst = [...props.info.versions].reverse();
  const activate = async () => {
    if (!props.version) return;
    try {
      await api.activate(props.info.name, props.version, props.info.active);
      props.onActivated(`Activated ${shortVersion(props.version)}.`);
    } catch (error) {
      props.onApiError(error as Error);
      setMessage((error as Error).message);
    }
  };
  return html`<label>Version
      <select value=${props.version ?? ''} onChange=${(e: Event) => props.onChange((e.target as HTMLSelectElement).value)}>
        ${newestFirst.map((v) => html`<option value=${v.version}>${versionLabel(props.info, v.version)}</option>`)}
      </select>
    </label>
    ${props.isAdmin &&
    props.version !== props.info.active &&
    html`<button type="button" onClick=${activate}>Activate this version</button>`}
    ${message && html`<span role="status" class="status">${message}</span>`}`;
}
