/**
 * The two places the waterfall runs: inside a VS Code webview (acquireVsCodeApi) or as a plain
 * page (the standalone HTML file, the browser tests). Everything else talks to `Host`.
 */

import { STANDALONE_MESSAGE_EVENT, type FromWebviewMessage, type WebviewState } from '../src/protocol';

export interface Host {
  /** True outside VS Code: there is nobody to reveal source lines. */
  readonly standalone: boolean;
  post(message: FromWebviewMessage): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export function connectHost(): Host {
  if (typeof acquireVsCodeApi === 'function') {
    const api = acquireVsCodeApi();
    return {
      standalone: false,
      post: (m) => api.postMessage(m),
      getState: () => (api.getState() as WebviewState | undefined) ?? undefined,
      setState: (s) => api.setState(s),
    };
  }
  let state: WebviewState | undefined;
  return {
    standalone: true,
    // A page that embeds the waterfall (or a test) can listen for these on window.
    post: (m) => window.dispatchEvent(new CustomEvent(STANDALONE_MESSAGE_EVENT, { detail: m })),
    getState: () => state,
    setState: (s) => {
      state = s;
    },
  };
}
