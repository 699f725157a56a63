/** Rust tracing-subscriber fmt (full, with span close events) and json output. TODO: implement. */
import { LineVerdict, type LineFormat } from './types';

export const rustTracingFmt: LineFormat = {
  name: 'rust-tracing-fmt',
  mayMatch: () => false,
  createReader: () => ({ line: () => LineVerdict.NotMine, end: () => undefined }),
};

export const rustTracingJson: LineFormat = {
  name: 'rust-tracing-json',
  mayMatch: () => false,
  createReader: () => ({ line: () => LineVerdict.NotMine, end: () => undefined }),
};
