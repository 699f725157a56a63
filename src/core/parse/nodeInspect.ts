/** Node ConsoleSpanExporter output (util.inspect object literals). TODO: implement. */
import type { BlockFormat } from './types';

export const nodeInspect: BlockFormat = {
  name: 'node-inspect',
  parseBlock() {
    return null;
  },
};
