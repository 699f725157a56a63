/** OTLP JSON (`resourceSpans`), as files or one export per line. TODO: implement. */
import type { BlockFormat, JsonLineFormat } from './types';

export const otlpJsonBlock: BlockFormat = {
  name: 'otlp-json',
  parseBlock() {
    return null;
  },
};

export const otlpJsonLines: JsonLineFormat = {
  name: 'otlp-json',
  parseValue() {
    return null;
  },
};
